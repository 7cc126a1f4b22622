import { runBufferedWork } from './buffered-write-transaction';
import { ReadWriteLock } from './read-write-lock';
import { SortedKeyMap } from './sorted-key-map';
import { SortedKeyMapReadTransaction } from './sorted-key-map-read-transaction';
import type { ReadTransaction, TerminalStore, WriteTransaction } from './terminal-store';
import { TerminalStoreError } from './terminal-store-error';

/**
 * A terminal store that lives in memory, for unit tests of the engine. It keeps every rule of the
 * contract except durability: values are copied in and out, transactions take turns, and a write
 * whose work throws changes nothing.
 */
export function createMemoryStore(): TerminalStore {
  return new MemoryStore();
}

class MemoryStore implements TerminalStore {
  private readonly index = new SortedKeyMap();
  private readonly lock = new ReadWriteLock();
  private closed = false;

  async read<T>(work: (transaction: ReadTransaction) => Promise<T>): Promise<T> {
    this.assertOpen();
    return this.lock.run('read', async () => {
      this.assertOpen();
      const transaction = new SortedKeyMapReadTransaction(this.index);
      try {
        return await work(transaction);
      } finally {
        transaction.finish();
      }
    });
  }

  async write<T>(work: (transaction: WriteTransaction) => Promise<T>): Promise<T> {
    this.assertOpen();
    return this.lock.run('write', async () => {
      this.assertOpen();
      const { result, changes } = await runBufferedWork(new SortedKeyMapReadTransaction(this.index), work);
      this.index.apply(changes);
      return result;
    });
  }

  async usage(): Promise<{ bytesUsed: number; bytesQuota: number | null; persistent: boolean | null }> {
    this.assertOpen();
    return this.lock.run('read', async () => {
      let bytesUsed = 0;
      for (const [key, value] of this.index.entries()) {
        bytesUsed += key.length * 2 + JSON.stringify(value).length * 2;
      }
      return { bytesUsed, bytesQuota: null, persistent: false };
    });
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    // Waiting for a write turn lets the transactions already queued finish first.
    await this.lock.run('write', async () => {
      this.closed = true;
    });
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new TerminalStoreError('STORE_CLOSED', 'the memory store is closed');
    }
  }
}
