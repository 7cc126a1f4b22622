import { Tally } from '../faults/fault-counters';

export interface InvariantFailure {
  /** The invariant of ARCHITECTURE §5 (or the simulator's own) that broke. */
  readonly invariant: string;
  readonly detail: string;
}

const FAILURES_PER_INVARIANT_MAX = 5;

/** Collects checks and failures; each check names its invariant so the summary can count them. */
export class InvariantReport {
  readonly checks = new Tally();
  private readonly failureList: InvariantFailure[] = [];
  private readonly failuresByInvariant = new Tally();

  check(invariant: string, holds: boolean, detail: () => string): void {
    this.checks.add(invariant);
    if (holds) return;
    this.failuresByInvariant.add(invariant);
    if (this.failuresByInvariant.get(invariant) <= FAILURES_PER_INVARIANT_MAX) {
      this.failureList.push({ invariant, detail: detail() });
    }
  }

  fail(invariant: string, detail: string): void {
    this.check(invariant, false, () => detail);
  }

  get failures(): readonly InvariantFailure[] {
    return this.failureList;
  }

  failureCount(): number {
    return this.failuresByInvariant.total();
  }
}

/** Quantities travel as decimal strings with up to three decimals; compare them in thousandths. */
export function milli(quantity: string | number): number {
  return Math.round(Number(quantity) * 1000);
}
