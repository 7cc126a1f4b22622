import { Agent, request as httpRequest } from 'node:http';
import {
  type ActivateTerminalResponse,
  activateTerminalResponseSchema,
  type FactEnvelope,
  type HealthReportRequest,
  type PushResponse,
  pushResponseSchema,
  SYNC_PROTOCOL_VERSION,
} from '@mostrador/core';
import type { ListeningServer } from '@mostrador/server/testing';

/**
 * What a terminal says to the server over real HTTP, for benchmarks that play many terminals
 * without a whole engine each: activation, push, pull and the health report, each checked for
 * the answer a healthy terminal expects. A benchmark fails on any other answer rather than
 * counting it as fast.
 */
/**
 * Longer than a terminal waits (20 s, then it retries later): a benchmark measures how long the
 * server really takes, and counts the answers a till would have given up on. Ten minutes covers
 * a push queued behind fifty others on PGlite's one backend.
 */
const HTTP_TIMEOUT_MS = 600_000;
/** How much of an unexpected answer goes into the error. */
const ANSWER_EXCERPT_CHARS = 500;

export async function activateTerminal(
  server: ListeningServer,
  managerToken: string,
  request: { readonly storeId: string; readonly name: string; readonly publicKeyHex: string },
): Promise<ActivateTerminalResponse> {
  const text = await exchange(server, {
    method: 'POST',
    path: '/api/v1/terminals/activate',
    authorization: `Bearer ${managerToken}`,
    body: JSON.stringify(request),
    expectedStatus: 201,
  });
  return activateTerminalResponseSchema.parse(JSON.parse(text));
}

/** A batch as the terminal holds it, and the push body it sends. */
export interface PushBatch {
  readonly facts: readonly FactEnvelope[];
  readonly body: Uint8Array<ArrayBuffer>;
}

/**
 * A push body as the terminal sends it, already UTF-8: built once, before timing, so the
 * benchmark's own process spends none of the measured time serialising or encoding what a
 * terminal would have encoded on its own device.
 */
export function pushBatch(facts: readonly FactEnvelope[]): PushBatch {
  return {
    facts,
    body: BODY_ENCODER.encode(JSON.stringify({ protocolVersion: SYNC_PROTOCOL_VERSION, facts })),
  };
}

const BODY_ENCODER = new TextEncoder();

/**
 * Pushes one batch and insists that all of it was applied: the answer acknowledges the batch's
 * last sequence and carries a final folio for every sale in it.
 */
export async function pushApplied(
  server: ListeningServer,
  deviceCredential: string,
  batch: PushBatch,
): Promise<PushResponse> {
  const text = await exchange(server, {
    method: 'POST',
    path: '/api/v1/sync/push',
    authorization: `Device ${deviceCredential}`,
    body: batch.body,
    expectedStatus: 200,
  });
  const answer = pushResponseSchema.parse(JSON.parse(text));
  const last = batch.facts.at(-1);
  if (last === undefined) throw new Error('pushed an empty batch');
  if (
    answer.outcome !== 'applied' ||
    answer.acknowledgedSequence !== last.sequence ||
    answer.folios.length !== batch.facts.length
  )
    throw new Error(`push was not applied in full: ${text.slice(0, ANSWER_EXCERPT_CHARS)}`);
  return answer;
}

/**
 * Reads the change feed from `cursor` to its end, page by page, as the terminal's pull does, and
 * returns the cursor to continue from. The pages are not validated or stored: that work happens
 * on the terminal's own device, not on the server this benchmark measures.
 */
export async function pullToEnd(
  server: ListeningServer,
  deviceCredential: string,
  cursor: string,
  options: { readonly pageChangesMax: number; readonly pagesMax: number },
): Promise<{ readonly cursor: string; readonly pages: number; readonly changes: number }> {
  let current = cursor;
  let changes = 0;
  for (let pages = 1; pages <= options.pagesMax; pages += 1) {
    const text = await exchange(server, {
      method: 'GET',
      path: `/api/v1/sync/pull?cursor=${encodeURIComponent(current)}&limit=${options.pageChangesMax}`,
      authorization: `Device ${deviceCredential}`,
      expectedStatus: 200,
    });
    const page = JSON.parse(text) as { changes: unknown[]; nextCursor: string; hasMore: boolean };
    current = page.nextCursor;
    changes += page.changes.length;
    if (!page.hasMore) return { cursor: current, pages, changes };
  }
  throw new Error(`the feed did not end within ${options.pagesMax} pages`);
}

/** POST /api/v1/sync/status: the terminal's health and the samples taken since the last report. */
export async function reportHealth(
  server: ListeningServer,
  deviceCredential: string,
  report: HealthReportRequest,
): Promise<void> {
  await exchange(server, {
    method: 'POST',
    path: '/api/v1/sync/status',
    authorization: `Device ${deviceCredential}`,
    body: JSON.stringify(report),
    expectedStatus: 200,
  });
}

/**
 * Every benchmark's terminals share one keep-alive agent, as tills each hold their connection
 * open; sockets are not capped, so fifty terminals push at once over fifty connections.
 */
const TERMINAL_AGENT = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

/**
 * One request over node:http, which writes a prepared body as it is. fetch (undici) copies every
 * body into a stream of its own first, about 3 % of the process's CPU in server-ingest, time the
 * server under test would not spend with the terminals on their own devices.
 */
function exchange(
  server: ListeningServer,
  request: {
    readonly method: 'GET' | 'POST';
    readonly path: string;
    readonly authorization: string;
    readonly body?: string | Uint8Array<ArrayBuffer>;
    readonly expectedStatus: number;
  },
): Promise<string> {
  const what = `${request.method} ${request.path.split('?')[0]}`;
  const sentMs = performance.now();
  const body = request.body === undefined ? undefined : asBuffer(request.body);
  const failed = (error: unknown) => {
    const seconds = ((performance.now() - sentMs) / 1000).toFixed(1);
    return new Error(`${what} got no answer after ${seconds} s: ${String(error)}`, { cause: error });
  };
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      new URL(request.path, server.url),
      {
        method: request.method,
        agent: TERMINAL_AGENT,
        headers: {
          authorization: request.authorization,
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': body.byteLength }),
        },
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => reject(failed(error)));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== request.expectedStatus) {
            reject(
              new Error(`${what} answered ${response.statusCode}: ${text.slice(0, ANSWER_EXCERPT_CHARS)}`),
            );
          } else {
            resolve(text);
          }
        });
      },
    );
    outgoing.on('error', (error) => reject(failed(error)));
    outgoing.end(body);
  });
}

/** The body's bytes as a Buffer over the same memory (a string is encoded as UTF-8). */
function asBuffer(body: string | Uint8Array<ArrayBuffer>): Buffer {
  return typeof body === 'string'
    ? Buffer.from(body, 'utf8')
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}
