import { useCallback, useEffect, useId, useState } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { ManagerGate, useManagerSession } from '../manager/manager-session';
import { useTill } from '../terminal-host/terminal-context';
import {
  type Conflict,
  type ConflictAction,
  type ConflictDetail,
  getConflict,
  listConflicts,
  oversellAdjustments,
  resolveConflict,
  type ServerAccess,
} from './conflicts-client';

/** The manager's queue of conflicts raised by offline facts, with detail and resolution. */
export function ConflictsScreen() {
  return (
    <main className="conflicts-screen">
      <ManagerGate>{(session) => <ConflictsQueue token={session.accessToken} />}</ManagerGate>
    </main>
  );
}

function ConflictsQueue({ token }: { readonly token: string }) {
  const { identity, format, userNames } = useTill();
  const { storeId } = useManagerSession();
  const { t, language, refusal } = useI18n();
  const [status, setStatus] = useState<'open' | 'resolved'>('open');
  const [items, setItems] = useState<Conflict[] | null>(null);
  const [selected, setSelected] = useState<ConflictDetail | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const access: ServerAccess = { serverUrl: identity.serverUrl, token, language };

  const load = useCallback(async () => {
    const listed = await listConflicts(
      { serverUrl: identity.serverUrl, token, language },
      { status, storeId },
    );
    if (!listed.ok) setProblem(refusal(listed.code));
    else {
      setProblem(null);
      setItems(listed.value.items);
    }
  }, [identity.serverUrl, token, language, status, storeId, refusal]);

  useEffect(() => {
    void load();
  }, [load]);

  const open = async (id: string) => {
    const detail = await getConflict(access, id);
    if (detail.ok) setSelected(detail.value);
    else setProblem(refusal(detail.code));
  };

  return (
    <div className="conflicts-layout">
      <section aria-labelledby="conflicts-title" className="conflicts-list">
        <div className="screen-header">
          <h1 id="conflicts-title">{t('conflicts.title')}</h1>
          <fieldset className="segmented">
            <legend className="visually-hidden">{t('conflicts.filter')}</legend>
            <button type="button" aria-pressed={status === 'open'} onClick={() => setStatus('open')}>
              {t('conflicts.open')}
            </button>
            <button type="button" aria-pressed={status === 'resolved'} onClick={() => setStatus('resolved')}>
              {t('conflicts.resolved')}
            </button>
          </fieldset>
        </div>
        <p role="alert" className="problem">
          {problem}
        </p>
        {items !== null && items.length === 0 ? <p className="muted">{t('conflicts.none')}</p> : null}
        <ul className="conflict-items" data-testid="conflict-list">
          {(items ?? []).map((conflict) => (
            <li key={conflict.id} data-testid="conflict-item" data-kind={conflict.kind}>
              <button
                type="button"
                className="list-button"
                aria-current={selected?.id === conflict.id}
                onClick={() => void open(conflict.id)}
              >
                <strong>{t(kindKey(conflict.kind))}</strong>
                <span className="muted">{format.dateTime(conflict.createdAt)}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      {selected !== null ? (
        <ConflictDetailView
          conflict={selected}
          access={access}
          userNames={userNames}
          onResolved={async () => {
            await load();
            await open(selected.id);
          }}
        />
      ) : null}
    </div>
  );
}

const KNOWN_KINDS = [
  'oversell',
  'stale_price',
  'revoked_actor',
  'unknown_sale',
  'folio_gap',
  'fork',
  'duplicate_document',
  'unknown_item',
] as const;
function kindKey(kind: string) {
  return (KNOWN_KINDS as readonly string[]).includes(kind)
    ? (`conflicts.kind.${kind as (typeof KNOWN_KINDS)[number]}` as const)
    : ('conflicts.kind.other' as const);
}

function ConflictDetailView({
  conflict,
  access,
  userNames,
  onResolved,
}: {
  readonly conflict: ConflictDetail;
  readonly access: ServerAccess;
  readonly userNames: ReadonlyMap<string, string>;
  readonly onResolved: () => Promise<void>;
}) {
  const { format } = useTill();
  const { t, refusal } = useI18n();
  const id = useId();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const adjustments = conflict.kind === 'oversell' ? oversellAdjustments(conflict.details) : [];

  const act = async (action: ConflictAction) => {
    if (note.trim() === '') {
      setProblem(t('conflicts.noteRequired'));
      return;
    }
    setBusy(true);
    setProblem(null);
    const outcome = await resolveConflict(access, conflict.id, {
      action,
      note: note.trim(),
      ...(action === 'adjust_stock' ? { adjustments } : {}),
    });
    setBusy(false);
    if (!outcome.ok) {
      setProblem(refusal(outcome.code));
      return;
    }
    setNote('');
    await onResolved();
  };

  return (
    <section className="conflict-detail" aria-labelledby={`${id}-title`} data-testid="conflict-detail">
      <h2 id={`${id}-title`}>{t(kindKey(conflict.kind))}</h2>
      <p className="muted">{t(`conflicts.explain.${conflict.kind === 'oversell' ? 'oversell' : 'other'}`)}</p>
      <dl className="details">
        <dt>{t('conflicts.raisedAt')}</dt>
        <dd>{format.dateTime(conflict.createdAt)}</dd>
        <dt>{t('conflicts.status')}</dt>
        <dd data-testid="conflict-status">
          {conflict.status === 'open' ? t('conflicts.open') : t('conflicts.resolved')}
        </dd>
        {Object.entries(conflict.details).map(([key, value]) => (
          <div key={key} className="detail-row">
            <dt>{key}</dt>
            <dd>
              <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>
            </dd>
          </div>
        ))}
        <dt>{t('conflicts.facts')}</dt>
        <dd>
          <ul>
            {conflict.facts.map((fact) => (
              <li key={fact.eventId}>
                #{fact.sequence} ·{' '}
                {String((fact.envelope.payload as { type?: string } | undefined)?.type ?? '')}{' '}
                {fact.quarantined ? `(${t('conflicts.quarantined')})` : ''}
              </li>
            ))}
          </ul>
        </dd>
        {conflict.resolvedAt !== null ? (
          <>
            <dt>{t('conflicts.resolvedBy')}</dt>
            <dd data-testid="conflict-resolved-by">
              {conflict.resolvedBy === null
                ? ''
                : (userNames.get(conflict.resolvedBy) ?? conflict.resolvedBy)}{' '}
              · {format.dateTime(conflict.resolvedAt)}
            </dd>
          </>
        ) : null}
        {conflict.notes.map((entry) => (
          <div key={`${entry.at}-${entry.byUserId}`} className="detail-row">
            <dt>{t('conflicts.note')}</dt>
            <dd>
              {entry.note} — {userNames.get(entry.byUserId) ?? entry.byUserId}, {format.dateTime(entry.at)}
            </dd>
          </div>
        ))}
      </dl>
      {conflict.status === 'open' ? (
        <div className="form-grid">
          <label htmlFor={`${id}-note`}>{t('conflicts.note')}</label>
          <textarea
            id={`${id}-note`}
            rows={2}
            maxLength={2000}
            value={note}
            onChange={(event) => setNote(event.target.value)}
          />
          <div className="button-row">
            <button
              type="button"
              className="button-primary"
              disabled={busy}
              onClick={() => void act('accept')}
            >
              {t('conflicts.accept')}
            </button>
            {adjustments.length > 0 ? (
              <button
                type="button"
                className="button-quiet"
                disabled={busy}
                onClick={() => void act('adjust_stock')}
              >
                {t('conflicts.adjustStock')}
              </button>
            ) : null}
            <button
              type="button"
              className="button-quiet"
              disabled={busy}
              onClick={() => void act('write_off')}
            >
              {t('conflicts.writeOff')}
            </button>
            <button type="button" className="button-quiet" disabled={busy} onClick={() => void act('note')}>
              {t('conflicts.addNote')}
            </button>
          </div>
          <p role="alert" className="problem">
            {problem}
          </p>
        </div>
      ) : null}
    </section>
  );
}
