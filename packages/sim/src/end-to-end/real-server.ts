import type { AddressInfo } from 'node:net';
import { startTestServer, type TestServer } from '@mostrador/server/testing';
import { fetchTransport, type Transport } from '@mostrador/terminal';

/**
 * The real server listening on a loopback port, for terminals that talk to it over real HTTP,
 * and a transport between them that a test can cut: offline (no request reaches the server) or
 * "answer lost" (the server handles the request, commits, and the terminal never hears back).
 */
export interface ListeningServer extends TestServer {
  readonly url: string;
}

export async function startListeningServer(): Promise<ListeningServer> {
  const server = await startTestServer();
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.app.server.address() as AddressInfo;
  return Object.assign(server, { url: `http://127.0.0.1:${port}` });
}

export interface Link {
  online: boolean;
  /** Lose the answer of the next N requests whose path starts with this prefix. */
  loseAnswers: { pathPrefix: string; count: number };
  /** Cut the connection before this request reaches the server when it answers true. */
  cutBefore: (path: string) => boolean;
  readonly transport: Transport;
}

export function createLink(url: string): Link {
  const inner = fetchTransport(url, { timeoutMs: 10_000 });
  const link: Link = {
    online: true,
    loseAnswers: { pathPrefix: '', count: 0 },
    cutBefore: () => false,
    transport: async (request) => {
      if (!link.online) throw new TypeError('fetch failed: network is down (test link offline)');
      if (link.cutBefore(request.path)) throw new TypeError('fetch failed: connection reset (test link)');
      const response = await inner(request);
      if (link.loseAnswers.count > 0 && request.path.startsWith(link.loseAnswers.pathPrefix)) {
        link.loseAnswers.count -= 1;
        throw new TypeError('fetch failed: connection reset after the server answered (test link)');
      }
      return response;
    },
  };
  return link;
}
