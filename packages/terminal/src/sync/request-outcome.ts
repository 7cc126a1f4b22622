import type { z } from 'zod';
import { isSuccessStatus, serverErrorCode, type Transport, type TransportRequest } from './transport';

/**
 * Every request to the server ends in exactly one of three ways:
 * - ok: a 2xx answer whose body matches the protocol schema;
 * - failed: the server answered that it did not do it (a 4xx with an error code);
 * - unknown: no usable answer (network error, timeout, 5xx, a body that does not parse). The
 *   request may have been applied; the caller retries with exactly the same content.
 * `reachedServer` feeds connectivity detection: a gateway error or a dropped connection says the
 * server is out of reach, any other answer says it is there.
 */
export type RequestOutcome<T> =
  | { readonly outcome: 'ok'; readonly value: T; readonly status: number; readonly reachedServer: true }
  | {
      readonly outcome: 'failed';
      readonly status: number;
      readonly serverCode: string | undefined;
      readonly reachedServer: true;
    }
  | {
      readonly outcome: 'unknown';
      readonly reason: 'network' | 'server_error' | 'malformed_response';
      readonly status: number | null;
      readonly detail: string;
      readonly reachedServer: boolean;
    };

const GATEWAY_STATUSES = new Set([502, 503, 504]);

export async function sendRequest<S extends z.ZodType>(
  transport: Transport,
  request: TransportRequest,
  schema: S,
): Promise<RequestOutcome<z.infer<S>>> {
  let response: Awaited<ReturnType<Transport>>;
  try {
    response = await transport(request);
  } catch (error) {
    return unknownOutcome('network', null, error, false);
  }
  const { status, body } = response;
  if (isSuccessStatus(status)) {
    const parsed = schema.safeParse(body);
    if (parsed.success) return { outcome: 'ok', value: parsed.data, status, reachedServer: true };
    return malformedOutcome(status, parsed.error.message);
  }
  return refusalOutcome(status, body);
}

export type FailedOutcome = Exclude<RequestOutcome<never>, { outcome: 'ok' }>;

/** A non-2xx answer: the server did not do it (4xx) or the outcome is unknown (5xx, 408, 429). */
export function refusalOutcome(status: number, body: unknown): FailedOutcome {
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return { outcome: 'failed', status, serverCode: serverErrorCode(body), reachedServer: true };
  }
  return {
    outcome: 'unknown',
    reason: 'server_error',
    status,
    detail: serverErrorCode(body) ?? `HTTP ${status}`,
    reachedServer: !GATEWAY_STATUSES.has(status),
  };
}

/** An answer that arrived but does not follow the protocol. */
export function malformedOutcome(status: number, detail: string): FailedOutcome {
  return {
    outcome: 'unknown',
    reason: 'malformed_response',
    status,
    detail: detail.slice(0, 500),
    reachedServer: true,
  };
}

/** No answer, or an answer cut off: the request may or may not have been applied. */
export function unknownOutcome(
  reason: 'network' | 'server_error',
  status: number | null,
  error: unknown,
  reachedServer: boolean,
): FailedOutcome {
  return { outcome: 'unknown', reason, status, detail: describe(error), reachedServer };
}

function describe(error: unknown): string {
  return error instanceof Error
    ? `${error.name}: ${error.message}`.slice(0, 500)
    : String(error).slice(0, 500);
}
