import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ServerAccess } from '../conflicts/conflicts-client';
import { useI18n } from '../i18n/i18n-context';
import { ManagerGate, useManagerSession } from '../manager/manager-session';
import { useTill } from '../terminal-host/terminal-context';
import { offlinePeriods, offlineSecondsIn } from './offline-periods';
import { SyncHealthChart } from './sync-health-chart';
import { fetchSyncHealth, HEALTH_DAYS, type SyncHealth } from './sync-health-client';

const HEALTH_REFRESH_MS = 15_000;

/** Per terminal: pending facts, oldest pending age, last sync, offline time, conflicts, and the chart. */
export function SyncHealthScreen() {
  return (
    <main className="health-screen">
      <ManagerGate>{(session) => <SyncHealthView token={session.accessToken} />}</ManagerGate>
    </main>
  );
}

function SyncHealthView({ token }: { readonly token: string }) {
  const { identity, format } = useTill();
  const { storeId } = useManagerSession();
  const { t, language, refusal } = useI18n();
  const [health, setHealth] = useState<SyncHealth | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const load = useCallback(async () => {
    const access: ServerAccess = { serverUrl: identity.serverUrl, token, language };
    const answer = await fetchSyncHealth(access, storeId);
    if (!answer.ok) {
      setProblem(answer.code === 'SERVER_UNREACHABLE' ? t('manager.needsConnection') : refusal(answer.code));
      return;
    }
    setProblem(null);
    setHealth(answer.value);
  }, [identity.serverUrl, token, language, storeId, refusal, t]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), HEALTH_REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const generatedMs = health === null ? 0 : Date.parse(health.generatedAt);
  const shown =
    health?.terminals.find((terminal) => terminal.terminalId === selected) ?? health?.terminals[0];
  const chartLabels = useMemo(
    () => ({
      backlog: t('health.backlog'),
      offline: t('health.offlinePeriods'),
      description: t('health.chartDescription', { name: shown?.name ?? '', days: HEALTH_DAYS }),
      time: t('health.time'),
      formatInstant: (epochSeconds: number) => format.dateTime(new Date(epochSeconds * 1000).toISOString()),
    }),
    [t, shown?.name, format],
  );

  return (
    <section aria-labelledby="health-title">
      <h1 id="health-title">{t('health.title', { days: HEALTH_DAYS })}</h1>
      <p role="alert" className="problem">
        {problem}
      </p>
      {health !== null ? (
        <table className="health-table" data-testid="health-table">
          <thead>
            <tr>
              <th scope="col">{t('health.terminal')}</th>
              <th scope="col" className="amount">
                {t('health.pending')}
              </th>
              <th scope="col">{t('health.oldestPending')}</th>
              <th scope="col">{t('health.lastSync')}</th>
              <th scope="col">{t('health.offlineTotal')}</th>
              <th scope="col" className="amount">
                {t('health.conflicts')}
              </th>
            </tr>
          </thead>
          <tbody>
            {health.terminals.map((terminal) => (
              <tr key={terminal.terminalId} aria-selected={shown?.terminalId === terminal.terminalId}>
                <th scope="row">
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => setSelected(terminal.terminalId)}
                  >
                    {terminal.name}
                  </button>
                  {terminal.terminalId === identity.terminalId ? (
                    <span className="muted"> · {t('health.thisTill')}</span>
                  ) : null}
                </th>
                <td className="amount">{terminal.pendingCount ?? '—'}</td>
                <td>
                  {terminal.oldestPendingAt === null
                    ? '—'
                    : format.duration((generatedMs - Date.parse(terminal.oldestPendingAt)) / 1000)}
                </td>
                <td>
                  {terminal.lastSuccessfulSyncAt === null
                    ? t('health.never')
                    : format.dateTime(terminal.lastSuccessfulSyncAt)}
                </td>
                <td>
                  {terminal.offlineSecondsTotal === null
                    ? '—'
                    : format.duration(terminal.offlineSecondsTotal)}
                </td>
                <td className="amount">{terminal.openConflicts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {shown !== undefined ? (
        <>
          <h2>{shown.name}</h2>
          <p className="muted">
            {t('health.offlineInWindow', {
              duration: format.duration(offlineSecondsIn(offlinePeriods(shown.samples, generatedMs))),
              periods: offlinePeriods(shown.samples, generatedMs).length,
            })}
          </p>
          <SyncHealthChart samples={shown.samples} untilMs={generatedMs} labels={chartLabels} />
        </>
      ) : null}
    </section>
  );
}
