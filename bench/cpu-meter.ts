import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time spent so far by this process and by the local PostgreSQL server's processes, so a
 * benchmark can say where each fact's work went: the Node server (verification, projections,
 * HTTP) or the database. PostgreSQL's share is read from /proc, so it is only known on Linux with
 * the server on this machine; elsewhere it is null. Kernel clock ticks are 10 ms, so compare spans
 * of seconds, not single batches.
 */
export type CpuReading = {
  readonly nodeMs: number;
  readonly postgresMs: number | null;
};

/** Linux's USER_HZ, the unit of utime and stime in /proc/PID/stat, on every mainstream kernel. */
const CLOCK_TICKS_PER_SECOND = 100;
/** Fields 14 and 15 of /proc/PID/stat, counted after the command name's closing parenthesis. */
const UTIME_AFTER_NAME = 11;

export function readCpu(): CpuReading {
  const usage = process.cpuUsage();
  return { nodeMs: (usage.user + usage.system) / 1000, postgresMs: postgresCpuMs() };
}

/** Milliseconds of CPU between two readings, per side. */
export function cpuBetween(before: CpuReading, after: CpuReading): CpuReading {
  return {
    nodeMs: after.nodeMs - before.nodeMs,
    postgresMs:
      before.postgresMs === null || after.postgresMs === null ? null : after.postgresMs - before.postgresMs,
  };
}

function postgresCpuMs(): number | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  let ticks = 0;
  let found = false;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // the process ended between the listing and the read
    }
    const nameEnd = stat.lastIndexOf(')');
    if (!stat.slice(stat.indexOf('(') + 1, nameEnd).startsWith('postgres')) continue;
    const fields = stat.slice(nameEnd + 2).split(' ');
    ticks += Number(fields[UTIME_AFTER_NAME]) + Number(fields[UTIME_AFTER_NAME + 1]);
    found = true;
  }
  return found ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : null;
}
