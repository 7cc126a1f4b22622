/** How many times each kind of fault, conflict or check happened in a run (or in many). */
export class Tally {
  private readonly counts = new Map<string, number>();

  add(kind: string, amount = 1): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + amount);
  }

  get(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }

  merge(other: Tally): void {
    for (const [kind, count] of other.entries()) this.add(kind, count);
  }

  entries(): [string, number][] {
    return [...this.counts.entries()].sort(([left], [right]) => left.localeCompare(right));
  }

  total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.entries());
  }
}
