import type { ContractExpect, ContractRunner } from './contract-runner';

/**
 * A minimal runner for the shared suites where Vitest cannot run: inside a browser page. It only
 * collects the cases (named by their describe path, as Vitest names them); running one is a call
 * to runContractCase. The Node side collects the same suite with the same function to learn the
 * case names before the browser starts, so each browser case is its own Vitest test.
 */
export interface ContractCase {
  /** The describe path and the case name, joined with " > ". */
  readonly name: string;
  readonly timeoutMs: number | undefined;
  readonly body: () => Promise<void>;
}

export type ContractCaseOutcome =
  | { readonly ok: true; readonly durationMs: number }
  | { readonly ok: false; readonly durationMs: number; readonly failure: string };

/** Suites are a few hundred cases; a describe nested deeper than this is a bug in the suite. */
const DESCRIBE_DEPTH_MAX = 16;
export const CASE_NAME_SEPARATOR = ' > ';

export function collectContractCases(
  register: (runner: ContractRunner) => void,
  expect: ContractExpect,
): ContractCase[] {
  const cases: ContractCase[] = [];
  const names = new Set<string>();
  const path: string[] = [];
  register({
    describe(name, body) {
      if (path.length >= DESCRIBE_DEPTH_MAX) {
        throw new Error(`describe blocks nest deeper than ${DESCRIBE_DEPTH_MAX} at ${name}`);
      }
      path.push(name);
      try {
        body();
      } finally {
        path.pop();
      }
    },
    it(name, body, timeoutMs) {
      const fullName = [...path, name].join(CASE_NAME_SEPARATOR);
      // Cases are found by name, so two with one name would make one of them unreachable.
      if (names.has(fullName)) {
        throw new Error(`two cases are named ${JSON.stringify(fullName)}`);
      }
      names.add(fullName);
      cases.push({ name: fullName, timeoutMs, body });
    },
    expect,
  });
  return cases;
}

/** Runs one case; a thrown error (a failed expectation included) becomes the outcome's failure. */
export async function runContractCase(
  testCase: ContractCase,
  describeFailure: (error: unknown) => string = describeError,
): Promise<ContractCaseOutcome> {
  const startedMs = performance.now();
  try {
    await testCase.body();
    return { ok: true, durationMs: performance.now() - startedMs };
  } catch (error) {
    return { ok: false, durationMs: performance.now() - startedMs, failure: describeFailure(error) };
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    return error.stack?.includes(error.message) ? error.stack : `${error.name}: ${error.message}`;
  }
  return String(error);
}
