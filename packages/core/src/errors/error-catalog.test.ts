import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, type ErrorCode, errorMessage, languageFromAcceptLanguage } from './error-catalog';

describe('error catalog', () => {
  const documentation = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');

  it('documents every code with both of its messages in docs/errors.md', () => {
    for (const [code, messages] of Object.entries(ERROR_CATALOG)) {
      const row = documentation
        .split('\n')
        .find((line) => new RegExp(`^\\|\\s*\`${code}\`\\s*\\|`).test(line));
      expect(row, `docs/errors.md lacks ${code}`).toBeDefined();
      expect(row).toContain(messages.es);
      expect(row).toContain(messages.en);
    }
  });

  it('documents no code that does not exist', () => {
    const documented = [...documentation.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CATALOG).sort());
  });

  it('speaks Spanish unless the client prefers English', () => {
    expect(languageFromAcceptLanguage(undefined)).toBe('es');
    expect(languageFromAcceptLanguage('en-US,en;q=0.9')).toBe('en');
    expect(languageFromAcceptLanguage('fr-FR, es;q=0.8, en;q=0.5')).toBe('es');
    expect(languageFromAcceptLanguage('es-MX;q=0.4, en;q=0.9')).toBe('en');
    expect(languageFromAcceptLanguage('de')).toBe('es');
    const code: ErrorCode = 'ACCOUNT_LOCKED';
    expect(errorMessage(code, 'es')).not.toBe(errorMessage(code, 'en'));
  });
});
