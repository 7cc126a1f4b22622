import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A transparent front for the real server (which serves the built app and the API on one
 * origin), on its own loopback port so the origin a browser profile activated against stays the
 * same when the server behind it is replaced. A test can arm it to hold the answers to sync
 * pushes: the server has committed, the browser never hears back — the moment to kill it.
 */
export interface AppFront {
  readonly url: string;
  /** Holds the answer of the next push; resolves when one is held. */
  holdNextPushAnswer(): Promise<void>;
  /** Drops held answers (their sockets are destroyed) and stops holding. */
  releaseHeld(): void;
  close(): Promise<void>;
}

const PUSH_PATH = '/api/v1/sync/push';

export async function startAppFront(upstreamUrl: string): Promise<AppFront> {
  const upstream = new URL(upstreamUrl);
  let holding: { resolve: () => void } | null = null;
  const held: ServerResponse[] = [];

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const proxied = httpRequest(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: upstream.host },
      },
      (answer) => {
        if (holding !== null && incoming.url?.startsWith(PUSH_PATH) === true) {
          // Read the whole answer (the server has committed), then keep the browser waiting.
          answer.resume();
          answer.on('end', () => {
            held.push(outgoing);
            const waiting = holding;
            holding = null;
            waiting?.resolve();
          });
          return;
        }
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    proxied.on('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.on('error', () => proxied.destroy());
    outgoing.on('error', () => proxied.destroy());
    incoming.pipe(proxied);
  };

  const server: Server = createServer(forward);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const releaseHeld = () => {
    holding = null;
    for (const response of held.splice(0)) response.destroy();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    holdNextPushAnswer: () =>
      new Promise<void>((resolve) => {
        holding = { resolve };
      }),
    releaseHeld,
    async close() {
      releaseHeld();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
