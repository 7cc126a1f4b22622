import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/**
 * A CPU profile of chosen stretches of a benchmark only (say, the push segments and not the
 * seeding or the floor), written as .cpuprofile files Chrome's DevTools and speedscope open.
 * Set BENCH_PROFILE_DIR to a directory to turn it on; otherwise profiling costs nothing.
 */
export interface ProfileWindow {
  around<T>(label: string, work: () => Promise<T>): Promise<T>;
}

/** Microseconds between samples: V8's default is 1,000; finer shows the short functions. */
const SAMPLING_INTERVAL_US = 250;

export function profileWindowFromEnvironment(): ProfileWindow {
  const directory = process.env.BENCH_PROFILE_DIR;
  if (directory === undefined || directory === '') return { around: (_label, work) => work() };
  mkdirSync(directory, { recursive: true });
  const session = new Session();
  session.connect();
  let count = 0;
  return {
    async around(label, work) {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
      await session.post('Profiler.start');
      try {
        return await work();
      } finally {
        const { profile } = await session.post('Profiler.stop');
        count += 1;
        writeFileSync(join(directory, `${label}-${count}.cpuprofile`), JSON.stringify(profile));
      }
    },
  };
}
