/**
 * A child process for file-store.test.ts's crash tests, run as
 * `node --import tsx file-store-crash-writer.ts '<json CrashWriterConfig>'`. It writes in a loop
 * from several concurrent writers and prints each key on stdout once its write has resolved (a pipe
 * is written synchronously on Linux, so a printed key was resolved before any kill that follows).
 * The parent kills it with SIGKILL, or it kills itself at a fault point, and then checks that every
 * printed key survived and that the invariants below hold.
 *
 * Invariants of run R, which every transaction keeps atomically:
 * - counter/R holds C, the number of transactions of run R;
 * - item/R/<i> exists exactly for i = 1..C;
 * - scratch/R/<i> exists exactly for the last three i (older ones are deleted as new ones come).
 */
import { pathToFileURL } from 'node:url';
import { type FileStoreFaultPoint, openFileStore } from './file-store';

export interface CrashWriterConfig {
  readonly directory: string;
  readonly run: number;
  readonly writers: number;
  readonly valueBytes: number;
  readonly compactAfterLogBytes: number;
  /** Kill this process with SIGKILL when the store reaches this point. */
  readonly killAt: FileStoreFaultPoint | null;
}

/** A bound on the loop, far above what a test lets it reach before killing it. */
const WRITES_PER_WRITER_MAX = 100_000;
export const SCRATCH_KEPT = 3;

export function itemKey(run: number, index: number): string {
  return `item/${run}/${String(index).padStart(8, '0')}`;
}

export function scratchKey(run: number, index: number): string {
  return `scratch/${run}/${String(index).padStart(8, '0')}`;
}

async function main(config: CrashWriterConfig): Promise<void> {
  const store = await openFileStore(config.directory, {
    compactAfterLogBytes: config.compactAfterLogBytes,
    faultPoint: (point) => {
      if (point === config.killAt) {
        process.kill(process.pid, 'SIGKILL');
      }
    },
  });
  process.stdout.write('open\n');
  const padding = 'p'.repeat(config.valueBytes);
  const writer = async (writerId: number) => {
    for (let round = 0; round < WRITES_PER_WRITER_MAX; round += 1) {
      const key = await store.write(async (transaction) => {
        const counterKey = `counter/${config.run}`;
        const index = (((await transaction.get(counterKey)) as number | undefined) ?? 0) + 1;
        await transaction.put(itemKey(config.run, index), { run: config.run, index, writerId, padding });
        await transaction.put(scratchKey(config.run, index), index);
        if (index > SCRATCH_KEPT) {
          await transaction.delete(scratchKey(config.run, index - SCRATCH_KEPT));
        }
        await transaction.put(counterKey, index);
        return itemKey(config.run, index);
      });
      process.stdout.write(`${key}\n`);
    }
  };
  await Promise.all(Array.from({ length: config.writers }, (_, writerId) => writer(writerId)));
  await store.close();
}

// Only when run as a script: the test imports the key helpers above without starting a writer.
const script = process.argv[1];
const argument = process.argv[2];
if (script !== undefined && argument !== undefined && import.meta.url === pathToFileURL(script).href) {
  await main(JSON.parse(argument) as CrashWriterConfig);
}
