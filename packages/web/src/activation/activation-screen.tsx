import type { Store } from '@mostrador/core';
import { requestPersistentStorage, type TerminalEngine } from '@mostrador/terminal';
import { type FormEvent, useId, useState } from 'react';
import { LanguageSwitch } from '../app/language-switch';
import { useI18n } from '../i18n/i18n-context';
import { listStoresForActivation } from './activation-client';

/**
 * First run on a device: a manager signs in, picks the store and names the till. The server URL
 * is this page's own origin unless the app is served from elsewhere.
 */
export function ActivationScreen({
  engine,
  onActivated,
}: {
  readonly engine: TerminalEngine;
  readonly onActivated: () => Promise<void>;
}) {
  const { t, refusal } = useI18n();
  const formId = useId();
  const [serverUrl, setServerUrl] = useState(window.location.origin);
  const [tenant, setTenant] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [stores, setStores] = useState<Store[] | null>(null);
  const [storeId, setStoreId] = useState('');
  const [name, setName] = useState(t('activation.defaultName'));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const findStores = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const found = await listStoresForActivation(serverUrl, {
      tenant: tenant.trim(),
      email: email.trim(),
      password,
    });
    setBusy(false);
    if (!found.ok) {
      setProblem(refusal(found.code));
      return;
    }
    if (found.value.length === 0) {
      setProblem(t('activation.noStores'));
      return;
    }
    setStores(found.value);
    setStoreId(found.value[0]!.id);
  };

  const activate = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const outcome = await engine.activate({
      serverUrl,
      tenant: tenant.trim(),
      email: email.trim(),
      password,
      storeId,
      name: name.trim(),
    });
    if (!outcome.ok) {
      setBusy(false);
      setProblem(refusal(outcome.code));
      return;
    }
    // Activation is the user gesture browsers like to see before granting persistent storage.
    await requestPersistentStorage().catch(() => false);
    setPassword('');
    await onActivated();
  };

  return (
    <main className="centered-screen activation">
      <header className="screen-header">
        <h1>{t('activation.title')}</h1>
        <LanguageSwitch />
      </header>
      <p>{t('activation.intro')}</p>
      {stores === null ? (
        <form onSubmit={findStores} className="form-grid" aria-describedby={`${formId}-problem`}>
          <label htmlFor={`${formId}-server`}>{t('activation.serverUrl')}</label>
          <input
            id={`${formId}-server`}
            type="url"
            required
            value={serverUrl}
            onChange={(event) => setServerUrl(event.target.value)}
          />
          <label htmlFor={`${formId}-tenant`}>{t('activation.tenant')}</label>
          <input
            id={`${formId}-tenant`}
            name="tenant"
            required
            autoComplete="organization"
            value={tenant}
            onChange={(event) => setTenant(event.target.value)}
          />
          <label htmlFor={`${formId}-email`}>{t('activation.email')}</label>
          <input
            id={`${formId}-email`}
            name="email"
            type="email"
            required
            autoComplete="username"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
          <label htmlFor={`${formId}-password`}>{t('activation.password')}</label>
          <input
            id={`${formId}-password`}
            name="password"
            type="password"
            required
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? t('common.working') : t('activation.findStores')}
          </button>
        </form>
      ) : (
        <form onSubmit={activate} className="form-grid">
          <label htmlFor={`${formId}-store`}>{t('activation.store')}</label>
          <select id={`${formId}-store`} value={storeId} onChange={(event) => setStoreId(event.target.value)}>
            {stores.map((store) => (
              <option key={store.id} value={store.id}>
                {store.name} ({store.code} · {store.currency})
              </option>
            ))}
          </select>
          <label htmlFor={`${formId}-name`}>{t('activation.terminalName')}</label>
          <input
            id={`${formId}-name`}
            required
            maxLength={60}
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
          <div className="button-row">
            <button type="button" className="button-quiet" onClick={() => setStores(null)} disabled={busy}>
              {t('common.back')}
            </button>
            <button type="submit" className="button-primary" disabled={busy || storeId === ''}>
              {busy ? t('activation.activating') : t('activation.activate')}
            </button>
          </div>
        </form>
      )}
      <p id={`${formId}-problem`} role="alert" className="problem">
        {problem}
      </p>
    </main>
  );
}
