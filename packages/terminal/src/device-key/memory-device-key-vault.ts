import { type DeviceKeyVault, generateEd25519KeyPair } from './device-key-vault';

/** Keeps the key pair in the vault object: for tests and the simulator, which share one across reopenings. */
export function memoryDeviceKeyVault(): DeviceKeyVault {
  let keyPair: CryptoKeyPair | undefined;
  return {
    load: async () => keyPair,
    create: async () => {
      keyPair = await generateEd25519KeyPair(false);
      return keyPair;
    },
  };
}
