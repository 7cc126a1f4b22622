import type { WriterLease, WriterLock } from './writer-lock';

/** The part of the Web Locks API used here (navigator.locks), so tests can pass a fake. */
export interface LockManagerLike {
  request(
    name: string,
    options: { mode?: 'exclusive' | 'shared'; ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<unknown>,
  ): Promise<unknown>;
}

/**
 * Browsers: an exclusive Web Lock named after the terminal's data, taken with `ifAvailable` so a
 * second tab learns at once that it is not the writer instead of queueing behind the first. The
 * browser releases the lock when the holding tab closes or crashes, so a reload takes over.
 */
export function webLocksWriterLock(name: string, locks: LockManagerLike = defaultLockManager()): WriterLock {
  return {
    acquire: () =>
      new Promise<WriterLease | undefined>((resolve, reject) => {
        locks
          .request(name, { mode: 'exclusive', ifAvailable: true }, async (lock) => {
            if (lock === null) {
              resolve(undefined);
              return;
            }
            // Holding the callback's promise open is what holds the lock.
            await new Promise<void>((release) => resolve({ release: async () => release() }));
          })
          .catch(reject);
      }),
  };
}

function defaultLockManager(): LockManagerLike {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  if (locks === undefined)
    throw new Error('This browser has no Web Locks API; the terminal cannot guarantee one writer');
  return locks;
}
