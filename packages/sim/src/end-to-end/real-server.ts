export { type ListeningServer, startListeningServer } from '@mostrador/server/testing';

import { fetchTransport, type Transport } from '@mostrador/terminal';

/**
 * A transport between a terminal and the real listening server that a test can cut: offline (no
 * request reaches the server) or "answer lost" (the server handles the request, commits, and the
 * terminal never hears back).
 */
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
