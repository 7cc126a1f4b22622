import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server';

describe('serving the web POS', () => {
  let directory: string;
  let server: TestServer;
  let unbuilt: TestServer;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mostrador-web-'));
    await mkdir(join(directory, 'assets'));
    await writeFile(join(directory, 'index.html'), '<!doctype html><title>Mostrador POS</title>');
    await writeFile(join(directory, 'sw.js'), 'self.addEventListener("install", () => {});');
    await writeFile(join(directory, 'assets', 'app-3f2a.js'), 'console.log("app")');
    await writeFile(join(tmpdir(), 'mostrador-secret.txt'), 'not for the web');
    server = await startTestServer({ webAppDirectory: directory });
    unbuilt = await startTestServer({ webAppDirectory: join(directory, 'missing') });
  });
  afterAll(async () => {
    await server.close();
    await unbuilt.close();
    await rm(directory, { recursive: true, force: true });
  });

  const get = (url: string, on = server) => on.app.inject({ method: 'GET', url });

  it('serves the page at / and revalidates it and the service worker on every load', async () => {
    const page = await get('/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Mostrador POS');
    expect(page.headers['cache-control']).toBe('no-cache');
    const worker = await get('/sw.js');
    expect(worker.statusCode).toBe(200);
    expect(worker.headers['cache-control']).toBe('no-cache');
  });

  it('caches hashed assets for a year', async () => {
    const asset = await get('/assets/app-3f2a.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
  });

  it('answers app paths with the page, and missing files and API routes with a 404', async () => {
    const appPath = await get('/ventas/historial?folio=12');
    expect(appPath.statusCode).toBe(200);
    expect(appPath.body).toContain('Mostrador POS');
    expect((await get('/assets/missing.js')).statusCode).toBe(404);
    const api = await get('/api/v1/no-such-route');
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
    expect((await get('/health')).json()).toMatchObject({ status: 'ok' });
  });

  it('never serves a file outside the build', async () => {
    for (const url of [
      '/../mostrador-secret.txt',
      '/%2e%2e/mostrador-secret.txt',
      '/assets/%2e%2e/%2e%2e/mostrador-secret.txt',
    ]) {
      const response = await get(url);
      expect(response.body).not.toContain('not for the web');
    }
  });

  it('explains how to build the app when it is not built', async () => {
    const page = await get('/', unbuilt);
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build -w @mostrador/web');
  });
});
