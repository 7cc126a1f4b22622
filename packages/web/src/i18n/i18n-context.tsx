import { ERROR_CATALOG, type ErrorCode, type Language } from '@mostrador/core';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { type MessageKey, messagesEn } from './messages-en';
import { messagesEs } from './messages-es';

export type { Language };

const LANGUAGE_STORAGE_KEY = 'mostrador-language';
const dictionaries: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = {
  es: messagesEs,
  en: messagesEn,
};

export type MessageParameters = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, parameters?: MessageParameters) => string;

export interface I18n {
  readonly language: Language;
  readonly t: Translate;
  setLanguage(language: Language): void;
  /** The message for a refusal code from the engine or the server, in the screen's language. */
  refusal(code: string): string;
}

/** Fills {name} placeholders; a missing parameter stays visible rather than silently empty. */
export function translate(language: Language, key: MessageKey, parameters?: MessageParameters): string {
  const template = dictionaries[language][key];
  if (parameters === undefined) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    parameters[name] === undefined ? whole : String(parameters[name]),
  );
}

export function refusalMessage(language: Language, code: string): string {
  if (code in ERROR_CATALOG) return ERROR_CATALOG[code as ErrorCode][language];
  return translate(language, 'refusal.unknown', { code });
}

const I18nContext = createContext<I18n | null>(null);

function initialLanguage(): Language {
  try {
    return localStorage.getItem(LANGUAGE_STORAGE_KEY) === 'en' ? 'en' : 'es';
  } catch {
    return 'es';
  }
}

export function I18nProvider({ children }: { readonly children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    document.documentElement.lang = next;
    try {
      localStorage.setItem(LANGUAGE_STORAGE_KEY, next);
    } catch {
      // A private window may refuse storage; the choice then lasts until the tab closes.
    }
  }, []);
  const value = useMemo<I18n>(
    () => ({
      language,
      setLanguage,
      t: (key, parameters) => translate(language, key, parameters),
      refusal: (code) => refusalMessage(language, code),
    }),
    [language, setLanguage],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (i18n === null) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
