import { ERROR_CATALOG } from '@mostrador/core';
import { describe, expect, it } from 'vitest';
import { refusalMessage, translate } from './i18n-context';
import { type MessageKey, messagesEn } from './messages-en';
import { messagesEs } from './messages-es';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('messages', () => {
  it('has every Spanish text in English with the same placeholders, and none empty', () => {
    const keys = Object.keys(messagesEs) as MessageKey[];
    expect(Object.keys(messagesEn).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      expect(messagesEs[key].trim(), key).not.toBe('');
      expect(messagesEn[key].trim(), key).not.toBe('');
      expect(placeholders(messagesEn[key]), key).toEqual(placeholders(messagesEs[key]));
    }
  });

  it('fills placeholders and keeps a missing one visible', () => {
    expect(translate('es', 'sale.notFound', { code: '123' })).toBe(
      'No hay ningún producto con el código 123.',
    );
    expect(translate('en', 'sale.notFound')).toBe('There is no product with code {code}.');
  });

  it('shows refusals from the shared error catalog in both languages', () => {
    expect(refusalMessage('es', 'TERMINAL_OPEN_ELSEWHERE')).toBe(ERROR_CATALOG.TERMINAL_OPEN_ELSEWHERE.es);
    expect(refusalMessage('en', 'STOCK_GUARD_BLOCKED')).toBe(ERROR_CATALOG.STOCK_GUARD_BLOCKED.en);
    expect(refusalMessage('en', 'SOMETHING_NEW')).toBe('It could not be completed (SOMETHING_NEW).');
  });
});
