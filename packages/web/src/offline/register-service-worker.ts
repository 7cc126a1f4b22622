/**
 * Registers the service worker that keeps the app shell available offline. Only a production
 * build has one (the dev server serves modules that change on every edit); browsers without
 * service workers still run the till, they just need the network to open it.
 */
export async function registerServiceWorker(): Promise<void> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  try {
    await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  } catch (error) {
    console.warn('service worker registration failed', error);
  }
}
