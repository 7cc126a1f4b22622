import { createHash } from 'node:crypto';

/**
 * What happened in a run, in order: decisions and outcomes with logical names (terminal labels,
 * sequences, SKUs, outcome codes), never server-generated ids or wall-clock times, so that one
 * seed run twice writes the same trace. The whole trace is folded into a digest; only the last
 * entries are kept in memory for the failure report.
 */
export interface TraceEntry {
  readonly step: number;
  readonly atMs: number;
  readonly actor: string;
  readonly event: string;
  readonly detail: string;
}

export const TRACE_TAIL_ENTRIES_DEFAULT = 60;

export class RunTrace {
  private readonly tail: TraceEntry[] = [];
  private readonly digest = createHash('sha256');
  private count = 0;
  private step = 0;

  constructor(
    private readonly clock: { epochMs(): number },
    private readonly tailEntriesMax = TRACE_TAIL_ENTRIES_DEFAULT,
  ) {}

  setStep(step: number): void {
    this.step = step;
  }

  record(actor: string, event: string, detail = ''): void {
    const entry: TraceEntry = { step: this.step, atMs: this.clock.epochMs(), actor, event, detail };
    this.count += 1;
    this.digest.update(`${entry.step}|${entry.atMs}|${actor}|${event}|${detail}\n`);
    this.tail.push(entry);
    if (this.tail.length > this.tailEntriesMax) this.tail.shift();
  }

  entryCount(): number {
    return this.count;
  }

  lastEntries(): readonly TraceEntry[] {
    return [...this.tail];
  }

  /** The digest of every entry so far (the trace itself is not kept). */
  fingerprint(): string {
    return this.digest.copy().digest('hex');
  }
}

export function formatTraceEntry(entry: TraceEntry, epochMs: number): string {
  const seconds = ((entry.atMs - epochMs) / 1000).toFixed(1).padStart(8);
  return `#${String(entry.step).padStart(4)} +${seconds}s ${entry.actor.padEnd(8)} ${entry.event}${entry.detail === '' ? '' : ` ${entry.detail}`}`;
}
