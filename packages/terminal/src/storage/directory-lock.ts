import { randomBytes } from 'node:crypto';
import { link, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { TerminalStoreError } from './terminal-store-error';

export const LOCK_FILE_NAME = 'LOCK';
/** Rounds of "find a stale lock, move it aside, try again" before giving up. */
const ACQUIRE_ATTEMPTS_MAX = 5;

export interface DirectoryLock {
  release(): Promise<void>;
}

/**
 * Makes sure one process at a time writes a store directory. The lock is a file holding the
 * owner's process id and the time that process started ("4242 1732400000000"), created atomically
 * with its content: written under a unique temporary name and hard-linked to LOCK, which fails if
 * LOCK exists (the same exclusion as O_EXCL, without a moment where LOCK exists but is empty). A
 * lock whose process is gone is stale and is taken over, so a terminal killed mid-sale reopens
 * without help. The start time tells this process's own lock from one left by an earlier process
 * that had the same id, as happens when a container restarts its main process.
 *
 * Limits: another live process that happens to have the id of a dead owner keeps the lock held
 * until it ends (the error names the id); process ids mean something on this machine only, so the
 * directory must not be shared over a network filesystem.
 */
export async function acquireDirectoryLock(directory: string): Promise<DirectoryLock> {
  const lockPath = join(directory, LOCK_FILE_NAME);
  const candidatePath = `${lockPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const content = `${process.pid} ${processStartedAtMs()}\n`;
  await writeNewFile(candidatePath, content);
  try {
    for (let attempt = 0; attempt < ACQUIRE_ATTEMPTS_MAX; attempt += 1) {
      if (await linkExclusive(candidatePath, lockPath)) {
        await removeLeftoversOfDeadProcesses(directory);
        return { release: () => releaseLock(lockPath, content) };
      }
      const holder = await readLockHolder(lockPath);
      if (holder === 'missing') {
        continue;
      }
      if (holder.pid !== null && isHeld(holder.pid, holder.processStartedAtMs)) {
        const who = holder.pid === process.pid ? 'this process' : `process ${holder.pid}`;
        throw new TerminalStoreError('STORE_LOCKED', `${directory} is open for writing by ${who}`);
      }
      await moveStaleLockAside(lockPath, holder.content);
    }
    throw new TerminalStoreError(
      'STORE_LOCKED',
      `${directory}: gave up taking over its stale lock after ${ACQUIRE_ATTEMPTS_MAX} attempts`,
    );
  } finally {
    await unlink(candidatePath).catch(() => undefined);
  }
}

function processStartedAtMs(): number {
  return Math.round(performance.timeOrigin);
}

function isHeld(pid: number, startedAtMs: number | null): boolean {
  if (pid === process.pid) {
    // A lock without a start time was not written by this code; assume it is held.
    return startedAtMs === null || startedAtMs === processStartedAtMs();
  }
  return isProcessAlive(pid);
}

/** Whether a process with this id exists; EPERM means it exists but belongs to another user. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function linkExclusive(existingPath: string, newPath: string): Promise<boolean> {
  try {
    await link(existingPath, newPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw error;
  }
}

interface LockHolder {
  readonly content: string;
  /** Null when the file does not start with a process id (empty, or written by something else). */
  readonly pid: number | null;
  readonly processStartedAtMs: number | null;
}

async function readLockHolder(path: string): Promise<LockHolder | 'missing'> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return 'missing';
    }
    throw error;
  }
  const [pidText, startedText] = content.trim().split(' ');
  const pid = Number(pidText);
  const startedAtMs = Number(startedText);
  return {
    content,
    pid: Number.isSafeInteger(pid) && pid > 0 ? pid : null,
    processStartedAtMs: startedText !== undefined && Number.isSafeInteger(startedAtMs) ? startedAtMs : null,
  };
}

/**
 * Renames the stale lock out of the way, which only one contender can do to a given file. If what
 * was moved is not the stale lock seen a moment ago, another process took it over in between: the
 * lock is linked back (unless yet another one appeared) and the next attempt finds it alive.
 */
async function moveStaleLockAside(lockPath: string, staleContent: string): Promise<void> {
  const asidePath = `${lockPath}.stale.${process.pid}.${randomBytes(6).toString('hex')}`;
  try {
    await rename(lockPath, asidePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return;
    }
    throw error;
  }
  const moved = await readLockHolder(asidePath);
  if (moved === 'missing') {
    return;
  }
  if (moved.content !== staleContent) {
    await linkExclusive(asidePath, lockPath);
  }
  await unlink(asidePath);
}

async function releaseLock(lockPath: string, content: string): Promise<void> {
  // Only remove the lock if it is still ours; removing another process's lock would let a third in.
  const holder = await readLockHolder(lockPath);
  if (holder !== 'missing' && holder.content === content) {
    await unlink(lockPath);
  }
}

/**
 * Candidate and moved-aside lock files are named after the process that made them; one left by a
 * process that died between two steps is removed by the next owner.
 */
async function removeLeftoversOfDeadProcesses(directory: string): Promise<void> {
  for (const name of await readdir(directory)) {
    const match = /^LOCK\.(?:stale\.)?(\d+)\.[0-9a-f]+(?:\.tmp)?$/.exec(name);
    if (match !== null && !isProcessAlive(Number(match[1]))) {
      await unlink(join(directory, name)).catch(() => undefined);
    }
  }
}

/**
 * The lock does not need an fsync: after a power cut its owner is gone anyway, and an empty or
 * missing lock file reads as stale.
 */
async function writeNewFile(path: string, content: string): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
}
