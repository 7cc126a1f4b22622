import { join } from 'node:path';
import { nodeDeviceKeyVault } from './device-key/node-device-key-vault';
import { openTerminalEngine, type TerminalEngine, type TerminalEngineOptions } from './engine';
import { type Refusal, refuse } from './engine-outcome';
import { type FileStore, openFileStore } from './storage/file-store';
import { isTerminalStoreError } from './storage/terminal-store-error';

export interface NodeTerminalOptions
  extends Omit<TerminalEngineOptions, 'store' | 'keyVault' | 'writerLock'> {
  /** The terminal's home directory: `store/` holds the durable store, `keys/` the device key. */
  readonly home: string;
}

export interface NodeTerminal {
  readonly engine: TerminalEngine;
  readonly store: FileStore;
  /** Stops the engine and releases the store's directory lock. */
  close(): Promise<void>;
}

/**
 * A terminal on Node (the CLI, the simulator): the file store, whose directory lock is the
 * single-writer guarantee (a second process, or a second open in this one, cannot open it), and
 * the device key in a 0600 file beside it.
 */
export async function openNodeTerminal(
  options: NodeTerminalOptions,
): Promise<({ readonly ok: true } & NodeTerminal) | Refusal<'TERMINAL_OPEN_ELSEWHERE', { detail: string }>> {
  let store: FileStore;
  try {
    store = await openFileStore(join(options.home, 'store'));
  } catch (error) {
    if (isTerminalStoreError(error, 'STORE_LOCKED'))
      return refuse('TERMINAL_OPEN_ELSEWHERE', { detail: error.message });
    throw error;
  }
  const { home, ...engineOptions } = options;
  const engine = await openTerminalEngine({
    ...engineOptions,
    store,
    keyVault: nodeDeviceKeyVault(join(home, 'keys')),
  });
  return {
    ok: true,
    engine,
    store,
    close: async () => {
      await engine.close();
      await store.close();
    },
  };
}
