import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import { ApiError, notFound } from './api-error';
import type { AppInstance } from './app-instance';

/** Where `npm run build -w @mostrador/web` writes the web POS. */
export const WEB_APP_DIRECTORY_DEFAULT = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../web/dist',
);

/** Files that name the current build: a till must always ask for them again to learn of an update. */
const ALWAYS_REVALIDATED = new Set(['index.html', 'sw.js', 'manifest.webmanifest', 'build-manifest.json']);

/**
 * Serves the web POS: its built files, and index.html for every other page path (the app routes
 * in the browser). Hashed assets are cached for a year; the page, the service worker and the
 * manifest are revalidated on every load so an update reaches the tills at their next start.
 * API and docs paths never fall back to the page: an unknown API route stays a JSON 404.
 */
export async function registerWebApp(app: AppInstance, directory: string): Promise<void> {
  const built = existsSync(join(directory, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, { root: directory, serve: false, cacheControl: false });
  }
  const sendPage = (reply: FastifyReply, path: string) => {
    const file = path === '' ? 'index.html' : path;
    const cacheControl = ALWAYS_REVALIDATED.has(file)
      ? 'no-cache'
      : file.startsWith('assets/')
        ? 'public, max-age=31536000, immutable'
        : 'public, max-age=3600';
    return reply.header('cache-control', cacheControl).sendFile(file);
  };

  app.get('/*', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const path = decodeURIComponent(request.url.split('?')[0] ?? '/').replace(/^\/+/, '');
    if (path.startsWith('api/') || path === 'api' || path.startsWith('docs'))
      throw new ApiError('ROUTE_NOT_FOUND', 404);
    if (!built) {
      return reply
        .status(503)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(NOT_BUILT_PAGE);
    }
    const safe = !path.split('/').some((part) => part === '..' || part.startsWith('.'));
    if (safe && path !== '' && existsSync(join(directory, path)) && !path.endsWith('/')) {
      return sendPage(reply, path);
    }
    // A path with a file extension that is not in the build is a missing file, not an app page.
    if (/\.[a-z0-9]{1,8}$/i.test(path)) throw notFound({ path });
    return sendPage(reply, 'index.html');
  });
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>Mostrador</title></head>
<body style="font-family: system-ui; max-width: 40rem; margin: 3rem auto">
<h1>Mostrador</h1>
<p>La aplicación web no está compilada. Ejecute <code>npm run build -w @mostrador/web</code>
(o <code>npm start</code>, que la compila) y recargue.</p>
<p lang="en">The web app is not built. Run <code>npm run build -w @mostrador/web</code>
(or <code>npm start</code>, which builds it) and reload.</p>
</body></html>`;
