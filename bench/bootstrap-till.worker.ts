import { parentPort, workerData } from 'node:worker_threads';
import { runTill, type TillAssignment } from './bootstrap-till';

/**
 * The bootstrap benchmark's till on a thread of its own. It tells the server's thread when each
 * request starts and ends ({ request }), then sends { outcome } or { failure }.
 */
const port = parentPort;
if (port === null) throw new Error('bootstrap-till.worker.ts runs as a worker thread');

runTill(workerData as TillAssignment, (request) => port.postMessage({ request })).then(
  (outcome) => port.postMessage({ outcome }),
  (error: unknown) =>
    port.postMessage({ failure: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
);
