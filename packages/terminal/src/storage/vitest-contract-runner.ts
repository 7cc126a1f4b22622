import { describe, expect, it } from 'vitest';
import type { ContractRunner } from './contract-runner';

/** The shared suites under Vitest in Node: every case becomes a Vitest test. */
export const vitestContractRunner: ContractRunner = { describe, it, expect };
