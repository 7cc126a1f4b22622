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

/** A reading with each PostgreSQL process's own total, so processes that come and go count right. */
export interface CpuSnapshot {
  readonly nodeMs: number;
  readonly postgresMsByPid: ReadonlyMap<number, number> | null;
}

/** Linux's USER_HZ, the unit of utime and stime in /proc/PID/stat, on every mainstream kernel. */
const CLOCK_TICKS_PER_SECOND = 100;
/** Fields 14 and 15 of /proc/PID/stat, counted after the command name's closing parenthesis. */
const UTIME_AFTER_NAME = 11;

/** `postgres`: whether the database is a PostgreSQL server on this machine (not PGlite, not remote). */
export function readCpu(options: { readonly postgres: boolean }): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    nodeMs: (usage.user + usage.system) / 1000,
    postgresMsByPid: options.postgres ? postgresCpuMsByPid() : null,
  };
}

/** Whether a database URL names a PostgreSQL server on this machine, whose processes /proc shows. */
export function isLocalDatabaseUrl(databaseUrl: string | undefined): boolean {
  if (databaseUrl === undefined) return false;
  try {
    const host = new URL(databaseUrl).hostname;
    return host === '' || host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
  } catch {
    return false;
  }
}

/**
 * Milliseconds of CPU between two snapshots, per side. A connection the pool opened in between
 * counts from zero; one it closed in between is left out (its last seconds are lost, but a pool
 * closes only connections that sat idle), rather than subtracting its whole life from the total.
 */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuReading {
  const earlier = before.postgresMsByPid;
  const later = after.postgresMsByPid;
  let postgresMs: number | null = null;
  if (earlier !== null && later !== null) {
    postgresMs = 0;
    for (const [pid, total] of later) postgresMs += total - (earlier.get(pid) ?? 0);
  }
  return { nodeMs: after.nodeMs - before.nodeMs, postgresMs };
}

function postgresCpuMsByPid(): Map<number, number> | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const byPid = new Map<number, number>();
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
    const ticks = Number(fields[UTIME_AFTER_NAME]) + Number(fields[UTIME_AFTER_NAME + 1]);
    byPid.set(Number(entry), (ticks * 1000) / CLOCK_TICKS_PER_SECOND);
  }
  return byPid.size === 0 ? null : byPid;
}
