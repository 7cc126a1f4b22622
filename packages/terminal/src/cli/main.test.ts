import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../testing/fake-server';
import { fixture, startSeededServer } from '../testing/fixtures';
import { runCli } from './main';

describe('mostrador-terminal', () => {
  let server: FakeServer;
  let home: string;

  beforeEach(async () => {
    server = await startSeededServer({ stock: { hammer: '2' } });
    home = await mkdtemp(join(tmpdir(), 'mostrador-cli-'));
  });
  afterEach(async () => {
    await server.stop();
    await rm(home, { recursive: true, force: true });
  });

  async function cli(
    ...argv: string[]
  ): Promise<{ code: number; output: string; json: () => Record<string, unknown> }> {
    let output = '';
    const code = await runCli({
      argv: [...argv, '--home', home],
      env: {},
      cwd: home,
      write: (text) => {
        output += text;
      },
    });
    return { code, output, json: () => JSON.parse(output) as Record<string, unknown> };
  }

  it('activates, signs in, sells online and offline, syncs, exports and verifies the chain', async () => {
    const activated = await cli(
      'activate',
      '--server',
      server.baseUrl,
      '--tenant',
      fixture.tenantSlug,
      '--email',
      fixture.managerEmail,
      '--password',
      fixture.managerPassword,
      '--store',
      fixture.storeId,
      '--name',
      'Caja CLI',
      '--json',
    );
    expect(activated.code).toBe(0);
    expect(activated.json()).toMatchObject({ ok: true, status: { stateLoaded: true } });
    expect(activated.output).not.toContain('deviceCredential');

    expect((await cli('login', '--pin', '0000', '--json')).json()).toMatchObject({
      ok: false,
      code: 'INVALID_PIN',
    });
    expect((await cli('login', '--pin', fixture.cashierPin)).code).toBe(0);

    const one = await cli(
      'sell',
      '--sku',
      fixture.products.glue.sku,
      '--qty',
      '2',
      '--tender',
      'cash:100',
      '--json',
    );
    expect(one.code).toBe(0);
    expect(one.json()).toMatchObject({
      ok: true,
      sales: [{ ok: true, total: '99.80', change: '0.20', sequence: 1 }],
    });

    expect((await cli('offline', '--manager-pin', fixture.managerPin)).code).toBe(0);
    await writeFile(
      join(home, 'sales.json'),
      JSON.stringify({
        sales: [
          {
            lines: [{ sku: fixture.products.hammer.sku, quantity: '2' }],
            tenders: [{ kind: 'cash', amount: '500' }],
          },
          {
            lines: [{ sku: fixture.products.hammer.sku }],
            tenders: [{ kind: 'card', amount: '250.00', reference: 'A1' }],
          },
        ],
      }),
    );
    const many = await cli('sell', '--file', 'sales.json', '--json');
    expect(many.code).toBe(1);
    expect(many.json()).toMatchObject({
      ok: false,
      failures: 1,
      sales: [
        { ok: true, offline: true },
        { ok: false, code: 'STOCK_GUARD_BLOCKED', sku: fixture.products.hammer.sku },
      ],
    });
    expect((await cli('sync', '--json')).json()).toMatchObject({
      ok: false,
      outcome: 'skipped',
      code: 'PLANNED_OFFLINE',
    });
    expect((await cli('status', '--json')).json()).toMatchObject({ pendingCount: 2, plannedOffline: true });

    expect((await cli('online', '--manager-pin', fixture.managerPin)).code).toBe(0);
    const synced = await cli('sync', '--json');
    expect(synced.code).toBe(0);
    expect(synced.json()).toMatchObject({
      ok: true,
      outcome: 'ok',
      pendingCount: 0,
      acknowledgedSequence: 2,
    });

    expect((await cli('export', '--output', 'facts.jsonl')).code).toBe(0);
    const verified = await cli('verify', 'facts.jsonl', '--json');
    expect(verified.json()).toMatchObject({ ok: true, facts: 2, firstSequence: 1, head: { sequence: 2 } });

    const lines = (await readFile(join(home, 'facts.jsonl'), 'utf8')).trim().split('\n');
    const tampered = JSON.parse(lines[2] ?? '{}') as { payload: { lines: { name: string }[] } };
    for (const line of tampered.payload.lines) line.name = `${line.name} (rebajado)`;
    await writeFile(join(home, 'tampered.jsonl'), [lines[0], lines[1], JSON.stringify(tampered)].join('\n'));
    const broken = await cli('verify', 'tampered.jsonl', '--json');
    expect(broken.code).toBe(1);
    expect(broken.json()).toMatchObject({
      ok: false,
      code: 'CHAIN_BROKEN',
      brokenAt: 2,
      line: 3,
      reason: 'HASH_MISMATCH',
    });
  });

  it('explains a bad command line and exits 2', async () => {
    expect((await cli('sell', '--sku', 'X')).code).toBe(2);
    expect((await cli('fly')).code).toBe(2);
    expect((await cli('--nope')).code).toBe(2);
    expect((await cli('sell', '--sku', 'X', '--tender', 'cash:1')).output).toContain(
      'TERMINAL_NOT_ACTIVATED',
    );
  });

  it('runs as a command through its bin shim', async () => {
    const bin = fileURLToPath(new URL('../../bin/mostrador-terminal.js', import.meta.url));
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, [bin, 'status', '--json', '--home', home]);
    expect(JSON.parse(stdout)).toMatchObject({ activation: 'not_activated', pendingCount: 0 });
    await expect(run(process.execPath, [bin, 'verify', join(home, 'missing.jsonl')])).rejects.toMatchObject({
      code: 1,
    });
  });
});
