import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { serviceWorkerPlugin } from './src/offline/service-worker-plugin';

// The web POS is a static bundle: the server (or any static host) serves dist/, and the service
// worker built beside it precaches every file of the build so the till opens with no network.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1_000,
  },
  plugins: [serviceWorkerPlugin()],
});
