import { type Assertion, chai, JestAsymmetricMatchers, JestChaiExpect, JestExtend } from '@vitest/expect';
import {
  browserTerminalTabs,
  type TerminalTabs,
} from '../single-writer/web-locks-writer-lock.browser-scenario';
import { type ContractCaseOutcome, collectContractCases, runContractCase } from './contract-case-collector';
import type { ContractAssertion, ContractExpect } from './contract-runner';
import {
  type BatchPlan,
  type BatchWriter,
  countBatches,
  createBatchWriter,
  type DurableState,
  type DurableStateReadBack,
  incrementCounter,
  type QuotaProbe,
  readDurableState,
  writeBeyondQuota,
  writeDurableState,
} from './indexeddb-store.browser-scenarios';
import { runIndexedDbStoreSuite } from './indexeddb-store.browser-suite';

/**
 * The test page's script (bundled by indexeddb-store.browser.test.ts for Chromium): it collects the
 * IndexedDB suite with Vitest's own matchers (@vitest/expect, the package Vitest's expect is built
 * on), so a case asserts in the page exactly what it asserts in Node, and exposes the cases and the
 * multi-page scenarios to the Node side on `window.mostradorBrowserSuite`.
 */
export interface BrowserSuiteHarness {
  caseNames(): string[];
  runCase(name: string): Promise<ContractCaseOutcome>;
  writeDurableState(label: string): Promise<DurableState>;
  readDurableState(label: string): Promise<DurableStateReadBack>;
  readonly batches: BatchWriter;
  countBatches(label: string, plan: BatchPlan): Promise<number[]>;
  incrementCounter(databaseName: string, times: number): Promise<number[]>;
  writeBeyondQuota(databaseName: string, largeValueChars: number): Promise<QuotaProbe>;
  readonly terminalTabs: TerminalTabs;
}

export interface BrowserSuiteWindow {
  mostradorBrowserSuite: BrowserSuiteHarness;
}

/** Long enough to show a whole JSON value of the contract's cases, short enough to read a report. */
const FAILURE_DETAIL_CHARS_MAX = 4_000;

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

// The plugins above are what give chai's assertion Vitest's matchers; chai's own type does not say so.
const expect: ContractExpect = (actual, message) => {
  const assertion: ContractAssertion = chai.expect(actual, message) as unknown as Assertion<unknown>;
  return assertion;
};

function createHarness(): BrowserSuiteHarness {
  const cases = new Map(
    collectContractCases(runIndexedDbStoreSuite, expect).map((item) => [item.name, item]),
  );
  return {
    caseNames: () => [...cases.keys()],
    runCase: async (name) => {
      const testCase = cases.get(name);
      if (testCase === undefined) {
        throw new Error(`the page has no case named ${JSON.stringify(name)}`);
      }
      return runContractCase(testCase, describeFailure);
    },
    writeDurableState,
    readDurableState,
    batches: createBatchWriter(),
    countBatches,
    incrementCounter,
    writeBeyondQuota,
    terminalTabs: browserTerminalTabs(),
  };
}

/** A failed expectation with the values it compared, since the page has no Vitest to print a diff. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const lines = [`${error.name}: ${error.message}`];
  const compared = error as Error & { actual?: unknown; expected?: unknown; showDiff?: boolean };
  if (compared.showDiff === true) {
    lines.push(`expected: ${shown(compared.expected)}`, `actual:   ${shown(compared.actual)}`);
  }
  if (error.cause !== undefined) {
    lines.push(`cause: ${error.cause instanceof Error ? error.cause.message : String(error.cause)}`);
  }
  lines.push(error.stack ?? '');
  return lines.join('\n');
}

function shown(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > FAILURE_DETAIL_CHARS_MAX ? `${text.slice(0, FAILURE_DETAIL_CHARS_MAX)}…` : text;
}

(globalThis as unknown as BrowserSuiteWindow).mostradorBrowserSuite = createHarness();
