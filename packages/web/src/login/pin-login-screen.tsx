import type { TerminalEngine } from '@mostrador/terminal';
import { type FormEvent, useId, useState } from 'react';
import { LanguageSwitch } from '../app/language-switch';
import { useI18n } from '../i18n/i18n-context';

const PIN_LENGTH_MAX = 6;
const KEYPAD = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/** The cashier's PIN, checked offline by the engine against the store's people. */
export function PinLoginScreen({
  engine,
  storeName,
  terminalName,
  onLoggedIn,
}: {
  readonly engine: TerminalEngine;
  readonly storeName: string;
  readonly terminalName: string;
  readonly onLoggedIn: () => Promise<void>;
}) {
  const { t, refusal } = useI18n();
  const id = useId();
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (pin.length < 4 || busy) return;
    setBusy(true);
    setProblem(null);
    const outcome = await engine.login({ pin });
    setBusy(false);
    setPin('');
    if (!outcome.ok) {
      setProblem(
        outcome.code === 'INVALID_PIN' && 'attemptsRemaining' in outcome
          ? `${refusal(outcome.code)} ${t('login.attemptsRemaining', { count: outcome.attemptsRemaining })}`
          : refusal(outcome.code),
      );
      return;
    }
    await onLoggedIn();
  };

  const press = (digit: string) =>
    setPin((current) => (current.length < PIN_LENGTH_MAX ? current + digit : current));

  return (
    <main className="centered-screen pin-login">
      <header className="screen-header">
        <div>
          <h1>{storeName}</h1>
          <p className="muted">{terminalName}</p>
        </div>
        <LanguageSwitch />
      </header>
      <form onSubmit={submit} className="pin-form">
        <label htmlFor={`${id}-pin`}>{t('login.pin')}</label>
        <input
          id={`${id}-pin`}
          className="pin-input"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          pattern="\d{4,6}"
          maxLength={PIN_LENGTH_MAX}
          // biome-ignore lint/a11y/noAutofocus: the PIN is the only thing this screen asks for.
          autoFocus
          value={pin}
          onChange={(event) => setPin(event.target.value.replace(/\D/g, '').slice(0, PIN_LENGTH_MAX))}
        />
        <fieldset className="keypad">
          <legend className="visually-hidden">{t('login.keypad')}</legend>
          {KEYPAD.map((digit) => (
            <button key={digit} type="button" onClick={() => press(digit)}>
              {digit}
            </button>
          ))}
          <button type="button" onClick={() => setPin('')} aria-label={t('login.clear')}>
            ⌫
          </button>
          <button type="button" onClick={() => press('0')}>
            0
          </button>
          <button type="submit" className="button-primary" disabled={busy || pin.length < 4}>
            {t('login.enter')}
          </button>
        </fieldset>
        <p role="alert" className="problem">
          {busy ? t('login.checking') : problem}
        </p>
      </form>
    </main>
  );
}
