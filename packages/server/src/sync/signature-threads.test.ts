import { execFile } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkSignatures } from './signature-threads';

const run = promisify(execFile);

/** A device key pair and `count` signed hashes, as push carries them. */
function signedHashes(count: number) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const facts = Array.from({ length: count }, (_, index) => {
    const hash = Buffer.alloc(32, index);
    return { hash: hash.toString('hex'), signature: sign(null, hash, privateKey).toString('hex') };
  });
  return { publicKey: new Uint8Array(raw), facts };
}

describe('signature threads', () => {
  it('answers each fact in order across the threads, and refuses a swapped signature', async () => {
    const { publicKey, facts } = signedHashes(201);
    const swapped = facts.map((fact, index) =>
      index === 150 ? { ...fact, signature: facts[149]!.signature } : fact,
    );
    const answers = await checkSignatures(publicKey, swapped);
    expect(answers).toHaveLength(201);
    expect(answers.map((valid, index) => (valid ? -1 : index)).filter((index) => index >= 0)).toEqual([150]);
  });

  it('fails every fact for a key that is not 32 bytes, and answers nothing for no facts', async () => {
    const { publicKey, facts } = signedHashes(3);
    expect(await checkSignatures(publicKey.subarray(1), facts)).toEqual([false, false, false]);
    expect(await checkSignatures(publicKey, [])).toEqual([]);
  });

  it('does not keep a process alive once its checks are answered', async () => {
    const module = fileURLToPath(new URL('./signature-threads.ts', import.meta.url));
    const script = `
      const { checkSignatures } = await import(${JSON.stringify(module)});
      const answers = await checkSignatures(new Uint8Array(32), [{ hash: '00'.repeat(32), signature: '00'.repeat(64) }]);
      console.log(JSON.stringify(answers));
    `;
    const directory = await mkdtemp(join(tmpdir(), 'signature-threads-'));
    const entry = join(directory, 'check.mjs');
    await writeFile(entry, script);
    try {
      // Killed after 30 s: a thread left holding the process open fails the test instead of hanging.
      const { stdout } = await run(process.execPath, ['--import', 'tsx', entry], {
        timeout: 30_000,
        cwd: fileURLToPath(new URL('.', import.meta.url)),
      });
      expect(stdout.trim()).toBe('[false]');
    } finally {
      await rm(directory, { recursive: true });
    }
  }, 40_000);
});
