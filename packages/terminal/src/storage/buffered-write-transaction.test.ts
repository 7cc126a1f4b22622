import { describe, expect, it } from 'vitest';
import { TRANSACTION_KEYS_MAX, VALUE_BYTES_MAX } from './buffered-write-transaction';
import { createMemoryStore } from './memory-store';
import { isTerminalStoreError } from './terminal-store-error';

async function outcomeOf(operation: Promise<unknown>): Promise<unknown> {
  return operation.then(
    () => null,
    (error: unknown) => error,
  );
}

describe('write transaction limits', () => {
  it('refuses a value larger than the limit, and the write applies nothing', async () => {
    const store = createMemoryStore();
    const outcome = await outcomeOf(
      store.write(async (transaction) => {
        await transaction.put('small', 1);
        await transaction.put('huge', 'x'.repeat(VALUE_BYTES_MAX + 1));
      }),
    );
    expect(isTerminalStoreError(outcome, 'TOO_LARGE')).toBe(true);
    expect(await store.read((transaction) => transaction.count(''))).toBe(0);
    await store.close();
  });

  it('refuses a transaction that changes more keys than the limit', async () => {
    const store = createMemoryStore();
    const outcome = await outcomeOf(
      store.write(async (transaction) => {
        for (let index = 0; index <= TRANSACTION_KEYS_MAX; index += 1) {
          await transaction.delete(`key/${index}`);
        }
      }),
    );
    expect(isTerminalStoreError(outcome, 'TOO_LARGE')).toBe(true);
    await store.close();
  });

  it('counts a key changed twice once against the limits', async () => {
    const store = createMemoryStore();
    await store.write(async (transaction) => {
      for (let round = 0; round < 20; round += 1) {
        await transaction.put('same', 'x'.repeat(VALUE_BYTES_MAX - 100));
      }
    });
    expect(await store.read((transaction) => transaction.count(''))).toBe(1);
    await store.close();
  });
});
