import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import type { Plugin } from 'vite';

const SERVICE_WORKER_SOURCE = fileURLToPath(new URL('./service-worker.ts', import.meta.url));
export const SERVICE_WORKER_FILE = 'sw.js';

/**
 * Builds sw.js from service-worker.ts after Vite has written the bundle, with the list of every
 * file of this build (hashed chunks, index.html, the manifest and icons from public/) and a cache
 * version derived from their contents. A hand-written worker keeps the offline rules in one short
 * file we can read and test, instead of a generated one (see docs/dependencies.md).
 */
export function serviceWorkerPlugin(): Plugin {
  let publicDirectory = '';
  return {
    name: 'mostrador-service-worker',
    apply: 'build',
    configResolved(config) {
      publicDirectory = config.publicDir;
    },
    async generateBundle(_options, bundle) {
      const entries = new Map<string, string | Uint8Array>();
      for (const output of Object.values(bundle)) {
        entries.set(output.fileName, output.type === 'chunk' ? output.code : output.source);
      }
      for (const file of publicFiles(publicDirectory)) {
        entries.set(file, readFileSync(join(publicDirectory, file)));
      }
      const fileNames = [...entries.keys()].sort();
      const hash = createHash('sha256');
      for (const fileName of fileNames) {
        hash.update(fileName);
        hash.update(entries.get(fileName) ?? '');
      }
      const version = hash.digest('hex').slice(0, 16);
      const urls = ['/', ...fileNames.map((fileName) => `/${fileName}`)];
      const source = readFileSync(SERVICE_WORKER_SOURCE, 'utf8');
      const compiled = await transform(source, {
        loader: 'ts',
        format: 'iife',
        target: 'es2022',
        minify: true,
        define: { PRECACHE_URLS: JSON.stringify(urls), CACHE_VERSION: JSON.stringify(version) },
      });
      this.emitFile({ type: 'asset', fileName: SERVICE_WORKER_FILE, source: compiled.code });
    },
  };
}

function publicFiles(directory: string): string[] {
  const files: string[] = [];
  const walk = (current: string) => {
    let names: string[];
    try {
      names = readdirSync(current);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(directory, path).split(sep).join('/'));
    }
  };
  if (directory !== '') walk(directory);
  return files;
}
