import { randomBytes } from 'node:crypto';
import { argon2id, argon2Verify } from 'hash-wasm';

/**
 * Passwords and PINs are stored as argon2id hashes in the PHC string format, which carries its
 * own parameters, so they can be raised later without invalidating stored hashes. Passwords get
 * OWASP's recommended memory cost. PINs are hashed more cheaply because terminals verify them
 * offline on modest hardware; a 4-6 digit PIN is protected by the lockout, not by the hash
 * (see docs/threat-model.md).
 */
export interface HashCost {
  readonly memoryKibibytes: number;
  readonly iterations: number;
}

export const PASSWORD_HASH_COST: HashCost = { memoryKibibytes: 19_456, iterations: 2 };
export const PIN_HASH_COST: HashCost = { memoryKibibytes: 8_192, iterations: 3 };

export async function hashSecret(secret: string, cost: HashCost): Promise<string> {
  return argon2id({
    password: secret,
    salt: randomBytes(16),
    parallelism: 1,
    iterations: cost.iterations,
    memorySize: cost.memoryKibibytes,
    hashLength: 32,
    outputType: 'encoded',
  });
}

export async function verifySecret(secret: string, encodedHash: string): Promise<boolean> {
  try {
    return await argon2Verify({ password: secret, hash: encodedHash });
  } catch {
    return false;
  }
}
