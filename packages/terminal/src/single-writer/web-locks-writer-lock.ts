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
    acquire: async (): Promise<WriterLease | undefined> => {
      const held = holdWebLock(locks, name, { mode: 'exclusive', ifAvailable: true });
      if (!(await held.granted)) return undefined;
      return { release: async () => held.release() };
    },
  };
}

/** A Web Lock asked for and kept until `release`. */
export interface HeldWebLock {
  /** True once the browser granted it; false when `ifAvailable` found it taken. */
  readonly granted: Promise<boolean>;
  /** Gives it back, or, before the grant, gives it back as soon as it comes. */
  release(): void;
}

/** Asks for a Web Lock now and holds it once granted until `release`. */
export function holdWebLock(
  locks: LockManagerLike,
  name: string,
  options: { readonly mode: 'exclusive' | 'shared'; readonly ifAvailable?: boolean },
): HeldWebLock {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const granted = new Promise<boolean>((resolve, reject) => {
    locks
      .request(name, options, (lock) => {
        resolve(lock !== null);
        // Holding the callback's promise open is what holds the lock.
        return lock === null ? Promise.resolve() : released;
      })
      .catch(reject);
  });
  // A holder that gave the lock back before the grant never awaits it; a refusal is nobody's then.
  granted.catch(() => undefined);
  return { granted, release };
}

function defaultLockManager(): LockManagerLike {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  if (locks === undefined)
    throw new Error('This browser has no Web Locks API; the terminal cannot guarantee one writer');
  return locks;
}
