import { chmod, mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type DeviceKeyVault, generateEd25519KeyPair } from './device-key-vault';

const ED25519 = { name: 'Ed25519' } as const;
const PRIVATE_KEY_FILE = 'device-key.pkcs8';
const PUBLIC_KEY_FILE = 'device-key.pub';

/**
 * The Node terminal (CLI, simulator) keeps its key as PKCS#8 in a file only its user can read.
 * Node's WebCrypto cannot persist a non-extractable key (there is no IndexedDB to hand the
 * CryptoKey to), so the key is generated extractable, written once, and re-imported
 * non-extractable for signing; the file's 0600 mode is what protects it at rest.
 */
export function nodeDeviceKeyVault(directory: string): DeviceKeyVault {
  const privatePath = join(directory, PRIVATE_KEY_FILE);
  const publicPath = join(directory, PUBLIC_KEY_FILE);
  return {
    async load() {
      const [privateBytes, publicBytes] = await Promise.all([
        readOptional(privatePath),
        readOptional(publicPath),
      ]);
      if (privateBytes === undefined || publicBytes === undefined) return undefined;
      return importPair(privateBytes, publicBytes);
    },
    async create() {
      const generated = await generateEd25519KeyPair(true);
      const privateBytes = new Uint8Array(await crypto.subtle.exportKey('pkcs8', generated.privateKey));
      const publicBytes = new Uint8Array(await crypto.subtle.exportKey('raw', generated.publicKey));
      await mkdir(directory, { recursive: true, mode: 0o700 });
      // The public half first: a crash between the two leaves no private key without its public one.
      await writeDurably(publicPath, publicBytes);
      await writeDurably(privatePath, privateBytes);
      return importPair(privateBytes, publicBytes);
    },
  };
}

async function importPair(privateBytes: Uint8Array, publicBytes: Uint8Array): Promise<CryptoKeyPair> {
  const privateKey = await crypto.subtle.importKey(
    'pkcs8',
    privateBytes as Uint8Array<ArrayBuffer>,
    ED25519,
    false,
    ['sign'],
  );
  const publicKey = await crypto.subtle.importKey(
    'raw',
    publicBytes as Uint8Array<ArrayBuffer>,
    ED25519,
    true,
    ['verify'],
  );
  return { privateKey, publicKey };
}

async function readOptional(path: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes a temporary file with mode 0600, fsyncs it, renames it over the target and fsyncs the folder. */
async function writeDurably(path: string, bytes: Uint8Array): Promise<void> {
  const temporaryPath = `${path}.tmp`;
  const file = await open(temporaryPath, 'w', 0o600);
  try {
    await file.writeFile(bytes);
    await file.sync();
  } finally {
    await file.close();
  }
  await chmod(temporaryPath, 0o600);
  await rename(temporaryPath, path);
  const folder = await open(dirname(path), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
