import type { ErrorCode } from '@mostrador/core';

/**
 * What the engine answers when it cannot do what was asked. Expected outcomes (a wrong PIN, a sale
 * the stock guard blocks, a terminal opened twice) are values with a stable code from the error
 * catalog (docs/errors.md) and the details a screen needs to explain them; exceptions are kept
 * for bugs and for I/O that failed in a way nobody can act on at the counter.
 */
export type Refusal<Code extends ErrorCode = ErrorCode, Details extends object = object> = {
  readonly ok: false;
  readonly code: Code;
} & Readonly<Details>;

export type Success<Value extends object = object> = { readonly ok: true } & Readonly<Value>;

export function refuse<Code extends ErrorCode, Details extends object = object>(
  code: Code,
  details?: Details,
): Refusal<Code, Details> {
  return { ...(details as Details), ok: false, code };
}

export function isRefusal(value: { readonly ok: boolean }): value is Refusal {
  return !value.ok;
}
