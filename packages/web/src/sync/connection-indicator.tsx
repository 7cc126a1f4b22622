import { useState } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { useTill } from '../terminal-host/terminal-context';

/**
 * A discreet status: online or offline and how many records wait to go up. It never blocks a
 * sale; clicking it asks for a sync now, which is harmless at any time.
 */
export function ConnectionIndicator() {
  const { status, engine, refreshStatus, format } = useTill();
  const { t } = useI18n();
  const [syncing, setSyncing] = useState(false);
  if (status === null) return null;
  const online = status.online;
  const pending = status.pendingCount;
  const label = online
    ? t('connection.online')
    : status.plannedOffline
      ? t('connection.planned')
      : t('connection.offline');
  const detail =
    pending === 0
      ? t('connection.allSent')
      : t('connection.pending', {
          count: pending,
          age: status.oldestPendingAgeSeconds === null ? '' : format.duration(status.oldestPendingAgeSeconds),
        });
  return (
    <button
      type="button"
      className={`connection-indicator ${online ? 'is-online' : 'is-offline'}`}
      data-testid="connection-indicator"
      data-online={online}
      data-pending={pending}
      title={
        status.lastSuccessfulSyncAt === null
          ? detail
          : `${detail} · ${t('connection.lastSync')} ${format.time(status.lastSuccessfulSyncAt)}`
      }
      disabled={syncing || !engine.isWriter}
      onClick={() => {
        setSyncing(true);
        void engine.sync().finally(() => {
          setSyncing(false);
          refreshStatus();
        });
      }}
    >
      <span className="dot" aria-hidden="true" />
      <span>{label}</span>
      <span className="pending" aria-hidden="true">
        {pending > 0 ? pending : '✓'}
      </span>
      <span className="visually-hidden">{detail}</span>
    </button>
  );
}
