import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('./sim-cli.ts', import.meta.url));

/** `npm run sim` as a user runs it: its exit codes and its JSON summary. */
describe('npm run sim', () => {
  it('runs a seed and prints a JSON summary with exit code 0', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', CLI, '--seeds', '1', '--seed-start', '7', '--steps', '25', '--json'],
      { timeout: 120_000 },
    );
    const summary = JSON.parse(stdout) as { runs: number; passed: number; failedSeeds: number[] };
    expect(summary).toMatchObject({ runs: 1, passed: 1, failedSeeds: [] });
  }, 150_000);

  it('refuses a bad command line with exit code 2 and the usage', async () => {
    const outcome = await run(process.execPath, ['--import', 'tsx', CLI, '--seeds', 'many'], {
      timeout: 60_000,
    }).catch((error: { code: number; stderr: string }) => error);
    expect('code' in outcome ? outcome.code : 0).toBe(2);
  }, 90_000);
});
