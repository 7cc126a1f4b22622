import type { ContractExpect, ContractRunner } from './contract-runner';
import type { JsonValue, ScanOptions, TerminalStore } from './terminal-store';
import { isTerminalStoreError, type TerminalStoreErrorCode } from './terminal-store-error';

/**
 * The one test suite every terminal store adapter runs (memory, file, encrypted, IndexedDB in a
 * real browser). It imports nothing from Node and no test framework: the runner comes in as a
 * parameter (vitestContractRunner in Node, the page's collector in Chromium), so a browser bundle
 * runs exactly these cases.
 */
export interface TerminalStoreContractOptions<Store extends TerminalStore> {
  /** Closes the store and opens it again over the same data; enables the durability cases. */
  readonly reopen?: (store: Store) => Promise<Store>;
}

/** Cases that write thousands of keys or megabytes get more time on slow adapters (IndexedDB). */
const SLOW_CASE_TIMEOUT_MS = 120_000;

export function runTerminalStoreContract<Store extends TerminalStore>(
  runner: ContractRunner,
  name: string,
  open: () => Promise<Store>,
  options: TerminalStoreContractOptions<Store> = {},
): void {
  const { describe, expect, it } = runner;
  /** Opens a fresh store, runs the case, and closes whichever store the case ended with. */
  async function withStore(
    testCase: (store: Store, reopen: (store: Store) => Promise<Store>) => Promise<void>,
  ) {
    let current = await open();
    const reopen = async (store: Store): Promise<Store> => {
      if (options.reopen === undefined) {
        throw new Error('this adapter gave no reopen');
      }
      current = await options.reopen(store);
      return current;
    };
    try {
      await testCase(current, reopen);
    } finally {
      await current.close();
    }
  }

  describe(`${name}: terminal store contract`, () => {
    describe('get, put and delete', () => {
      it('reads back what a write put, and forgets what it deleted', () =>
        withStore(async (store) => {
          expect(await store.read((transaction) => transaction.get('sale/1'))).toBeUndefined();
          expect(await store.read((transaction) => transaction.has('sale/1'))).toBe(false);
          await store.write((transaction) => transaction.put('sale/1', { totalMinor: 1250, lines: [1, 2] }));
          expect(await store.read((transaction) => transaction.get('sale/1'))).toEqual({
            totalMinor: 1250,
            lines: [1, 2],
          });
          expect(await store.read((transaction) => transaction.has('sale/1'))).toBe(true);
          await store.write((transaction) => transaction.put('sale/1', 'replaced'));
          expect(await store.read((transaction) => transaction.get('sale/1'))).toBe('replaced');
          await store.write((transaction) => transaction.delete('sale/1'));
          expect(await store.read((transaction) => transaction.get('sale/1'))).toBeUndefined();
          expect(await store.read((transaction) => transaction.has('sale/1'))).toBe(false);
        }));

      it('deleting a missing key is not an error', () =>
        withStore(async (store) => {
          await store.write((transaction) => transaction.delete('never/written'));
          expect(await store.read((transaction) => transaction.count(''))).toBe(0);
        }));

      it('returns what the work returns', () =>
        withStore(async (store) => {
          expect(await store.write(async () => 'nothing written')).toBe('nothing written');
          expect(await store.read(async () => 42)).toBe(42);
        }));

      it('round-trips every kind of JSON value, null included', () =>
        withStore(async (store) => {
          const values: [string, JsonValue][] = [
            ['value/null', null],
            ['value/true', true],
            ['value/false', false],
            ['value/zero', 0],
            ['value/integer', Number.MAX_SAFE_INTEGER],
            ['value/negative', -1.5e-300],
            ['value/large', 1e300],
            ['value/empty-string', ''],
            ['value/unicode', 'Ñandú 😀 \u0000 \u2028 "quoted" \\ \ud800'],
            ['value/empty-object', {}],
            ['value/empty-array', []],
            ['value/nested', { a: [{ b: [null, true, { c: 'ç' }] }], __proto__x: 1, 'key with spaces': [] }],
          ];
          await store.write(async (transaction) => {
            for (const [key, value] of values) {
              await transaction.put(key, value);
            }
          });
          for (const [key, value] of values) {
            expect(await store.read((transaction) => transaction.get(key))).toEqual(value);
            expect(await store.read((transaction) => transaction.has(key))).toBe(true);
          }
        }));

      it('stores negative zero as zero, as JSON would', () =>
        withStore(async (store) => {
          await store.write((transaction) => transaction.put('value/negative-zero', -0));
          const value = await store.read((transaction) => transaction.get('value/negative-zero'));
          expect(Object.is(value, 0)).toBe(true);
        }));

      it('refuses values that are not JSON, and applies nothing of that write', () =>
        withStore(async (store) => {
          const cyclic: { [key: string]: unknown } = {};
          cyclic.self = cyclic;
          const invalidValues: unknown[] = [
            undefined,
            Number.NaN,
            Number.POSITIVE_INFINITY,
            () => 1,
            new Date(0),
            new Map(),
            { nested: undefined },
            [1, undefined],
            cyclic,
            10n,
          ];
          for (const invalid of invalidValues) {
            await expectStoreError(
              expect,
              store.write(async (transaction) => {
                await transaction.put('value/valid', 'applied?');
                await transaction.put('value/invalid', invalid as JsonValue);
              }),
              'VALUE_INVALID',
            );
          }
          expect(await store.read((transaction) => transaction.count('value/'))).toBe(0);
        }));

      it('refuses keys longer than the limit', () =>
        withStore(async (store) => {
          await expectStoreError(
            expect,
            store.write((transaction) => transaction.put('k'.repeat(1025), 1)),
            'KEY_INVALID',
          );
          await store.write((transaction) => transaction.put('k'.repeat(1024), 1));
          expect(await store.read((transaction) => transaction.get('k'.repeat(1024)))).toBe(1);
        }));
    });

    describe('values are copies', () => {
      it('changing a value after putting it does not change the store', () =>
        withStore(async (store) => {
          const sale = { lines: [{ sku: 'A', qty: '1' }] };
          await store.write(async (transaction) => {
            await transaction.put('sale/1', sale);
            sale.lines.push({ sku: 'B', qty: '2' });
          });
          sale.lines.push({ sku: 'C', qty: '3' });
          expect(await store.read((transaction) => transaction.get('sale/1'))).toEqual({
            lines: [{ sku: 'A', qty: '1' }],
          });
        }));

      it('changing what a read returned does not change the store', () =>
        withStore(async (store) => {
          await store.write((transaction) => transaction.put('sale/1', { lines: ['A'] }));
          const read = (await store.read((transaction) => transaction.get('sale/1'))) as { lines: string[] };
          read.lines.push('mutated');
          const scanned = await store.read((transaction) => transaction.scan({ prefix: 'sale/' }));
          (scanned[0]![1] as { lines: string[] }).lines.push('mutated');
          await store.write(async (transaction) => {
            const inside = (await transaction.get('sale/1')) as { lines: string[] };
            inside.lines.push('mutated inside a write');
          });
          expect(await store.read((transaction) => transaction.get('sale/1'))).toEqual({ lines: ['A'] });
        }));

      it('changing a buffered value read inside a write does not change what the write commits', () =>
        withStore(async (store) => {
          await store.write(async (transaction) => {
            await transaction.put('sale/1', { lines: ['A'] });
            const buffered = (await transaction.get('sale/1')) as { lines: string[] };
            buffered.lines.push('mutated');
            const [entry] = await transaction.scan({ prefix: 'sale/' });
            (entry![1] as { lines: string[] }).lines.push('mutated');
          });
          expect(await store.read((transaction) => transaction.get('sale/1'))).toEqual({ lines: ['A'] });
        }));
    });

    describe('scan and count', () => {
      const keys = ['a', 'a/', 'a/1', 'a/10', 'a/2', 'a/2/x', 'a0', 'b/1', 'b/2'];

      async function withKeys(testCase: (store: Store) => Promise<void>) {
        await withStore(async (store) => {
          await store.write(async (transaction) => {
            for (const key of shuffled(keys, 7)) {
              await transaction.put(key, { key });
            }
          });
          await testCase(store);
        });
      }

      it('returns keys in order, values beside them', () =>
        withKeys(async (store) => {
          const entries = await store.read((transaction) => transaction.scan({ prefix: '' }));
          expect(entries.map(([key]) => key)).toEqual(keys);
          for (const [key, value] of entries) {
            expect(value).toEqual({ key });
          }
        }));

      it('keeps to the prefix', () =>
        withKeys(async (store) => {
          expect(await scanKeys(store, { prefix: 'a/' })).toEqual(['a/', 'a/1', 'a/10', 'a/2', 'a/2/x']);
          expect(await scanKeys(store, { prefix: 'a/2' })).toEqual(['a/2', 'a/2/x']);
          expect(await scanKeys(store, { prefix: 'b' })).toEqual(['b/1', 'b/2']);
          expect(await scanKeys(store, { prefix: 'c' })).toEqual([]);
          expect(await scanKeys(store, { prefix: 'a/3' })).toEqual([]);
        }));

      it('pages with startAfter and limit, forwards and backwards', () =>
        withKeys(async (store) => {
          expect(await scanKeys(store, { prefix: 'a/', limit: 2 })).toEqual(['a/', 'a/1']);
          expect(await scanKeys(store, { prefix: 'a/', startAfter: 'a/1', limit: 2 })).toEqual([
            'a/10',
            'a/2',
          ]);
          expect(await scanKeys(store, { prefix: 'a/', startAfter: 'a/15' })).toEqual(['a/2', 'a/2/x']);
          expect(await scanKeys(store, { prefix: 'a/', startAfter: 'a/2/x' })).toEqual([]);
          expect(await scanKeys(store, { prefix: 'a/', startAfter: '0' })).toEqual([
            'a/',
            'a/1',
            'a/10',
            'a/2',
            'a/2/x',
          ]);
          expect(await scanKeys(store, { prefix: 'a/', reverse: true })).toEqual([
            'a/2/x',
            'a/2',
            'a/10',
            'a/1',
            'a/',
          ]);
          expect(await scanKeys(store, { prefix: 'a/', reverse: true, limit: 2 })).toEqual(['a/2/x', 'a/2']);
          expect(await scanKeys(store, { prefix: 'a/', reverse: true, startAfter: 'a/2' })).toEqual([
            'a/10',
            'a/1',
            'a/',
          ]);
          expect(await scanKeys(store, { prefix: 'a/', reverse: true, startAfter: 'z', limit: 1 })).toEqual([
            'a/2/x',
          ]);
          expect(await scanKeys(store, { prefix: 'a/', limit: 0 })).toEqual([]);
        }));

      it('visits every key exactly once when paging through', () =>
        withKeys(async (store) => {
          for (const reverse of [false, true]) {
            const visited: string[] = [];
            let startAfter: string | undefined;
            for (let page = 0; page < keys.length + 1; page += 1) {
              const entries = await store.read((transaction) =>
                transaction.scan({
                  prefix: '',
                  limit: 2,
                  reverse,
                  ...(startAfter === undefined ? {} : { startAfter }),
                }),
              );
              if (entries.length === 0) {
                break;
              }
              visited.push(...entries.map(([key]) => key));
              startAfter = entries.at(-1)?.[0];
            }
            expect(visited).toEqual(reverse ? [...keys].reverse() : keys);
          }
        }));

      it('counts keys by prefix', () =>
        withKeys(async (store) => {
          expect(await store.read((transaction) => transaction.count(''))).toBe(keys.length);
          expect(await store.read((transaction) => transaction.count('a'))).toBe(7);
          expect(await store.read((transaction) => transaction.count('a/'))).toBe(5);
          expect(await store.read((transaction) => transaction.count('a/2'))).toBe(2);
          expect(await store.read((transaction) => transaction.count('c'))).toBe(0);
        }));

      it('refuses a negative or fractional limit', () =>
        withKeys(async (store) => {
          await expectStoreError(
            expect,
            store.read((transaction) => transaction.scan({ prefix: '', limit: -1 })),
            'SCAN_OPTIONS_INVALID',
          );
          await expectStoreError(
            expect,
            store.read((transaction) => transaction.scan({ prefix: '', limit: 1.5 })),
            'SCAN_OPTIONS_INVALID',
          );
        }));

      it('inside a write, merges the write’s own puts and deletes into scans and counts', () =>
        withStore(async (store) => {
          await store.write(async (transaction) => {
            for (const index of [1, 2, 3, 4, 5]) {
              await transaction.put(`s/${index}`, index);
            }
          });
          await store.write(async (transaction) => {
            await transaction.delete('s/2');
            await transaction.put('s/3', 'changed');
            await transaction.put('s/6', 6);
            await transaction.put('s/0', 0);
            await transaction.delete('s/9');
            const forward = await transaction.scan({ prefix: 's/', limit: 3 });
            expect(forward).toEqual([
              ['s/0', 0],
              ['s/1', 1],
              ['s/3', 'changed'],
            ]);
            const backward = await transaction.scan({ prefix: 's/', reverse: true, limit: 2 });
            expect(backward).toEqual([
              ['s/6', 6],
              ['s/5', 5],
            ]);
            const afterOne = await transaction.scan({ prefix: 's/', startAfter: 's/1' });
            expect(afterOne.map(([key]) => key)).toEqual(['s/3', 's/4', 's/5', 's/6']);
            expect(await transaction.count('s/')).toBe(6);
            expect(await transaction.has('s/2')).toBe(false);
            expect(await transaction.get('s/3')).toBe('changed');
          });
          expect(await scanKeys(store, { prefix: 's/' })).toEqual(['s/0', 's/1', 's/3', 's/4', 's/5', 's/6']);
        }));

      it('orders unicode keys by UTF-16 code units, not by code points or locale', () =>
        withStore(async (store) => {
          // U+1F600 is stored as the surrogates D83D DE00, so it sorts before U+FF61 by code unit,
          // though after it by code point.
          const ordered = [
            'u/A',
            'u/Z',
            'u/a',
            'u/z',
            'u/\u00e9',
            'u/\u00f1',
            'u/\u4e2d',
            'u/\ud83d\ude00',
            'u/\ud83d\ude00x',
            'u/\uff61',
            'u/\uffff',
            'u/\uffffa',
            'u/\uffff\uffff',
          ];
          await store.write(async (transaction) => {
            for (const key of [...ordered].reverse()) {
              await transaction.put(key, key);
            }
          });
          expect(await scanKeys(store, { prefix: 'u/' })).toEqual(ordered);
          expect(await scanKeys(store, { prefix: 'u/', reverse: true })).toEqual([...ordered].reverse());
          expect(await scanKeys(store, { prefix: 'u/\ud83d' })).toEqual([
            'u/\ud83d\ude00',
            'u/\ud83d\ude00x',
          ]);
          expect(await scanKeys(store, { prefix: 'u/\uffff' })).toEqual([
            'u/\uffff',
            'u/\uffffa',
            'u/\uffff\uffff',
          ]);
          expect(await store.read((transaction) => transaction.count('u/\uffff'))).toBe(3);
          expect(await store.read((transaction) => transaction.get('u/\ud83d\ude00'))).toBe('u/\ud83d\ude00');
        }));
    });

    describe('transactions', () => {
      it('applies nothing when the work throws, and rejects with its error', () =>
        withStore(async (store) => {
          await store.write(async (transaction) => {
            await transaction.put('keep/1', 'original');
            await transaction.put('keep/2', 'original');
          });
          const failure = new Error('the work failed halfway');
          await expect(
            store.write(async (transaction) => {
              await transaction.put('keep/1', 'changed');
              await transaction.delete('keep/2');
              await transaction.put('new/1', 'added');
              expect(await transaction.get('keep/1')).toBe('changed');
              throw failure;
            }),
          ).rejects.toBe(failure);
          expect(await store.read((transaction) => transaction.scan({ prefix: '' }))).toEqual([
            ['keep/1', 'original'],
            ['keep/2', 'original'],
          ]);
        }));

      it('keeps working after a failed write', () =>
        withStore(async (store) => {
          await expect(
            store.write(async () => {
              throw new Error('fail');
            }),
          ).rejects.toThrow('fail');
          await store.write((transaction) => transaction.put('after/1', 1));
          expect(await store.read((transaction) => transaction.get('after/1'))).toBe(1);
        }));

      it('serialises concurrent read-modify-write increments: 100 of them end at exactly 100', () =>
        withStore(async (store) => {
          const increments = Array.from({ length: 100 }, () =>
            store.write(async (transaction) => {
              const current = ((await transaction.get('counter')) as number | undefined) ?? 0;
              // Yielding between the read and the write gives an unserialised store its chance to lose an update.
              await new Promise((resolve) => setTimeout(resolve, 0));
              await transaction.put('counter', current + 1);
              return current + 1;
            }),
          );
          const seen = await Promise.all(increments);
          expect([...seen].sort((left, right) => left - right)).toEqual(
            Array.from({ length: 100 }, (_, i) => i + 1),
          );
          expect(await store.read((transaction) => transaction.get('counter'))).toBe(100);
        }));

      it('a read never sees half of a write, even when it spans several awaits', () =>
        withStore(async (store) => {
          await store.write(async (transaction) => {
            await transaction.put('pair/left', 0);
            await transaction.put('pair/right', 0);
          });
          const operations: Promise<unknown>[] = [];
          for (let round = 1; round <= 20; round += 1) {
            operations.push(
              store.write(async (transaction) => {
                await transaction.put('pair/left', round);
                await new Promise((resolve) => setTimeout(resolve, 0));
                await transaction.put('pair/right', round);
              }),
              store.read(async (transaction) => {
                const left = await transaction.get('pair/left');
                await new Promise((resolve) => setTimeout(resolve, 0));
                const right = await transaction.get('pair/right');
                expect(right).toBe(left);
              }),
            );
          }
          await Promise.all(operations);
          expect(await store.read((transaction) => transaction.get('pair/right'))).toBe(20);
        }));

      it('a write sees every write that resolved before it started', () =>
        withStore(async (store) => {
          for (let index = 0; index < 20; index += 1) {
            await store.write((transaction) =>
              transaction.put(`seq/${String(index).padStart(2, '0')}`, index),
            );
            const count = await store.write((transaction) => transaction.count('seq/'));
            expect(count).toBe(index + 1);
          }
        }));

      it('refuses a transaction used after its work finished, and that use writes nothing', () =>
        withStore(async (store) => {
          let leakedWrite: Parameters<Parameters<Store['write']>[0]>[0] | undefined;
          let leakedRead: Parameters<Parameters<Store['read']>[0]>[0] | undefined;
          await store.write(async (transaction) => {
            leakedWrite = transaction;
          });
          await store.read(async (transaction) => {
            leakedRead = transaction;
          });
          await expectStoreError(
            expect,
            Promise.resolve().then(() => leakedWrite?.put('late', 1)),
            'TRANSACTION_FINISHED',
          );
          await expectStoreError(
            expect,
            Promise.resolve().then(() => leakedWrite?.get('late')),
            'TRANSACTION_FINISHED',
          );
          await expectStoreError(
            expect,
            Promise.resolve().then(() => leakedRead?.get('late')),
            'TRANSACTION_FINISHED',
          );
          expect(await store.read((transaction) => transaction.has('late'))).toBe(false);
        }));

      it('refuses work after close', async () => {
        const store = await open();
        await store.write((transaction) => transaction.put('before/close', 1));
        await store.close();
        await expectStoreError(
          expect,
          store.read((transaction) => transaction.get('before/close')),
          'STORE_CLOSED',
        );
        await expectStoreError(
          expect,
          store.write((transaction) => transaction.put('after/close', 1)),
          'STORE_CLOSED',
        );
        await store.close();
      });
    });

    it('closing twice, even at the same time, is harmless', async () => {
      const store = await open();
      await store.write((transaction) => transaction.put('closing', 1));
      await Promise.all([store.close(), store.close()]);
      await store.close();
    });

    describe('size', () => {
      it(
        'stores 1 MB values',
        () =>
          withStore(async (store, reopen) => {
            const ascii = 'x'.repeat(1024 * 1024);
            const unicode = 'ñ😀'.repeat(350_000);
            const numbers = Array.from({ length: 100_000 }, (_, index) => index * 3);
            await store.write(async (transaction) => {
              await transaction.put('large/ascii', ascii);
              await transaction.put('large/unicode', { text: unicode });
              await transaction.put('large/numbers', numbers);
            });
            const check = async (current: Store) => {
              expect(await current.read((transaction) => transaction.get('large/ascii'))).toBe(ascii);
              expect(await current.read((transaction) => transaction.get('large/unicode'))).toEqual({
                text: unicode,
              });
              expect(await current.read((transaction) => transaction.get('large/numbers'))).toEqual(numbers);
            };
            await check(store);
            if (options.reopen !== undefined) {
              await check(await reopen(store));
            }
          }),
        SLOW_CASE_TIMEOUT_MS,
      );

      it(
        'holds 10,000 keys: counts, orders and pages through them',
        () =>
          withStore(async (store, reopen) => {
            const keyCount = 10_000;
            const keyOf = (index: number) => `item/${String(index).padStart(5, '0')}`;
            const order = shuffled(
              Array.from({ length: keyCount }, (_, index) => index),
              11,
            );
            for (let start = 0; start < keyCount; start += 2_500) {
              await store.write(async (transaction) => {
                for (const index of order.slice(start, start + 2_500)) {
                  await transaction.put(keyOf(index), { index, name: `Producto ${index}` });
                }
              });
            }
            const check = async (current: Store, present: (index: number) => boolean) => {
              const expected = Array.from({ length: keyCount }, (_, index) => index).filter(present);
              expect(await current.read((transaction) => transaction.count('item/'))).toBe(expected.length);
              const all = await current.read((transaction) => transaction.scan({ prefix: 'item/' }));
              expect(all.map(([key]) => key)).toEqual(expected.map(keyOf));
              expect(all.every(([key, value]) => keyOf((value as { index: number }).index) === key)).toBe(
                true,
              );
              const paged: string[] = [];
              let startAfter: string | undefined;
              for (let page = 0; page <= keyCount / 999 + 1; page += 1) {
                const entries = await current.read((transaction) =>
                  transaction.scan({
                    prefix: 'item/',
                    limit: 999,
                    ...(startAfter === undefined ? {} : { startAfter }),
                  }),
                );
                paged.push(...entries.map(([key]) => key));
                startAfter = entries.at(-1)?.[0];
                if (entries.length < 999) {
                  break;
                }
              }
              expect(paged).toEqual(expected.map(keyOf));
            };
            await check(store, () => true);
            await store.write(async (transaction) => {
              for (let index = 0; index < keyCount; index += 2) {
                await transaction.delete(keyOf(index));
              }
            });
            await check(store, (index) => index % 2 === 1);
            if (options.reopen !== undefined) {
              await check(await reopen(store), (index) => index % 2 === 1);
            }
          }),
        SLOW_CASE_TIMEOUT_MS,
      );
    });

    if (options.reopen !== undefined) {
      describe('durability', () => {
        it('keeps every resolved write across a reopen, and none of a failed one', () =>
          withStore(async (store, reopen) => {
            await store.write(async (transaction) => {
              await transaction.put('outbox/1', { seq: 1 });
              await transaction.put('outbox/2', { seq: 2 });
              await transaction.put('outbox/3', { seq: 3 });
            });
            await store.write(async (transaction) => {
              await transaction.delete('outbox/2');
              await transaction.put('outbox/3', { seq: 3, acknowledged: true });
            });
            await expect(
              store.write(async (transaction) => {
                await transaction.put('outbox/4', { seq: 4 });
                throw new Error('abandoned');
              }),
            ).rejects.toThrow('abandoned');
            const reopened = await reopen(store);
            expect(await reopened.read((transaction) => transaction.scan({ prefix: '' }))).toEqual([
              ['outbox/1', { seq: 1 }],
              ['outbox/3', { seq: 3, acknowledged: true }],
            ]);
            await reopened.write((transaction) => transaction.put('outbox/5', { seq: 5 }));
            const again = await reopen(reopened);
            expect(await again.read((transaction) => transaction.count('outbox/'))).toBe(3);
          }));

        it('keeps concurrent writes across a reopen', () =>
          withStore(async (store, reopen) => {
            await Promise.all(
              Array.from({ length: 50 }, (_, index) =>
                store.write((transaction) =>
                  transaction.put(`concurrent/${String(index).padStart(2, '0')}`, index),
                ),
              ),
            );
            const reopened = await reopen(store);
            expect(await reopened.read((transaction) => transaction.count('concurrent/'))).toBe(50);
          }));
      });
    }

    it('reports its usage', () =>
      withStore(async (store) => {
        await store.write((transaction) => transaction.put('usage/1', 'x'.repeat(10_000)));
        const usage = await store.usage();
        expect(Number.isSafeInteger(usage.bytesUsed) && usage.bytesUsed >= 0).toBe(true);
        expect(usage.bytesQuota === null || usage.bytesQuota >= usage.bytesUsed).toBe(true);
        expect([true, false, null]).toContain(usage.persistent);
      }));
  });
}

function scanKeys(store: TerminalStore, scan: ScanOptions): Promise<string[]> {
  return store.read(async (transaction) => (await transaction.scan(scan)).map(([key]) => key));
}

export async function expectStoreError(
  expect: ContractExpect,
  operation: Promise<unknown>,
  code: TerminalStoreErrorCode,
): Promise<void> {
  const outcome = await operation.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(isTerminalStoreError(outcome, code), `expected ${code}, got ${String(outcome)}`).toBe(true);
}

/** A deterministic shuffle (seeded linear congruential generator), so a failing order replays. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let state = seed >>> 0;
  for (let index = result.length - 1; index > 0; index -= 1) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    const other = state % (index + 1);
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
}
