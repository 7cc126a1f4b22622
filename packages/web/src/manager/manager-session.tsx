import { type Store, storeSchema } from '@mostrador/core';
import {
  createContext,
  type FormEvent,
  type ReactNode,
  useCallback,
  useContext,
  useId,
  useMemo,
  useState,
} from 'react';
import { z } from 'zod';
import { callServer } from '../activation/activation-client';
import { useI18n } from '../i18n/i18n-context';
import { useTill } from '../terminal-host/terminal-context';

/** Renew a little before the server's expiry, so a request never leaves with a dying token. */
const EXPIRY_MARGIN_MS = 30_000;

type ServerSession = { readonly accessToken: string; readonly expiresAt: string; readonly userName: string };

export interface ManagerSession {
  readonly session: ServerSession | null;
  readonly stores: readonly Store[];
  /** The store the manager views show; a manager of several stores switches it. */
  readonly storeId: string;
  setStoreId(storeId: string): void;
  signIn(pin: string): Promise<string | null>;
  signOut(): void;
}

const ManagerSessionContext = createContext<ManagerSession | null>(null);

/**
 * The manager views that read the server (conflicts, sync health) need a server session: the
 * signed-in manager types their PIN and the engine exchanges it, with the till's device
 * credential, for a short-lived token (engine.serverSession → POST /api/v1/auth/pin-login). It
 * lives in memory only.
 */
export function ManagerSessionProvider({ children }: { readonly children: ReactNode }) {
  const { engine, identity, user } = useTill();
  const { language } = useI18n();
  const [session, setSession] = useState<ServerSession | null>(null);
  const [stores, setStores] = useState<readonly Store[]>([]);
  const [storeId, setStoreId] = useState(identity.storeId);

  const signIn = useCallback(
    async (pin: string) => {
      const answer = await engine.serverSession({ pin, userId: user.userId });
      if (!answer.ok) return answer.code;
      const next = {
        accessToken: answer.accessToken,
        expiresAt: answer.expiresAt,
        userName: answer.user.name,
      };
      setSession(next);
      const listed = await callServer(identity.serverUrl, '/api/v1/stores', z.array(storeSchema), {
        token: next.accessToken,
        language,
      });
      if (listed.ok) setStores(listed.value);
      return null;
    },
    [engine, identity.serverUrl, user.userId, language],
  );

  const value = useMemo<ManagerSession>(() => {
    const live =
      session !== null && Date.parse(session.expiresAt) - EXPIRY_MARGIN_MS > Date.now() ? session : null;
    return { session: live, stores, storeId, setStoreId, signIn, signOut: () => setSession(null) };
  }, [session, stores, storeId, signIn]);
  return <ManagerSessionContext.Provider value={value}>{children}</ManagerSessionContext.Provider>;
}

export function useManagerSession(): ManagerSession {
  const session = useContext(ManagerSessionContext);
  if (session === null) throw new Error('useManagerSession outside ManagerSessionProvider');
  return session;
}

/** Shows its children only with a live server session; otherwise asks the manager's PIN. */
export function ManagerGate({ children }: { readonly children: (session: ServerSession) => ReactNode }) {
  const { session, signIn, stores, storeId, setStoreId } = useManagerSession();
  const { user } = useTill();
  const { t, refusal } = useI18n();
  const id = useId();
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  if (session === null) {
    const submit = async (event: FormEvent) => {
      event.preventDefault();
      setBusy(true);
      setProblem(null);
      const code = await signIn(pin);
      setBusy(false);
      setPin('');
      if (code !== null)
        setProblem(code === 'SERVER_UNREACHABLE' ? t('manager.needsConnection') : refusal(code));
    };
    return (
      <form className="form-grid manager-gate" onSubmit={submit}>
        <p>{t('manager.serverSignIn', { name: user.name })}</p>
        <label htmlFor={`${id}-pin`}>{t('manager.pin')}</label>
        <input
          id={`${id}-pin`}
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={6}
          value={pin}
          onChange={(event) => setPin(event.target.value.replace(/\D/g, ''))}
        />
        <button type="submit" className="button-primary" disabled={busy || pin.length < 4}>
          {busy ? t('common.working') : t('manager.signIn')}
        </button>
        <p role="alert" className="problem">
          {problem}
        </p>
      </form>
    );
  }
  return (
    <>
      {stores.length > 1 ? (
        <div className="store-switcher">
          <label htmlFor={`${id}-store`}>{t('manager.store')}</label>
          <select id={`${id}-store`} value={storeId} onChange={(event) => setStoreId(event.target.value)}>
            {stores.map((store) => (
              <option key={store.id} value={store.id}>
                {store.name} ({store.code})
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {children(session)}
    </>
  );
}
