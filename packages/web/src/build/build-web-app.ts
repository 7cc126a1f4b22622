import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const CONFIG_FILE = fileURLToPath(new URL('../../vite.config.ts', import.meta.url));
/** Where `npm run build -w @mostrador/web` writes the app, and where the server looks by default. */
export const WEB_DIST = fileURLToPath(new URL('../../dist', import.meta.url));

/**
 * Builds the app with the project's own Vite config (as `npm run build -w @mostrador/web`), into
 * `outDir` when given: tests and benchmarks build into a directory of their own, so a build in
 * one never swaps the files under a server another is running.
 */
export async function buildWebApp(outDir: string = WEB_DIST): Promise<string> {
  // Vitest runs with NODE_ENV=test, which Vite would carry into the bundle (React's development
  // build, no service worker): build as production, as npm run build does.
  const nodeEnvironment = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: CONFIG_FILE,
      mode: 'production',
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    process.env.NODE_ENV = nodeEnvironment;
  }
  if (!existsSync(`${outDir}/sw.js`)) throw new Error('the build wrote no service worker');
  return outDir;
}
