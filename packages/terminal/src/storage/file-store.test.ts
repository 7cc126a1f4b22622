import { type ChildProcess, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, open, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type FileStore, type FileStoreFaultPoint, openFileStore } from './file-store';
import { type CrashWriterConfig, itemKey, SCRATCH_KEPT, scratchKey } from './file-store-crash-writer';
import { logFileName, SNAPSHOT_FILE_NAME, SNAPSHOT_TEMPORARY_FILE_NAME } from './file-store-format';
import { decodeRecords, encodeRecord } from './log-record';
import type { JsonValue } from './terminal-store';
import { runTerminalStoreContract } from './terminal-store.contract';
import { isTerminalStoreError, type TerminalStoreErrorCode } from './terminal-store-error';
import { vitestContractRunner } from './vitest-contract-runner';

const root = await mkdtemp(join(tmpdir(), 'mostrador-file-store-'));
let directoryCount = 0;
afterAll(() => rm(root, { recursive: true, force: true }));

function freshDirectory(): string {
  directoryCount += 1;
  return join(root, `store-${directoryCount}`);
}

async function reopen(store: FileStore): Promise<FileStore> {
  await store.close();
  return openFileStore(store.directory);
}

runTerminalStoreContract(vitestContractRunner, 'file store', () => openFileStore(freshDirectory()), {
  reopen,
});

runTerminalStoreContract(
  vitestContractRunner,
  'file store compacting every 4 KiB',
  () => openFileStore(freshDirectory(), { compactAfterLogBytes: 4096 }),
  { reopen },
);

const CRASH_CASE_TIMEOUT_MS = 180_000;

async function everything(store: FileStore): Promise<[string, JsonValue][]> {
  return store.read((transaction) => transaction.scan({ prefix: '' }));
}

async function expectStoreError(operation: Promise<unknown>, code: TerminalStoreErrorCode): Promise<void> {
  const outcome = await operation.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(isTerminalStoreError(outcome, code), `expected ${code}, got ${String(outcome)}`).toBe(true);
}

async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}

async function flipByte(path: string, offset: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, offset);
    byte[0] = (byte[0] ?? 0) ^ 0x5a;
    await handle.write(byte, 0, 1, offset);
  } finally {
    await handle.close();
  }
}

/** A closed store with five transactions in generation 0, and the log's size after each. */
async function storeWithFiveTransactions(): Promise<{
  directory: string;
  sizes: number[];
  states: string[][];
}> {
  const directory = freshDirectory();
  const store = await openFileStore(directory);
  const log = join(directory, logFileName(0));
  const sizes = [await fileSize(log)];
  const states: string[][] = [[]];
  for (let index = 1; index <= 5; index += 1) {
    await store.write(async (transaction) => {
      await transaction.put(`sale/${index}`, { index, note: 'ñandú 😀'.repeat(index) });
      if (index === 4) {
        await transaction.delete('sale/2');
      }
    });
    sizes.push(await fileSize(log));
    states.push((await everything(store)).map(([key]) => key));
  }
  await store.close();
  return { directory, sizes, states };
}

async function keysAfterOpen(directory: string): Promise<string[]> {
  const store = await openFileStore(directory);
  try {
    return (await everything(store)).map(([key]) => key);
  } finally {
    await store.close();
  }
}

describe('file store recovery from what a crash leaves on disk', () => {
  it('discards a torn last record wherever the append was cut, and truncates the log to the last good record', async () => {
    const { directory, sizes, states } = await storeWithFiveTransactions();
    const lastGood = sizes[4] as number;
    const complete = sizes[5] as number;
    for (let cut = lastGood; cut < complete; cut += 1) {
      const copy = freshDirectory();
      await cp(directory, copy, { recursive: true });
      await truncate(join(copy, logFileName(0)), cut);
      expect(await keysAfterOpen(copy)).toEqual(states[4]);
      expect(await fileSize(join(copy, logFileName(0)))).toBe(lastGood);
      // The store appends after the cut, and what it appends survives the next open.
      const store = await openFileStore(copy);
      await store.write((transaction) => transaction.put('sale/6', 6));
      await store.close();
      expect(await keysAfterOpen(copy)).toEqual([...(states[4] ?? []), 'sale/6']);
    }
  });

  it('discards zeros a filesystem left after the last record', async () => {
    const { directory, sizes, states } = await storeWithFiveTransactions();
    await writeFile(join(directory, logFileName(0)), Buffer.alloc(4096), { flag: 'a' });
    expect(await keysAfterOpen(directory)).toEqual(states[5]);
    expect(await fileSize(join(directory, logFileName(0)))).toBe(sizes[5]);
  });

  it('discards a last record whose payload is damaged', async () => {
    const { directory, sizes, states } = await storeWithFiveTransactions();
    await flipByte(join(directory, logFileName(0)), (sizes[5] as number) - 3);
    expect(await keysAfterOpen(directory)).toEqual(states[4]);
  });

  it('refuses to open when a record in the middle is damaged, and changes nothing on disk', async () => {
    for (const offsetInRecord of [0, 5, 9, 20]) {
      const { directory, sizes } = await storeWithFiveTransactions();
      const log = join(directory, logFileName(0));
      const before = await readFile(log);
      await flipByte(log, (sizes[2] as number) + offsetInRecord);
      const damaged = await readFile(log);
      await expectStoreError(openFileStore(directory), 'STORE_CORRUPT');
      expect(await readFile(log)).toEqual(damaged);
      expect(damaged.length).toBe(before.length);
      // The refused open released its lock: the repaired file opens.
      await writeFile(log, before);
      expect(await keysAfterOpen(directory)).toHaveLength(4);
    }
  });

  it('recreates a log whose creation a crash interrupted', async () => {
    const directory = freshDirectory();
    const store = await openFileStore(directory);
    await store.close();
    await truncate(join(directory, logFileName(0)), 5);
    expect(await keysAfterOpen(directory)).toEqual([]);
    const reopened = await openFileStore(directory);
    await reopened.write((transaction) => transaction.put('after', 1));
    await reopened.close();
    expect(await keysAfterOpen(directory)).toEqual(['after']);
  });

  it('refuses a damaged or truncated snapshot, which is never the product of a crash', async () => {
    for (const damage of ['flip', 'truncate'] as const) {
      const directory = freshDirectory();
      const store = await openFileStore(directory);
      await store.write((transaction) => transaction.put('kept', 'x'.repeat(5000)));
      await store.compact();
      await store.close();
      const snapshot = join(directory, SNAPSHOT_FILE_NAME);
      if (damage === 'flip') {
        await flipByte(snapshot, 100);
      } else {
        await truncate(snapshot, (await fileSize(snapshot)) - 10);
      }
      await expectStoreError(openFileStore(directory), 'STORE_CORRUPT');
    }
  });

  it('refuses a log that no snapshot explains', async () => {
    const directory = freshDirectory();
    const store = await openFileStore(directory);
    await store.write((transaction) => transaction.put('kept', 1));
    await store.compact();
    await store.close();
    await rm(join(directory, SNAPSHOT_FILE_NAME));
    await expectStoreError(openFileStore(directory), 'STORE_CORRUPT');
  });

  it('refuses a format newer than it knows', async () => {
    const directory = freshDirectory();
    await mkdir(directory, { recursive: true });
    const header = JSON.stringify({ format: 'mostrador-terminal-store-log', version: 99, generation: 0 });
    await writeFile(join(directory, logFileName(0)), encodeRecord(Buffer.from(header), 0));
    await expectStoreError(openFileStore(directory), 'FORMAT_UNSUPPORTED');
  });
});

describe('file store compaction', () => {
  it('rewrites the state as a snapshot, starts a new log and deletes the old one', async () => {
    const directory = freshDirectory();
    const store = await openFileStore(directory);
    for (let round = 0; round < 50; round += 1) {
      await store.write(async (transaction) => {
        await transaction.put('catalog/price', { round, padding: 'x'.repeat(1000) });
        await transaction.put(`sale/${String(round).padStart(3, '0')}`, round);
        await transaction.delete(`sale/${String(round - 10).padStart(3, '0')}`);
      });
    }
    const before = await everything(store);
    const usageBefore = await store.usage();
    await store.compact();
    expect(await everything(store)).toEqual(before);
    expect((await readdir(directory)).sort()).toEqual(['LOCK', logFileName(1), SNAPSHOT_FILE_NAME]);
    const usageAfter = await store.usage();
    expect(usageAfter.bytesUsed).toBeLessThan(usageBefore.bytesUsed / 5);
    expect(usageAfter).toMatchObject({ bytesQuota: null, persistent: true });
    await store.write((transaction) => transaction.put('after/compaction', true));
    const reopened = await reopen(store);
    const expected: [string, JsonValue][] = [...before, ['after/compaction', true]];
    expect(await everything(reopened)).toEqual(expected.sort(compareEntries));
    await reopened.close();
  });

  it('compacts on its own once the log passes the bound', async () => {
    const directory = freshDirectory();
    const store = await openFileStore(directory, { compactAfterLogBytes: 16 * 1024 });
    for (let round = 0; round < 200; round += 1) {
      await store.write((transaction) => transaction.put('counter', { round, padding: 'x'.repeat(500) }));
    }
    await store.close();
    const names = await readdir(directory);
    expect(names).toContain(SNAPSHOT_FILE_NAME);
    expect(names.filter((name) => name.startsWith('log.'))).toHaveLength(1);
    expect(names).not.toContain(logFileName(0));
    expect(await fileSize(join(directory, names.find((name) => name.startsWith('log.')) ?? ''))).toBeLessThan(
      32 * 1024,
    );
    const reopened = await openFileStore(directory);
    expect(await reopened.read((transaction) => transaction.get('counter'))).toEqual({
      round: 199,
      padding: 'x'.repeat(500),
    });
    expect(reopened.lastCompactionError).toBeNull();
    await reopened.close();
  });

  it('leaves a log of new keys alone, however large, and compacts once entries are replaced', async () => {
    const directory = freshDirectory();
    const store = await openFileStore(directory, { compactAfterLogBytes: 16 * 1024 });
    const padding = 'x'.repeat(500);
    for (let round = 0; round < 100; round += 1) {
      await store.write((transaction) =>
        transaction.put(`catalog/${String(round).padStart(4, '0')}`, padding),
      );
    }
    expect(await readdir(directory)).not.toContain(SNAPSHOT_FILE_NAME);
    // Reopened, the store still knows its log holds no garbage.
    await store.close();
    const reopened = await openFileStore(directory, { compactAfterLogBytes: 16 * 1024 });
    await reopened.write((transaction) => transaction.put('catalog/0000', 'replaced'));
    expect(await readdir(directory)).not.toContain(SNAPSHOT_FILE_NAME);
    for (let round = 0; round < 100; round += 1) {
      await reopened.write((transaction) =>
        transaction.put(`catalog/${String(round).padStart(4, '0')}`, round),
      );
    }
    await reopened.close();
    expect(await readdir(directory)).toContain(SNAPSHOT_FILE_NAME);
    const last = await openFileStore(directory);
    expect(await last.read((transaction) => transaction.get('catalog/0099'))).toBe(99);
    expect(await last.read((transaction) => transaction.count('catalog/'))).toBe(100);
    await last.close();
  });

  const compactionPoints: FileStoreFaultPoint[] = [
    'compaction:snapshot-partially-written',
    'compaction:snapshot-written',
    'compaction:snapshot-renamed',
    'compaction:snapshot-durable',
    'compaction:log-created',
    'compaction:old-log-deleted',
  ];
  const beforePublishing = new Set<FileStoreFaultPoint>([
    'compaction:snapshot-partially-written',
    'compaction:snapshot-written',
  ]);
  const afterSwitching = new Set<FileStoreFaultPoint>(['compaction:old-log-deleted']);

  it.each(compactionPoints)('keeps every resolved write when compaction fails at %s', async (point) => {
    const directory = freshDirectory();
    const injected = new Error(`injected failure at ${point}`);
    let armed = false;
    const store = await openFileStore(directory, {
      faultPoint: (reached) => {
        if (armed && reached === point) {
          throw injected;
        }
      },
    });
    for (let round = 0; round < 20; round += 1) {
      await store.write((transaction) => transaction.put(`entry/${String(round).padStart(2, '0')}`, round));
    }
    await store.compact();
    await store.write((transaction) => transaction.put('entry/after-first-compaction', true));
    const expected = await everything(store);
    armed = true;
    const outcome = await store.compact().then(
      () => undefined,
      (error: unknown) => error,
    );
    if (beforePublishing.has(point) || afterSwitching.has(point)) {
      // The old (or the new) snapshot and log are whole: the store goes on.
      expect(outcome).toBe(injected);
      armed = false;
      await store.write((transaction) => transaction.put('entry/after-failure', true));
      expected.push(['entry/after-failure', true]);
    } else {
      // The published snapshot names a log the store is not writing to: it stops until reopened.
      expect(isTerminalStoreError(outcome, 'STORE_FAILED')).toBe(true);
      await expectStoreError(
        store.read((transaction) => transaction.count('')),
        'STORE_FAILED',
      );
    }
    await store.close();
    const names = await readdir(directory);
    expect(names).not.toContain(SNAPSHOT_TEMPORARY_FILE_NAME);
    const reopened = await openFileStore(directory);
    expect(await everything(reopened)).toEqual(expected.sort(compareEntries));
    await reopened.write((transaction) => transaction.put('entry/after-reopen', true));
    await reopened.compact();
    const again = await reopen(reopened);
    expect(await again.read((transaction) => transaction.count('entry/'))).toBe(expected.length + 1);
    expect((await readdir(directory)).filter((name) => name.startsWith('log.'))).toHaveLength(1);
    await again.close();
  });

  it('opens whatever a crash between compaction steps left on disk', async () => {
    // Builds each on-disk state directly: generation 1 compacted, then the leftovers of a crash.
    const base = freshDirectory();
    const store = await openFileStore(base);
    await store.write((transaction) => transaction.put('a', 1));
    await store.compact();
    await store.write((transaction) => transaction.put('b', 2));
    await store.close();
    const expected = ['a', 'b'];

    const partialTemporary = freshDirectory();
    await cp(base, partialTemporary, { recursive: true });
    await writeFile(join(partialTemporary, SNAPSHOT_TEMPORARY_FILE_NAME), 'half a snapshot');
    expect(await keysAfterOpen(partialTemporary)).toEqual(expected);
    expect(await readdir(partialTemporary)).not.toContain(SNAPSHOT_TEMPORARY_FILE_NAME);

    // Snapshot 2 published (it holds a and b), log 2 not yet created, log 1 still there.
    const publishedOnly = freshDirectory();
    await cp(base, publishedOnly, { recursive: true });
    const compacting = await openFileStore(freshDirectory());
    await compacting.write(async (transaction) => {
      await transaction.put('a', 1);
      await transaction.put('b', 2);
    });
    await compacting.compact();
    await compacting.compact();
    await compacting.close();
    await cp(join(compacting.directory, SNAPSHOT_FILE_NAME), join(publishedOnly, SNAPSHOT_FILE_NAME));
    expect(await keysAfterOpen(publishedOnly)).toEqual(expected);
    expect((await readdir(publishedOnly)).filter((name) => name.startsWith('log.'))).toEqual([
      logFileName(2),
    ]);
  });
});

describe('file store group commit and durability order', () => {
  it('groups writes that arrive during an fsync into one record, resolving each after its own fsync', async () => {
    const directory = freshDirectory();
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    let appends = 0;
    const store = await openFileStore(directory, {
      faultPoint: async (point) => {
        if (point === 'append:written') {
          appends += 1;
          if (appends === 1) {
            await gate;
          }
        }
      },
    });
    const resolved: number[] = [];
    const first = store.write((transaction) => transaction.put('first', 1)).then(() => resolved.push(0));
    const others = Array.from({ length: 49 }, (_, index) =>
      store
        .write((transaction) => transaction.put(`other/${String(index).padStart(2, '0')}`, index))
        .then(() => resolved.push(index + 1)),
    );
    let readFinished = false;
    const read = store
      .read((transaction) => transaction.count(''))
      .then((count) => {
        readFinished = true;
        return count;
      });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(resolved).toEqual([]);
    expect(readFinished).toBe(false);
    openGate();
    await Promise.all([first, ...others]);
    expect(await read).toBe(50);
    expect(appends).toBe(2);
    const log = decodeRecords(await readFile(join(directory, logFileName(0))), 'log');
    // The header, the first write alone, then the 49 that waited, together.
    expect(log.payloads).toHaveLength(3);
    expect(JSON.parse(log.payloads[2]?.toString() ?? '{}').transactions).toHaveLength(49);
    await store.close();
  });

  it('fails every later operation after a failed fsync or write, until reopened', async () => {
    const directory = freshDirectory();
    let failAppends = false;
    const store = await openFileStore(directory, {
      faultPoint: (point) => {
        if (failAppends && point === 'append:written') {
          throw new Error('disk gone');
        }
      },
    });
    await store.write((transaction) => transaction.put('durable', 1));
    failAppends = true;
    await expectStoreError(
      store.write((transaction) => transaction.put('unknown', 2)),
      'STORE_FAILED',
    );
    await expectStoreError(
      store.read((transaction) => transaction.get('durable')),
      'STORE_FAILED',
    );
    await expectStoreError(
      store.write((transaction) => transaction.put('refused', 3)),
      'STORE_FAILED',
    );
    await store.close();
    const keys = await keysAfterOpen(directory);
    expect(keys).toContain('durable');
    expect(keys).not.toContain('refused');
  });
});

describe('file store lock', () => {
  it('refuses a second open while the first is open, in this process', async () => {
    const directory = freshDirectory();
    const store = await openFileStore(directory);
    await expectStoreError(openFileStore(directory), 'STORE_LOCKED');
    await store.close();
    const again = await openFileStore(directory);
    await again.close();
  });

  it('refuses a lock held by another live process, and takes it over once that process is gone', async () => {
    const directory = freshDirectory();
    await mkdir(directory, { recursive: true });
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      await writeFile(join(directory, 'LOCK'), `${holder.pid}\n`);
      await expectStoreError(openFileStore(directory), 'STORE_LOCKED');
    } finally {
      holder.kill('SIGKILL');
      await exited(holder);
    }
    const store = await openFileStore(directory);
    expect((await readFile(join(directory, 'LOCK'), 'utf8')).split(' ')[0]).toBe(String(process.pid));
    await store.close();
    expect(await readdir(directory)).not.toContain('LOCK');
  });

  it('takes over a lock an earlier process with this same pid left (a restarted container)', async () => {
    const directory = freshDirectory();
    await mkdir(directory, { recursive: true });
    const earlierStart = Math.round(performance.timeOrigin) - 60_000;
    await writeFile(join(directory, 'LOCK'), `${process.pid} ${earlierStart}\n`);
    const store = await openFileStore(directory);
    await expectStoreError(openFileStore(directory), 'STORE_LOCKED');
    await store.close();
  });

  it('takes over a lock that is empty or unreadable', async () => {
    const directory = freshDirectory();
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, 'LOCK'), '');
    const store = await openFileStore(directory);
    await store.close();
    await writeFile(join(directory, 'LOCK'), 'not a pid');
    const again = await openFileStore(directory);
    await again.close();
  });
});

describe('file store crash safety, with child processes killed by SIGKILL', () => {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'file-store-crash-writer.ts');
  const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

  interface Writer {
    readonly child: ChildProcess;
    /** Keys the child printed after their write resolved. */
    readonly resolvedKeys: () => string[];
    readonly waitForResolved: (count: number) => Promise<void>;
    readonly exit: Promise<NodeJS.Signals | number | null>;
  }

  function startWriter(config: CrashWriterConfig): Writer {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(config)], {
      cwd: repositoryRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    const listeners = new Set<() => void>();
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      for (const listener of listeners) {
        listener();
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      errors += chunk;
    });
    const resolvedKeys = () =>
      output
        .split('\n')
        .slice(0, -1)
        .filter((line) => line !== 'open');
    const exit = exited(child).then((outcome) => {
      for (const listener of listeners) {
        listener();
      }
      if (errors !== '') {
        throw new Error(`the writer printed errors: ${errors}`);
      }
      return outcome;
    });
    const waitForResolved = (count: number) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (resolvedKeys().length >= count) {
            listeners.delete(check);
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            listeners.delete(check);
            reject(new Error(`the writer exited after ${resolvedKeys().length} writes: ${errors}`));
          }
        };
        listeners.add(check);
        check();
      });
    return { child, resolvedKeys, waitForResolved, exit };
  }

  /** Opens the store and checks every reported key and the writer's invariants (see the writer). */
  async function verify(
    directory: string,
    reportedByRun: ReadonlyMap<number, readonly string[]>,
  ): Promise<void> {
    const store = await openFileStore(directory);
    try {
      for (const [run, reported] of reportedByRun) {
        const counter =
          ((await store.read((transaction) => transaction.get(`counter/${run}`))) as number) ?? 0;
        const items = await store.read((transaction) => transaction.scan({ prefix: `item/${run}/` }));
        expect(items.map(([key]) => key)).toEqual(
          Array.from({ length: counter }, (_, index) => itemKey(run, index + 1)),
        );
        expect(items.every(([key, value]) => itemKey(run, (value as { index: number }).index) === key)).toBe(
          true,
        );
        const missing = reported.filter((key) => !items.some(([itemKeyFound]) => itemKeyFound === key));
        expect(missing, `run ${run} lost writes it had reported as resolved`).toEqual([]);
        const scratch = await store.read((transaction) => transaction.scan({ prefix: `scratch/${run}/` }));
        const firstKept = Math.max(1, counter - SCRATCH_KEPT + 1);
        expect(scratch.map(([key]) => key)).toEqual(
          Array.from({ length: counter - firstKept + 1 }, (_, index) => scratchKey(run, firstKept + index)),
        );
      }
    } finally {
      await store.close();
    }
  }

  it(
    'keeps every write a killed process reported as resolved, across repeated kills at random moments',
    async () => {
      const directory = freshDirectory();
      const reportedByRun = new Map<number, string[]>();
      const resolvedBeforeKill = [1, 40, 7, 150, 25, 300, 3, 90];
      for (const [run, count] of resolvedBeforeKill.entries()) {
        const writer = startWriter({
          directory,
          run,
          writers: 4,
          valueBytes: 400,
          // Small enough that kills also land in the middle of compactions.
          compactAfterLogBytes: 32 * 1024,
          killAt: null,
        });
        await writer.waitForResolved(count);
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 20)));
        writer.child.kill('SIGKILL');
        expect(await writer.exit).toBe('SIGKILL');
        reportedByRun.set(run, writer.resolvedKeys());
        expect(writer.resolvedKeys().length).toBeGreaterThanOrEqual(count);
        await verify(directory, reportedByRun);
      }
      const names = await readdir(directory);
      expect(names).toContain(SNAPSHOT_FILE_NAME);
    },
    CRASH_CASE_TIMEOUT_MS,
  );

  const faultPoints: FileStoreFaultPoint[] = [
    'append:written',
    'compaction:snapshot-partially-written',
    'compaction:snapshot-written',
    'compaction:snapshot-renamed',
    'compaction:snapshot-durable',
    'compaction:log-created',
    'compaction:old-log-deleted',
  ];

  it(
    'recovers from a SIGKILL at every step of appending and compacting',
    async () => {
      for (const point of faultPoints) {
        const directory = freshDirectory();
        const reportedByRun = new Map<number, string[]>();
        const config = { directory, writers: 3, valueBytes: 300, compactAfterLogBytes: 8 * 1024 };
        const crashing = startWriter({ ...config, run: 0, killAt: point });
        expect(await crashing.exit, `the writer never reached ${point}`).toBe('SIGKILL');
        reportedByRun.set(0, crashing.resolvedKeys());
        await verify(directory, reportedByRun);
        // The store goes on after recovery: another writer appends and compacts in the same directory.
        const next = startWriter({ ...config, run: 1, killAt: null });
        await next.waitForResolved(60);
        next.child.kill('SIGKILL');
        await next.exit;
        reportedByRun.set(1, next.resolvedKeys());
        await verify(directory, reportedByRun);
      }
    },
    CRASH_CASE_TIMEOUT_MS,
  );
});

function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.signalCode ?? child.exitCode);
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
}

function compareEntries([left]: [string, JsonValue], [right]: [string, JsonValue]): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
