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
  /**
   * How a 2xx answer is delivered: 'json' (the default) parsed whole into `body`; 'ndjson' (the
   * bootstrap snapshot, too large to hold at once) read as it arrives into `lines`.
   */
  readonly responseFormat?: 'json' | 'ndjson';
}

export interface TransportResponse {
  readonly status: number;
  /** The parsed JSON body, or undefined when the body was empty, not JSON, or streamed. */
  readonly body: unknown;
  /**
   * The 2xx answer to an 'ndjson' request: one parsed JSON value a line, in order, as they arrive.
   * Iterating rejects when the connection breaks or the server goes silent (the outcome is then
   * unknown) and with NdjsonLineError when a line is not JSON.
   */
  readonly lines?: AsyncIterable<unknown>;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** Whether an HTTP status says the server did what was asked (2xx). */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

export const REQUEST_TIMEOUT_MS_DEFAULT = 20_000;

/** A streamed line that does not parse: the answer is malformed, not lost on the way. */
export class NdjsonLineError extends Error {
  override readonly name = 'NdjsonLineError';
}

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
    const init = {
      method: request.method,
      headers,
      body: request.body === undefined ? null : JSON.stringify(request.body),
    };
    if (request.responseFormat !== 'ndjson') {
      const response = await doFetch(`${base}${request.path}`, {
        ...init,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      return { status: response.status, body: parseJson(text) };
    }
    // A stream may take minutes on a slow link; what must not last is silence from the server.
    const abort = new AbortController();
    const silence = setTimeout(() => abort.abort(silenceError(timeoutMs)), timeoutMs);
    let response: Response;
    try {
      response = await doFetch(`${base}${request.path}`, { ...init, signal: abort.signal });
    } finally {
      clearTimeout(silence);
    }
    if (!isSuccessStatus(response.status) || response.body === null) {
      return { status: response.status, body: parseJson(await response.text()) };
    }
    return { status: response.status, body: undefined, lines: ndjsonLines(response.body, timeoutMs, abort) };
  };
}

/** Lines longer than this are not a protocol message but a broken or hostile stream. */
const NDJSON_LINE_CHARS_MAX = 64 * 1024 * 1024;

async function* ndjsonLines(
  body: ReadableStream<Uint8Array>,
  silenceMs: number,
  abort: AbortController,
): AsyncGenerator<unknown> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  // The text of the current line so far, in pieces, so a long line is joined once.
  let pieces: string[] = [];
  let pendingChars = 0;
  let finished = false;
  try {
    for (;;) {
      const silence = setTimeout(() => abort.abort(silenceError(silenceMs)), silenceMs);
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } finally {
        clearTimeout(silence);
      }
      const text = chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
      let start = 0;
      for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
        pieces.push(text.slice(start, newline));
        const line = pieces.join('');
        pieces = [];
        pendingChars = 0;
        start = newline + 1;
        if (line !== '') yield parseLine(line);
      }
      pieces.push(text.slice(start));
      pendingChars += text.length - start;
      if (pendingChars > NDJSON_LINE_CHARS_MAX) throw new NdjsonLineError('a streamed line is too long');
      if (chunk.done) break;
    }
    const rest = pieces.join('');
    if (rest !== '') yield parseLine(rest);
    finished = true;
  } finally {
    // A consumer that stops early (or fails) closes the connection instead of leaving it half read.
    if (!finished) await reader.cancel().catch(() => undefined);
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    throw new NdjsonLineError(`a streamed line is not JSON: ${line.slice(0, 80)}`);
  }
}

function silenceError(silenceMs: number): Error {
  return new Error(`the server sent nothing for ${silenceMs} ms`);
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
