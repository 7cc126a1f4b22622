import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ED25519_PUBLIC_KEY_BYTES } from '@mostrador/core';

/**
 * Ed25519 signature checks for pushed facts, on worker threads running libsodium
 * (signature-worker.cjs): 40 µs a signature on this project's 2-core machine against OpenSSL's 67
 * through node:crypto, and off the thread that serves requests. A batch is split across the
 * threads, so one terminal's push is checked in parallel too.
 *
 * libsodium's crypto_sign_verify_detached is strict RFC 8032: S below the group order, R compared
 * by its canonical encoding. It also refuses a public key or an R of small order, and a key that is
 * not canonically encoded, which no honest signer produces (push-verification.test.ts holds it to
 * core's verifier on the test vectors and their corruptions).
 */

/** One signed fact's hash and signature, as hex (the envelope's schema has checked the form). */
export interface SignedHash {
  readonly hash: string;
  readonly signature: string;
}

const HASH_BYTES = 32;
const SIGNATURE_BYTES = 64;
/** Enough for the checks to keep up with a 2-core server's pushes; more threads only compete. */
const THREADS_MAX = 4;

interface Job {
  readonly resolve: (results: Uint8Array) => void;
  readonly reject: (error: Error) => void;
}

class SignatureThread {
  private readonly worker: Worker;
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;
  /** Set once the thread has failed: its jobs were refused, and it takes no more. */
  failure: Error | null = null;

  constructor() {
    this.worker = new Worker(new URL('./signature-worker.cjs', import.meta.url));
    this.worker.on('message', (answer: { id: number; results: Uint8Array }) => {
      const job = this.jobs.get(answer.id);
      this.jobs.delete(answer.id);
      if (this.jobs.size === 0) this.worker.unref();
      job?.resolve(answer.results);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the signature thread exited (${code})`)));
    // An idle thread must not keep a process that is shutting down alive; one with checks under way
    // must (check refs it). After the listeners: adding a 'message' listener refs the port again.
    this.worker.unref();
  }

  get pending(): number {
    return this.jobs.size;
  }

  check(
    publicKey: Uint8Array,
    hashes: Uint8Array<ArrayBuffer>,
    signatures: Uint8Array<ArrayBuffer>,
  ): Promise<Uint8Array> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId;
    this.nextId += 1;
    return new Promise((resolve, reject) => {
      if (this.jobs.size === 0) this.worker.ref();
      this.jobs.set(id, { resolve, reject });
      this.worker.postMessage({ id, publicKey, hashes, signatures }, [hashes.buffer, signatures.buffer]);
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const job of this.jobs.values()) job.reject(this.failure);
    this.jobs.clear();
  }
}

let threads: SignatureThread[] = [];

/** The live threads, started on first use and replaced if one has failed. */
function liveThreads(): SignatureThread[] {
  threads = threads.filter((thread) => thread.failure === null);
  const wanted = Math.max(1, Math.min(availableParallelism(), THREADS_MAX));
  while (threads.length < wanted) threads.push(new SignatureThread());
  return threads;
}

/**
 * Whether each signature is the device key's over its fact's hash, in the facts' order. A key that
 * is not 32 bytes fails every fact.
 */
export async function checkSignatures(
  publicKey: Uint8Array,
  facts: readonly SignedHash[],
): Promise<boolean[]> {
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES) return facts.map(() => false);
  if (facts.length === 0) return [];
  // A key of its own memory: a small Buffer is a view over Node's shared 8 KB pool, and posting a
  // view clones the whole buffer under it to every thread.
  const key = Uint8Array.from(publicKey);
  const pool = liveThreads().toSorted((left, right) => left.pending - right.pending);
  const share = Math.ceil(facts.length / pool.length);
  const parts: Promise<Uint8Array>[] = [];
  for (let start = 0, index = 0; start < facts.length; start += share, index += 1) {
    const part = facts.slice(start, start + share);
    // Buffer.alloc owns its memory (never the shared pool), so it can be handed to the thread.
    const hashes = Buffer.alloc(part.length * HASH_BYTES);
    const signatures = Buffer.alloc(part.length * SIGNATURE_BYTES);
    part.forEach((fact, offset) => {
      hashes.write(fact.hash, offset * HASH_BYTES, HASH_BYTES, 'hex');
      signatures.write(fact.signature, offset * SIGNATURE_BYTES, SIGNATURE_BYTES, 'hex');
    });
    parts.push(pool[index]!.check(key, hashes, signatures));
  }
  const answers = await Promise.all(parts);
  return answers.flatMap((answer) => Array.from(answer, (valid) => valid === 1));
}
