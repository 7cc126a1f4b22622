/**
 * How the engine talks to the server: one function, injected, so tests use a local fake server,
 * the simulator injects faults, and the browser and Node both use fetch by default. A transport
 * rejects only when no HTTP answer arrived (network down, timeout, connection reset): that is
 * the "unknown" outcome, because the request may or may not have reached the server.
 */
export interface TransportRequest {
  readonly method: 'GET' | 'POST';
  /** Path and query, e.g. /api/v1/sync/pull?cursor=0&limit=1000. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface TransportResponse {
  readonly status: number;
  /** The parsed JSON body, or undefined when the body was empty or not JSON. */
  readonly body: unknown;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

export const REQUEST_TIMEOUT_MS_DEFAULT = 20_000;

export function fetchTransport(
  baseUrl: string,
  options: { timeoutMs?: number; fetch?: typeof fetch } = {},
): Transport {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT;
  const base = baseUrl.replace(/\/+$/, '');
  return async (request) => {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const response = await doFetch(`${base}${request.path}`, {
      method: request.method,
      headers,
      body: request.body === undefined ? null : JSON.stringify(request.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, body: parseJson(text) };
  };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The `{ error: { code, message } }` body every server error has, when it has one. */
export function serverErrorCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error = (body as { error: unknown }).error;
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function deviceHeaders(deviceCredential: string): Record<string, string> {
  return { authorization: `Device ${deviceCredential}` };
}
