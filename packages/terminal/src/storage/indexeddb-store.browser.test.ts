import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalTabReport } from '../single-writer/web-locks-writer-lock.browser-scenario';
import { collectContractCases } from './contract-case-collector';
import type { ContractExpect } from './contract-runner';
import type { BrowserSuiteWindow } from './indexeddb-store.browser-entry';
import { type BatchPlan, DURABLE_KEYS, type DurableState } from './indexeddb-store.browser-scenarios';
import { runIndexedDbStoreSuite } from './indexeddb-store.browser-suite';

/**
 * The IndexedDB store, the storage key, the device key vault and the Web Locks writer lock in a
 * real Chromium (Debian's, at /usr/bin/chromium; .ci/install-chromium.sh installs it). The suite is
 * bundled with esbuild, served from a local HTTP origin (IndexedDB needs a real one), and every
 * case of indexeddb-store.browser-suite.ts (the whole store contract, plain and encrypted, and the
 * browser-only cases) runs in the page as its own test here. What spans page lives (a reload, a
 * restarted or killed browser, two tabs) is driven from here.
 *
 * A missing Chromium fails this file, by a test of its own and in the setup: it is never skipped.
 */
const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ENTRY_PATH = fileURLToPath(new URL('./indexeddb-store.browser-entry.ts', import.meta.url));
const BROWSER_SETUP_TIMEOUT_MS = 120_000;
const SCENARIO_TIMEOUT_MS = 60_000;
/** How long a tab waits for the browser to release a closed tab's writer lock, in polls of WRITER_POLL_MS. */
const WRITER_POLLS_MAX = 50;
const WRITER_POLL_MS = 100;
/**
 * Writes cut by a reload or a kill: far more batches than can finish before the cut, so the cut
 * always lands while they run; it comes once BATCHES_BEFORE_CUT have resolved.
 */
const BATCH_PLAN: BatchPlan = { batchCount: 200, keysPerBatch: 500 };
const BATCHES_BEFORE_CUT = 3;
const BATCH_POLLS_MAX = 200;
const BATCH_POLL_MS = 25;
const INCREMENTS_PER_TAB = 50;
/** The quota the quota case grants above what the origin already uses, and the value it tries to write. */
const QUOTA_HEADROOM_BYTES = 2 * 1024 * 1024;
const OVER_QUOTA_VALUE_CHARS = 8 * 1024 * 1024;

const TEST_PAGE = `<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8">
<title>Mostrador: IndexedDB store suite</title>
<link rel="icon" href="data:,">
<script type="module" src="/suite.js"></script>
</head>
<body></body>
</html>
`;

// The case names, collected here without running anything, so that each case in the page is its
// own test. The page collects the same suite with the same collector; a test below checks the lists agree.
const expectOnlyInThePage: ContractExpect = () => {
  throw new Error('the IndexedDB suite asserts inside the browser page, not in Node');
};
const pageCases = collectContractCases(runIndexedDbStoreSuite, expectOnlyInThePage);

const CHROMIUM_MISSING =
  `Chromium is not installed at ${CHROMIUM_PATH}; the browser storage tests need it. ` +
  'Install it with .ci/install-chromium.sh (Debian: apt-get install chromium).';

// Its own failing test, so a run without Chromium reports a failure by name, not only skipped cases.
it(`finds Chromium at ${CHROMIUM_PATH}`, () => {
  expect(existsSync(CHROMIUM_PATH), CHROMIUM_MISSING).toBe(true);
});

describe('IndexedDB store in Chromium', { timeout: SCENARIO_TIMEOUT_MS }, () => {
  let server: Server | undefined;
  let quotaServer: Server | undefined;
  let origin = '';
  let profileDirectory: string | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(CHROMIUM_MISSING);
    }
    const script = await bundleSuite();
    server = await serve(script);
    quotaServer = await serve(script);
    origin = serverOrigin(server);
    profileDirectory = await mkdtemp(join(tmpdir(), 'mostrador-chromium-profile-'));
    context = await launchProfile(profileDirectory);
    page = await openSuitePage(context);
  }, BROWSER_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    for (const running of [server, quotaServer]) {
      running?.closeAllConnections();
      await new Promise((resolve) => (running === undefined ? resolve(undefined) : running.close(resolve)));
    }
    if (profileDirectory !== undefined) {
      await rm(profileDirectory, { recursive: true, force: true });
    }
  });

  afterEach(() => {
    const errors = pageErrors.splice(0);
    expect(errors, 'uncaught errors in the page').toEqual([]);
  });

  async function launchProfile(directory: string): Promise<BrowserContext> {
    return chromium.launchPersistentContext(directory, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
      timeout: 30_000,
    });
  }

  async function openSuitePage(browserContext: BrowserContext, pageOrigin = origin): Promise<Page> {
    const opened = await browserContext.newPage();
    opened.on('pageerror', (error) => pageErrors.push(`${error.name}: ${error.message}`));
    await opened.goto(`${pageOrigin}/`);
    await waitForSuite(opened);
    return opened;
  }

  async function waitForSuite(suitePage: Page): Promise<void> {
    await suitePage.waitForFunction(() => 'mostradorBrowserSuite' in window, undefined, { timeout: 10_000 });
  }

  it('the page holds the same cases as the suite collected in Node', async () => {
    const names = await page.evaluate(() =>
      (window as unknown as BrowserSuiteWindow).mostradorBrowserSuite.caseNames(),
    );
    expect(names).toEqual(pageCases.map((testCase) => testCase.name));
    expect(
      names.filter((name) => name.endsWith('terminal store contract > size > stores 1 MB values')),
    ).toHaveLength(3);
  });

  for (const testCase of pageCases) {
    it(
      testCase.name,
      async () => {
        const outcome = await page.evaluate(
          (name) => (window as unknown as BrowserSuiteWindow).mostradorBrowserSuite.runCase(name),
          testCase.name,
        );
        if (!outcome.ok) {
          throw new Error(`failed in Chromium:\n${outcome.failure}`);
        }
      },
      testCase.timeoutMs,
    );
  }

  describe('across page lives', () => {
    it('keeps the store, the storage key and the device key across a page reload; writes it cuts are all or nothing', async () => {
      const label = `reload-${randomUUID()}`;
      const written = await writeDurableState(page, label);
      const resolvedBeforeCut = await startBatchesAndWait(page, label);
      await page.reload();
      await waitForSuite(page);
      await expectDurableState(page, label, written);
      await expectWholeBatchesInOrder(page, label, resolvedBeforeCut);
    });

    it('serialises writes from two tabs on one database: no increment is lost', async () => {
      const databaseName = `tabs-${randomUUID()}`;
      const tabs = [await openSuitePage(currentContext()), await openSuitePage(currentContext())];
      const seen = await Promise.all(
        tabs.map((tab) => incrementCounter(tab, databaseName, INCREMENTS_PER_TAB)),
      );
      expect(seen.flat().sort((left, right) => left - right)).toEqual(
        Array.from({ length: INCREMENTS_PER_TAB * tabs.length }, (_, index) => index + 1),
      );
      expect(await incrementCounter(page, databaseName, 1)).toEqual([INCREMENTS_PER_TAB * tabs.length + 1]);
      await Promise.all(tabs.map((tab) => tab.close()));
    });

    it('refuses a write beyond the origin’s quota with QUOTA_EXCEEDED, applies none of it, and keeps working', async () => {
      // An origin of its own: Chromium caches an origin's remaining space for a few seconds, so a
      // quota lowered right after other writes of the same origin would not bind yet.
      const quotaOrigin = serverOrigin(currentQuotaServer());
      const quotaPage = await openSuitePage(currentContext(), quotaOrigin);
      const session = await currentContext().newCDPSession(quotaPage);
      // The quota manager's own view: navigator.storage.estimate() does not show the enforced quota
      // (see IndexedDbStore.usage).
      const { usage } = await session.send('Storage.getUsageAndQuota', { origin: quotaOrigin });
      await session.send('Storage.overrideQuotaForOrigin', {
        origin: quotaOrigin,
        quotaSize: usage + QUOTA_HEADROOM_BYTES,
      });
      try {
        const probe = await quotaPage.evaluate(
          ([databaseName, chars]) =>
            (window as unknown as BrowserSuiteWindow).mostradorBrowserSuite.writeBeyondQuota(
              databaseName,
              chars,
            ),
          [`quota-${randomUUID()}`, OVER_QUOTA_VALUE_CHARS] as const,
        );
        expect(probe).toEqual({ code: 'QUOTA_EXCEEDED', appliedKeys: [], writesAfterwards: true });
      } finally {
        await session.send('Storage.overrideQuotaForOrigin', { origin: quotaOrigin });
        await session.detach();
        await quotaPage.close();
      }
    });

    it('one writer across two tabs: the second is refused and says so, and takes over when the first closes', async () => {
      const label = `writer-${randomUUID()}`;
      const firstTab = await openSuitePage(currentContext());
      const secondTab = await openSuitePage(currentContext());
      expect(await openTerminal(firstTab, label)).toEqual({
        isWriter: true,
        statusWriter: true,
        loginCode: 'TERMINAL_NOT_ACTIVATED',
        syncCode: 'TERMINAL_NOT_ACTIVATED',
      });
      const refused = {
        isWriter: false,
        statusWriter: false,
        loginCode: 'TERMINAL_OPEN_ELSEWHERE',
        syncCode: 'TERMINAL_OPEN_ELSEWHERE',
      };
      expect(await openTerminal(secondTab, label)).toEqual(refused);
      // The first tab goes away without closing its engine, as when the cashier closes the tab.
      await firstTab.close();
      let report: TerminalTabReport = refused;
      for (let poll = 0; poll < WRITER_POLLS_MAX && !report.isWriter; poll += 1) {
        await closeTerminal(secondTab, label);
        await new Promise((resolve) => setTimeout(resolve, poll === 0 ? 0 : WRITER_POLL_MS));
        report = await openTerminal(secondTab, label);
      }
      expect(report).toEqual({
        isWriter: true,
        statusWriter: true,
        loginCode: 'TERMINAL_NOT_ACTIVATED',
        syncCode: 'TERMINAL_NOT_ACTIVATED',
      });
      // Closing the engine, not only the tab, hands the lock on too.
      const thirdTab = await openSuitePage(currentContext());
      expect(await openTerminal(thirdTab, label)).toEqual(refused);
      await closeTerminal(thirdTab, label);
      await closeTerminal(secondTab, label);
      expect((await openTerminal(thirdTab, label)).isWriter).toBe(true);
      await closeTerminal(thirdTab, label);
      await Promise.all([secondTab.close(), thirdTab.close()]);
    });

    it('keeps everything across closing the browser and opening the same profile again', async () => {
      const label = `restart-${randomUUID()}`;
      const written = await writeDurableState(page, label);
      await currentContext().close();
      context = await launchProfile(currentProfile());
      page = await openSuitePage(context);
      await expectDurableState(page, label, written);
    });

    it('keeps every write that resolved when the browser process is killed; writes it cuts are all or nothing', async () => {
      const label = `killed-${randomUUID()}`;
      const written = await writeDurableState(page, label);
      const resolvedBeforeCut = await startBatchesAndWait(page, label);
      const closed = new Promise((resolve) => currentContext().once('close', resolve));
      process.kill(browserProcessId(currentProfile()), 'SIGKILL');
      await closed;
      context = await launchProfile(currentProfile());
      page = await openSuitePage(context);
      await expectDurableState(page, label, written);
      await expectWholeBatchesInOrder(page, label, resolvedBeforeCut);
    });
  });

  function currentContext(): BrowserContext {
    if (context === undefined) {
      throw new Error('the browser did not start');
    }
    return context;
  }

  function currentQuotaServer(): Server {
    if (quotaServer === undefined) {
      throw new Error('the quota origin’s server did not start');
    }
    return quotaServer;
  }

  function currentProfile(): string {
    if (profileDirectory === undefined) {
      throw new Error('the browser profile was not created');
    }
    return profileDirectory;
  }
});

async function bundleSuite(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY_PATH],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (output === undefined) {
    throw new Error('esbuild produced no bundle for the browser suite');
  }
  return output.text;
}

function serverOrigin(running: Server): string {
  return `http://127.0.0.1:${(running.address() as AddressInfo).port}`;
}

function serve(script: string): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(TEST_PAGE);
    } else if (path === '/suite.js') {
      response.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'no-store',
      });
      response.end(script);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function writeDurableState(page: Page, label: string): Promise<DurableState> {
  return page.evaluate(
    (name) => (window as unknown as BrowserSuiteWindow).mostradorBrowserSuite.writeDurableState(name),
    label,
  );
}

/** Reads the scenario's data back in a new page life and checks it is all there, keys still usable. */
async function expectDurableState(page: Page, label: string, written: DurableState): Promise<void> {
  expect(written.plain.map(([key]) => key)).toEqual(DURABLE_KEYS);
  expect(written.encrypted).toEqual(written.plain);
  const readBack = await page.evaluate(
    (name) => (window as unknown as BrowserSuiteWindow).mostradorBrowserSuite.readDurableState(name),
    label,
  );
  expect(readBack).toEqual({
    ...written,
    storageKeyExtractable: false,
    devicePrivateKeyExtractable: false,
    deviceSignatureVerifies: true,
  });
}

/** Starts the batches in the page and returns once at least BATCHES_BEFORE_CUT have resolved. */
async function startBatchesAndWait(page: Page, label: string): Promise<number> {
  await page.evaluate(
    ([name, plan]) =>
      (window as unknown as BrowserSuiteWindow).mostradorBrowserSuite.batches.start(name, plan),
    [label, BATCH_PLAN] as const,
  );
  for (let poll = 0; poll < BATCH_POLLS_MAX; poll += 1) {
    const progress = await page.evaluate(
      (name) => (window as unknown as BrowserSuiteWindow).mostradorBrowserSuite.batches.progress(name),
      label,
    );
    if (progress.failure !== null) {
      throw new Error(`the batches failed before the cut: ${progress.failure}`);
    }
    if (progress.resolved >= BATCHES_BEFORE_CUT) {
      return progress.resolved;
    }
    await new Promise((resolve) => setTimeout(resolve, BATCH_POLL_MS));
  }
  throw new Error(
    `fewer than ${BATCHES_BEFORE_CUT} batches resolved in ${BATCH_POLLS_MAX * BATCH_POLL_MS} ms`,
  );
}

/** Whole batches only, in the order they were written, every resolved one among them, and not all of them. */
async function expectWholeBatchesInOrder(
  page: Page,
  label: string,
  resolvedBeforeCut: number,
): Promise<void> {
  const counts = await page.evaluate(
    ([name, plan]) =>
      (window as unknown as BrowserSuiteWindow).mostradorBrowserSuite.countBatches(name, plan),
    [label, BATCH_PLAN] as const,
  );
  const present = counts.filter((count) => count > 0).length;
  expect(counts).toEqual(
    Array.from({ length: BATCH_PLAN.batchCount }, (_, batch) =>
      batch < present ? BATCH_PLAN.keysPerBatch : 0,
    ),
  );
  expect(present).toBeGreaterThanOrEqual(resolvedBeforeCut);
  expect(present, 'the cut came after every batch had finished: it tested nothing').toBeLessThan(
    BATCH_PLAN.batchCount,
  );
}

function incrementCounter(page: Page, databaseName: string, times: number): Promise<number[]> {
  return page.evaluate(
    ([name, count]) =>
      (window as unknown as BrowserSuiteWindow).mostradorBrowserSuite.incrementCounter(name, count),
    [databaseName, times] as const,
  );
}

function openTerminal(page: Page, label: string) {
  return page.evaluate(
    (name) => (window as unknown as BrowserSuiteWindow).mostradorBrowserSuite.terminalTabs.open(name),
    label,
  );
}

function closeTerminal(page: Page, label: string) {
  return page.evaluate(
    (name) => (window as unknown as BrowserSuiteWindow).mostradorBrowserSuite.terminalTabs.close(name),
    label,
  );
}

/** The browser process Playwright started for this profile: a child of this process, found by its profile. */
function browserProcessId(profile: string): number {
  const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], {
    encoding: 'utf8',
  });
  const matching = children
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.includes(`--user-data-dir=${profile}`));
  if (matching.length !== 1) {
    throw new Error(
      `expected one browser process on ${profile} among this process's children, found:\n${children}`,
    );
  }
  return Number.parseInt(matching[0]!, 10);
}
