import type { EngineStatus, SessionUser, TerminalIdentity } from '@mostrador/terminal';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ActivationScreen } from '../activation/activation-screen';
import type { CatalogIndex } from '../catalog/catalog-index';
import { loadCatalogIndex } from '../catalog/catalog-loader';
import { storeFormat } from '../format/store-format';
import { useI18n } from '../i18n/i18n-context';
import { PinLoginScreen } from '../login/pin-login-screen';
import { catalogVersion } from '../terminal-host/catalog-version';
import {
  readStoreSettings,
  readTenantSettings,
  readUserNames,
  type StoreSettings,
  type TenantSettings,
} from '../terminal-host/local-state';
import { type BrowserTerminal, openBrowserTerminal } from '../terminal-host/open-browser-terminal';
import { type TillContext, TillContextValue } from '../terminal-host/terminal-context';
import { LanguageSwitch } from './language-switch';
import { StorageWarning } from './storage-warning';
import { TillScreens } from './till-screens';

const STATUS_POLL_MS = 1_500;
/** Stock levels move the feed cursor on every synced sale; the search index needs no such hurry. */
const CATALOG_REBUILD_INTERVAL_MS = 60_000;

type Loaded = {
  readonly identity: TerminalIdentity | undefined;
  readonly storeSettings: StoreSettings | undefined;
  readonly tenant: TenantSettings | undefined;
  readonly user: SessionUser | undefined;
  readonly userNames: ReadonlyMap<string, string>;
};

/** The app shell: opens the terminal, then activation → loading → PIN → the till. */
export function App() {
  const { t, refusal } = useI18n();
  const [terminal, setTerminal] = useState<BrowserTerminal | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [status, setStatus] = useState<EngineStatus | null>(null);
  const [catalog, setCatalog] = useState<CatalogIndex | null>(null);
  const catalogVersionRef = useRef<string | null>(null);
  const catalogBuiltAtRef = useRef(Number.NEGATIVE_INFINITY);
  const catalogBuildingRef = useRef(false);

  useEffect(() => {
    openBrowserTerminal().then(setTerminal, (error: unknown) => setOpenError(String(error)));
  }, []);

  const reload = useCallback(async () => {
    if (terminal === null) return;
    const { engine, store } = terminal;
    const identity = await engine.identity();
    const storeSettings =
      identity === undefined ? undefined : await readStoreSettings(store, identity.storeId);
    const tenant = await readTenantSettings(store);
    const user = await engine.currentUser();
    const userNames = await readUserNames(store);
    setLoaded({ identity, storeSettings, tenant, user, userNames });
  }, [terminal]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const refreshStatus = useCallback(() => {
    if (terminal === null) return;
    void terminal.engine.status().then(setStatus);
  }, [terminal]);

  // The indicator's figures, the first load of the store's data, and a fresh search index
  // whenever a pull changed the catalog.
  useEffect(() => {
    if (terminal === null) return undefined;
    let stopped = false;
    const tick = async () => {
      const next = await terminal.engine.status();
      if (stopped) return;
      setStatus(next);
      if (next.stateLoaded && loaded?.storeSettings === undefined) await reload();
      const version = await catalogVersion(terminal.store);
      const due = performance.now() - catalogBuiltAtRef.current >= CATALOG_REBUILD_INTERVAL_MS;
      if (next.stateLoaded && version !== catalogVersionRef.current && due && !catalogBuildingRef.current) {
        // The build outlives this effect (a sign-in re-runs it): it is guarded by refs, not by `stopped`.
        catalogBuildingRef.current = true;
        catalogBuiltAtRef.current = performance.now();
        void loadCatalogIndex(terminal.store)
          .then((index) => {
            catalogVersionRef.current = version;
            setCatalog(index);
          })
          .catch((error: unknown) =>
            console.warn('the search index could not be built; retrying later', error),
          )
          .finally(() => {
            catalogBuildingRef.current = false;
          });
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), STATUS_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [terminal, loaded?.storeSettings, reload]);

  // A returning connection is worth a sync at once instead of at the end of the backoff.
  useEffect(() => {
    if (terminal === null || !terminal.engine.isWriter) return undefined;
    const onOnline = () => void terminal.engine.sync().then(refreshStatus);
    window.addEventListener('online', onOnline);
    return () => window.removeEventListener('online', onOnline);
  }, [terminal, refreshStatus]);

  const logout = useCallback(async () => {
    await terminal?.engine.logout();
    await reload();
  }, [terminal, reload]);

  const till = useMemo<TillContext | null>(() => {
    if (terminal === null || loaded === null) return null;
    const { identity, storeSettings, tenant, user } = loaded;
    if (identity === undefined || storeSettings === undefined || tenant === undefined || user === undefined) {
      return null;
    }
    return {
      engine: terminal.engine,
      store: terminal.store,
      identity,
      storeSettings,
      tenant,
      user,
      status,
      catalog,
      userNames: loaded.userNames,
      format: storeFormat(storeSettings.locale, storeSettings.currency, storeSettings.timezone),
      refreshStatus,
      logout,
    };
  }, [terminal, loaded, status, catalog, refreshStatus, logout]);

  if (openError !== null) {
    return (
      <main className="centered-screen">
        <h1>{t('app.openFailed')}</h1>
        <p role="alert">{openError}</p>
      </main>
    );
  }
  if (terminal === null || loaded === null) {
    return (
      <main className="centered-screen" aria-busy="true">
        <p>{t('app.opening')}</p>
      </main>
    );
  }
  const readOnlyBanner = terminal.engine.isWriter ? null : (
    <p className="banner banner-error" role="alert" data-testid="open-elsewhere">
      {refusal('TERMINAL_OPEN_ELSEWHERE')} {t('app.openElsewhereHint')}
    </p>
  );
  if (loaded.identity === undefined) {
    return (
      <>
        {readOnlyBanner}
        <ActivationScreen engine={terminal.engine} onActivated={reload} />
      </>
    );
  }
  if (loaded.storeSettings === undefined || loaded.tenant === undefined) {
    return (
      <main className="centered-screen" aria-busy="true">
        {readOnlyBanner}
        <h1>{t('app.loadingData')}</h1>
        <p>{t('app.loadingDataHint')}</p>
        {status?.lastProblem ? <p className="muted">{refusal(status.lastProblem.code)}</p> : null}
        <LanguageSwitch />
      </main>
    );
  }
  if (loaded.user === undefined || till === null) {
    return (
      <>
        {readOnlyBanner}
        <StorageWarning engine={terminal.engine} />
        <PinLoginScreen
          engine={terminal.engine}
          storeName={loaded.storeSettings.name}
          terminalName={loaded.identity.name}
          onLoggedIn={reload}
        />
      </>
    );
  }
  return (
    <TillContextValue.Provider value={till}>
      {readOnlyBanner}
      <StorageWarning engine={terminal.engine} />
      <TillScreens />
    </TillContextValue.Provider>
  );
}
