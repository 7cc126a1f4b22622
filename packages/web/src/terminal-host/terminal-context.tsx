import type {
  EngineStatus,
  SessionUser,
  TerminalEngine,
  TerminalIdentity,
  TerminalStore,
} from '@mostrador/terminal';
import { createContext, useContext } from 'react';
import type { CatalogIndex } from '../catalog/catalog-index';
import type { StoreFormat } from '../format/store-format';
import type { StoreSettings, TenantSettings } from './local-state';

/** Everything a screen of an activated, loaded till needs; built by the app shell. */
export interface TillContext {
  readonly engine: TerminalEngine;
  readonly store: TerminalStore;
  readonly identity: TerminalIdentity;
  readonly storeSettings: StoreSettings;
  readonly tenant: TenantSettings;
  readonly format: StoreFormat;
  readonly user: SessionUser;
  readonly status: EngineStatus | null;
  /** Null while the search index is still being built from the local catalog. */
  readonly catalog: CatalogIndex | null;
  readonly userNames: ReadonlyMap<string, string>;
  /** Re-reads the engine's status now (after a sale, a sync). */
  refreshStatus(): void;
  logout(): Promise<void>;
}

export const TillContextValue = createContext<TillContext | null>(null);

export function useTill(): TillContext {
  const till = useContext(TillContextValue);
  if (till === null) throw new Error('useTill outside an activated till');
  return till;
}
