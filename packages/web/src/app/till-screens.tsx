import { roleHasPermission } from '@mostrador/core';
import { useState } from 'react';
import { ShiftScreen } from '../cash/shift-screen';
import { ConflictsScreen } from '../conflicts/conflicts-screen';
import { useI18n } from '../i18n/i18n-context';
import { ManagerSessionProvider } from '../manager/manager-session';
import { CashierScreen } from '../sale/cashier-screen';
import { SalesHistoryScreen } from '../sale/sales-history-screen';
import { ConnectionIndicator } from '../sync/connection-indicator';
import { SyncHealthScreen } from '../sync/sync-health-screen';
import { useTill } from '../terminal-host/terminal-context';
import { LanguageSwitch } from './language-switch';

type View = 'sale' | 'sales' | 'shift' | 'conflicts' | 'health';

/** The till once a cashier is signed in: a header, the navigation and the current view. */
export function TillScreens() {
  const { storeSettings, identity, user, logout, status } = useTill();
  const { t, refusal } = useI18n();
  const [view, setView] = useState<View>('sale');
  const managerViews = roleHasPermission(user.role, 'conflicts.resolve');
  const tabs: { view: View; label: string }[] = [
    { view: 'sale', label: t('nav.sale') },
    { view: 'sales', label: t('nav.sales') },
    { view: 'shift', label: t('nav.shift') },
    ...(managerViews
      ? [
          { view: 'conflicts' as const, label: t('nav.conflicts') },
          { view: 'health' as const, label: t('nav.health') },
        ]
      : []),
  ];
  return (
    <ManagerSessionProvider>
      <div className="till">
        <header className="till-header">
          <div className="till-identity">
            <strong>{storeSettings.name}</strong>
            <span className="muted">
              {identity.name} · {user.name}
            </span>
          </div>
          <nav aria-label={t('nav.label')}>
            <ul className="tabs">
              {tabs.map((tab) => (
                <li key={tab.view}>
                  <button
                    type="button"
                    aria-current={view === tab.view ? 'page' : undefined}
                    onClick={() => setView(tab.view)}
                  >
                    {tab.label}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          <div className="till-tools">
            <ConnectionIndicator />
            <LanguageSwitch />
            <button type="button" className="button-quiet" onClick={() => void logout()}>
              {t('nav.logout')}
            </button>
          </div>
        </header>
        {status?.activation === 'revoked' || status?.activation === 'reactivation_required' ? (
          <p className="banner banner-error" role="alert">
            {refusal(status.activation === 'revoked' ? 'TERMINAL_REVOKED' : 'TERMINAL_REACTIVATION_REQUIRED')}
          </p>
        ) : null}
        {/* The sale stays mounted (hidden) while another view is open, so its cart survives. */}
        <div hidden={view !== 'sale'} className="view-slot">
          <CashierScreen active={view === 'sale'} />
        </div>
        {view === 'sales' ? <SalesHistoryScreen /> : null}
        {view === 'shift' ? <ShiftScreen /> : null}
        {view === 'conflicts' ? <ConflictsScreen /> : null}
        {view === 'health' ? <SyncHealthScreen /> : null}
      </div>
    </ManagerSessionProvider>
  );
}
