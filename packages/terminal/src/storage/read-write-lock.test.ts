import { describe, expect, it } from 'vitest';
import { ReadWriteLock } from './read-write-lock';
import { isTerminalStoreError } from './terminal-store-error';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('read-write lock', () => {
  it('lets readers share, keeps a writer alone, and grants turns in arrival order', async () => {
    const lock = new ReadWriteLock();
    const events: string[] = [];
    const releaseFirstRead = await lock.acquire('read');
    const secondRead = lock.acquire('read').then((release) => {
      events.push('read 2');
      return release;
    });
    const write = lock.acquire('write').then((release) => {
      events.push('write');
      return release;
    });
    // A read that arrives after a waiting write waits behind it, so reads cannot starve writes.
    const lateRead = lock.acquire('read').then((release) => {
      events.push('late read');
      return release;
    });
    await tick();
    expect(events).toEqual(['read 2']);
    releaseFirstRead();
    await tick();
    expect(events).toEqual(['read 2']);
    (await secondRead)();
    await tick();
    expect(events).toEqual(['read 2', 'write']);
    const releaseWrite = await write;
    releaseWrite();
    releaseWrite();
    await tick();
    expect(events).toEqual(['read 2', 'write', 'late read']);
    (await lateRead)();
  });

  it('refuses more waiters than its bound with STORE_BUSY', async () => {
    const lock = new ReadWriteLock(3);
    const release = await lock.acquire('write');
    const waiting = [lock.acquire('write'), lock.acquire('read'), lock.acquire('write')];
    const refused = await lock.acquire('read').then(
      () => null,
      (error: unknown) => error,
    );
    expect(isTerminalStoreError(refused, 'STORE_BUSY')).toBe(true);
    release();
    for (const next of waiting) {
      (await next)();
    }
  });

  it('gives the turn back when the work throws', async () => {
    const lock = new ReadWriteLock();
    await expect(
      lock.run('write', async () => {
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect(await lock.run('write', async () => 'next')).toBe('next');
  });
});
