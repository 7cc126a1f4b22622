'use strict';
/**
 * A thread of signature-threads.ts: checks Ed25519 signatures with libsodium and answers one
 * byte a signature (1 valid, 0 not). Plain CommonJS because a worker thread loads its entry file
 * without the TypeScript loader the server and its tests run under.
 *
 * A job: { id, publicKey: 32 bytes, hashes: 32 bytes a fact, signatures: 64 bytes a fact }.
 */
const { parentPort } = require('node:worker_threads');
const sodium = require('sodium-native');

const HASH_BYTES = 32;
const SIGNATURE_BYTES = 64;

parentPort.on('message', (job) => {
  const count = job.hashes.length / HASH_BYTES;
  const results = new Uint8Array(count);
  for (let index = 0; index < count; index += 1) {
    const hash = job.hashes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
    const signature = job.signatures.subarray(index * SIGNATURE_BYTES, (index + 1) * SIGNATURE_BYTES);
    results[index] = sodium.crypto_sign_verify_detached(signature, hash, job.publicKey) ? 1 : 0;
  }
  parentPort.postMessage({ id: job.id, results }, [results.buffer]);
});
