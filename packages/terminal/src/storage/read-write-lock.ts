import { assertStoreInvariant, TerminalStoreError } from './terminal-store-error';

/** More waiting transactions than this means a caller fires writes without awaiting them. */
export const WAITING_TRANSACTIONS_MAX = 10_000;

export type LockMode = 'read' | 'write';

interface Waiter {
  readonly mode: LockMode;
  readonly grant: () => void;
}

/**
 * Serialises one store's transactions: reads share, a write is alone, and turns are granted in
 * arrival order so a stream of reads cannot starve a write (a sale waiting behind a catalog
 * search). Owned by one store instance; nothing here is shared between instances.
 */
export class ReadWriteLock {
  private readersActive = 0;
  private writerActive = false;
  private readonly waiters: Waiter[] = [];

  constructor(private readonly waitingMax: number = WAITING_TRANSACTIONS_MAX) {}

  /** Waits for the turn and returns the function that gives it back (calling it twice is harmless). */
  acquire(mode: LockMode): Promise<() => void> {
    if (this.waiters.length >= this.waitingMax) {
      return Promise.reject(
        new TerminalStoreError('STORE_BUSY', `${this.waiters.length} transactions are already waiting`),
      );
    }
    return new Promise((resolve) => {
      this.waiters.push({ mode, grant: () => resolve(this.releaseFor(mode)) });
      this.grantInOrder();
    });
  }

  async run<T>(mode: LockMode, work: () => Promise<T>): Promise<T> {
    const release = await this.acquire(mode);
    try {
      return await work();
    } finally {
      release();
    }
  }

  private grantInOrder(): void {
    for (let next = this.waiters[0]; next !== undefined; next = this.waiters[0]) {
      if (next.mode === 'write') {
        if (this.writerActive || this.readersActive > 0) {
          return;
        }
        this.writerActive = true;
      } else {
        if (this.writerActive) {
          return;
        }
        this.readersActive += 1;
      }
      this.waiters.shift();
      next.grant();
    }
  }

  private releaseFor(mode: LockMode): () => void {
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      if (mode === 'write') {
        assertStoreInvariant(this.writerActive, 'a write turn was released twice');
        this.writerActive = false;
      } else {
        assertStoreInvariant(this.readersActive > 0, 'a read turn was released twice');
        this.readersActive -= 1;
      }
      this.grantInOrder();
    };
  }
}
