import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './memory-store';
import { runTerminalStoreContract } from './terminal-store.contract';
import { vitestContractRunner } from './vitest-contract-runner';

runTerminalStoreContract(vitestContractRunner, 'memory store', async () => createMemoryStore());

describe('memory store', () => {
  it('says it is not persistent and estimates its size from its contents', async () => {
    const store = createMemoryStore();
    const empty = await store.usage();
    await store.write((transaction) => transaction.put('usage/1', 'x'.repeat(10_000)));
    const used = await store.usage();
    expect(empty).toEqual({ bytesUsed: 0, bytesQuota: null, persistent: false });
    expect(used.bytesUsed).toBeGreaterThan(10_000);
    await store.close();
  });

  it('keeps separate instances separate', async () => {
    const first = createMemoryStore();
    const second = createMemoryStore();
    await first.write((transaction) => transaction.put('only/first', 1));
    expect(await second.read((transaction) => transaction.has('only/first'))).toBe(false);
    await Promise.all([first.close(), second.close()]);
  });
});
