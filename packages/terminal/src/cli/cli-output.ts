import { ERROR_CATALOG, type ErrorCode, type Language } from '@mostrador/core';

/** Exit codes: 0 done, 1 the engine or server said no, 2 the command line was wrong. */
export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type RefusalLike = { readonly code: string; readonly [detail: string]: unknown };

export interface CliOutput {
  readonly json: boolean;
  readonly language: Language;
  /** Prints a result: as one JSON document with --json, else as the given human lines. */
  result(value: unknown, lines: readonly string[]): void;
  /** Prints a refusal with its catalog message. */
  refusal(value: RefusalLike): void;
}

export function cliOutput(json: boolean, language: Language, write: (text: string) => void): CliOutput {
  return {
    json,
    language,
    result(value, lines) {
      write(json ? `${JSON.stringify(value)}\n` : `${lines.join('\n')}\n`);
    },
    refusal(value) {
      const message = messageOf(value.code, language);
      if (json) {
        write(`${JSON.stringify({ ...value, message })}\n`);
        return;
      }
      const { ok: _ok, code, ...details } = value as { ok?: boolean; code: string };
      const detailText = Object.keys(details).length === 0 ? '' : ` ${JSON.stringify(details)}`;
      write(`${code}: ${message}${detailText}\n`);
    },
  };
}

export function messageOf(code: string, language: Language): string {
  return code in ERROR_CATALOG ? ERROR_CATALOG[code as ErrorCode][language] : code;
}
