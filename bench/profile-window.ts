import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

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

/** The profiler's three calls, as this process's inspector and a page's DevTools session both answer them. */
interface ProfilerSession {
  post(method: 'Profiler.enable' | 'Profiler.start'): Promise<unknown>;
  post(method: 'Profiler.setSamplingInterval', parameters: { interval: number }): Promise<unknown>;
  post(method: 'Profiler.stop'): Promise<{ profile: object }>;
}

/** This Node process (the server and the benchmark's clients). */
export function profileWindowFromEnvironment(): ProfileWindow {
  const directory = profileDirectory();
  if (directory === undefined) return NOT_PROFILING;
  const session = new Session();
  session.connect();
  return profilingWindow(directory, session as unknown as ProfilerSession);
}

/** A Chromium page's main thread, through the DevTools protocol. */
export function pageProfileWindow(page: Page): ProfileWindow {
  const directory = profileDirectory();
  if (directory === undefined) return NOT_PROFILING;
  let session: Promise<ProfilerSession> | undefined;
  const opened = () => {
    session ??= page
      .context()
      .newCDPSession(page)
      .then(
        (cdp) =>
          ({
            post: (method: string, parameters?: object) => cdp.send(method as never, parameters as never),
          }) as ProfilerSession,
      );
    return session;
  };
  return {
    async around(label, work) {
      return profilingWindow(directory, await opened()).around(label, work);
    },
  };
}

const NOT_PROFILING: ProfileWindow = { around: (_label, work) => work() };

function profileDirectory(): string | undefined {
  const directory = process.env.BENCH_PROFILE_DIR;
  if (directory === undefined || directory === '') return undefined;
  mkdirSync(directory, { recursive: true });
  return directory;
}

let profilesWritten = 0;

function profilingWindow(directory: string, session: ProfilerSession): ProfileWindow {
  return {
    async around(label, work) {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
      await session.post('Profiler.start');
      try {
        return await work();
      } finally {
        const { profile } = await session.post('Profiler.stop');
        profilesWritten += 1;
        writeFileSync(join(directory, `${label}-${profilesWritten}.cpuprofile`), JSON.stringify(profile));
      }
    },
  };
}
