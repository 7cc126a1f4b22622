import { browserDeviceKeyVault } from '../device-key/browser-device-key-vault';
import { openTerminalEngine, type TerminalEngine } from '../engine';
import { type IndexedDbStore, openIndexedDbStore } from '../storage/indexeddb-store';
import { webLocksWriterLock } from './web-locks-writer-lock';

/**
 * One writer per terminal across real browser tabs: each tab of the test page opens the terminal
 * engine over the same IndexedDB data with the real Web Locks writer lock, and reports whether it
 * is the writer and what it answers when asked to record. The Node side
 * (storage/indexeddb-store.browser.test.ts) opens and closes the tabs.
 */
export interface TerminalTabReport {
  readonly isWriter: boolean;
  /** What engine.status() says about this tab, which the web app shows the cashier. */
  readonly statusWriter: boolean;
  /** The refusal codes of a login and a sync; neither needs a server to answer. */
  readonly loginCode: string | null;
  readonly syncCode: string | null;
}

export interface TerminalTabs {
  open(label: string): Promise<TerminalTabReport>;
  close(label: string): Promise<void>;
}

/** The engines this page holds open, by label, until `close` (or the tab going away) ends them. */
export function browserTerminalTabs(): TerminalTabs {
  const open = new Map<string, { engine: TerminalEngine; store: IndexedDbStore }>();
  return {
    async open(label) {
      if (open.has(label)) {
        throw new Error(`this tab already holds terminal ${label} open`);
      }
      const store = await openIndexedDbStore(`${label}-terminal`);
      const engine = await openTerminalEngine({
        store,
        keyVault: browserDeviceKeyVault(`${label}-device-key`),
        writerLock: webLocksWriterLock(`mostrador-terminal:${label}`),
      });
      open.set(label, { engine, store });
      const login = await engine.login({ pin: '0000' });
      const sync = await engine.sync();
      return {
        isWriter: engine.isWriter,
        statusWriter: (await engine.status()).writer,
        loginCode: 'code' in login ? login.code : null,
        syncCode: 'code' in sync ? sync.code : null,
      };
    },
    async close(label) {
      const held = open.get(label);
      if (held === undefined) {
        throw new Error(`this tab holds no terminal ${label}`);
      }
      open.delete(label);
      await held.engine.close();
      await held.store.close();
    },
  };
}
