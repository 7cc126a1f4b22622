// The service worker: it precaches every file of the build at install, so a reload, a new tab or
// a cold start with no network opens the till. Compiled by service-worker-plugin.ts, which
// defines PRECACHE_URLS (every file of this build) and CACHE_VERSION (a hash of their contents).
//
// The rules:
// - Navigations get the cached app shell (index.html) at once; the network is only a fallback for
//   a shell that is not cached yet. A new build is picked up by the browser's update check of
//   sw.js (served with no-cache), which installs the new cache and takes over.
// - Files of the build are served from the cache, falling back to the network.
// - The API (/api/, /health, /docs) never goes through the cache: sales and sync talk to the
//   server or fail, and the terminal engine handles the failure (offline).

declare const PRECACHE_URLS: readonly string[];
declare const CACHE_VERSION: string;

interface ExtendableEventLike extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEventLike extends ExtendableEventLike {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface ServiceWorkerScopeLike {
  readonly location: Location;
  readonly clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEventLike) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEventLike) => void): void;
}

const worker = self as unknown as ServiceWorkerScopeLike;
const CACHE_NAME = `mostrador-shell-${CACHE_VERSION}`;
const CACHE_PREFIX = 'mostrador-shell-';
/** The app shell is precached as '/' (and as /index.html where the server serves that name). */
const SHELL_URLS = ['/', '/index.html'];
const NETWORK_ONLY_PREFIXES = ['/api/', '/health', '/docs'];

worker.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE_NAME);
      // cache: 'reload' skips the HTTP cache, so a new version never precaches a stale file.
      await cache.addAll(PRECACHE_URLS.map((url) => new Request(url, { cache: 'reload' })));
      await worker.skipWaiting();
    })(),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME) await caches.delete(name);
      }
      await worker.clients.claim();
    })(),
  );
});

worker.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin) return;
  if (NETWORK_ONLY_PREFIXES.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (request.mode === 'navigate') {
    event.respondWith(cachedOrNetwork(SHELL_URLS, request));
    return;
  }
  event.respondWith(cachedOrNetwork([url.pathname], request));
});

async function cachedOrNetwork(cacheKeys: readonly string[], request: Request): Promise<Response> {
  const cache = await caches.open(CACHE_NAME);
  for (const key of cacheKeys) {
    const cached = await cache.match(key);
    if (cached !== undefined) return cached;
  }
  return fetch(request);
}
