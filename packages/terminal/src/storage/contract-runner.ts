/**
 * What a shared test suite (the terminal store contract, the IndexedDB browser suite) needs from a
 * test framework. Vitest provides it in Node (vitest-contract-runner.ts); inside a real browser
 * page, where Vitest does not run, contract-case-collector.ts provides it over the same expect
 * matchers. Keeping the suites behind this narrow shape is what lets one suite run against every
 * adapter, the IndexedDB one included, without the suite importing a framework.
 */
export interface ContractRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeoutMs?: number): void;
  readonly expect: ContractExpect;
}

export type ContractExpect = (actual: unknown, message?: string) => ContractAssertion;

/** The matchers the shared suites use; Vitest's `expect` and @vitest/expect's both provide them. */
export interface ContractAssertion {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toMatchObject(expected: object): void;
  toBeUndefined(): void;
  toContain(item: unknown): void;
  toHaveLength(length: number): void;
  toBeGreaterThan(expected: number): void;
  readonly rejects: {
    toBe(expected: unknown): Promise<void>;
    toThrow(expected?: string): Promise<void>;
  };
}
