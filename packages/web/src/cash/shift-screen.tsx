import { type DenominationCount, roleHasPermission } from '@mostrador/core';
import type { OpenShiftView, ShiftCountResult } from '@mostrador/terminal';
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { ManagerPinDialog } from '../manager/manager-pin-dialog';
import { useTill } from '../terminal-host/terminal-context';
import { countedTotalMinor, type Denomination, denominationsOf, nonEmptyCounts } from './denominations';

type Pending =
  | { readonly kind: 'open'; readonly floatMinor: number }
  | { readonly kind: 'close'; readonly counts: DenominationCount[] };

/**
 * Opening a shift with a float, and closing it with a blind count: the cashier counts every note
 * and coin of the store's currency; the expected cash and the over/short exist on this screen
 * only in the answer to the submitted count (the engine computes them then, not before).
 */
export function ShiftScreen() {
  const { engine, user, storeSettings, format } = useTill();
  const { t, refusal } = useI18n();
  const id = useId();
  const [shift, setShift] = useState<OpenShiftView | null | undefined>(undefined);
  const [floatText, setFloatText] = useState('');
  const [counts, setCounts] = useState<Map<number, number>>(new Map());
  const [result, setResult] = useState<ShiftCountResult | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const needsApproval = !roleHasPermission(user.role, 'shift.manage');
  const denominations = denominationsOf(storeSettings.currency);

  const load = useCallback(async () => setShift((await engine.currentShift()) ?? null), [engine]);
  useEffect(() => {
    void load();
  }, [load]);

  const perform = async (action: Pending, pin: string | null): Promise<string | null> => {
    const approval = pin === null ? {} : { approval: { pin } };
    if (action.kind === 'open') {
      const outcome = await engine.openShift({
        openingFloat: { amountMinor: action.floatMinor, currency: storeSettings.currency },
        ...approval,
      });
      if (!outcome.ok) return refusal(outcome.code);
      setFloatText('');
    } else {
      const outcome = await engine.closeShift({ denominations: action.counts, ...approval });
      if (!outcome.ok) return refusal(outcome.code);
      setResult(outcome);
      setCounts(new Map());
    }
    setPending(null);
    await load();
    return null;
  };

  const submit = async (action: Pending) => {
    setProblem(null);
    if (needsApproval) {
      setPending(action);
      return;
    }
    const outcome = await perform(action, null);
    if (outcome !== null) setProblem(outcome);
  };

  const openShift = (event: FormEvent) => {
    event.preventDefault();
    const amount = format.parseMoney(floatText);
    if (amount === undefined || amount.amountMinor < 0) {
      setProblem(refusal('AMOUNT_INVALID'));
      return;
    }
    void submit({ kind: 'open', floatMinor: amount.amountMinor });
  };

  const closeShift = (event: FormEvent) => {
    event.preventDefault();
    const list = nonEmptyCounts(counts);
    if (countedTotalMinor(list) === undefined) {
      setProblem(refusal('COUNT_INVALID'));
      return;
    }
    void submit({ kind: 'close', counts: list });
  };

  const counted = countedTotalMinor(nonEmptyCounts(counts)) ?? 0;

  return (
    <main className="shift-screen">
      <h1>{t('shift.title')}</h1>
      {result !== null ? <CountResult result={result} onDone={() => setResult(null)} /> : null}
      {shift === undefined ? null : shift === null ? (
        result === null ? (
          <form className="form-grid" onSubmit={openShift}>
            <p>{t('shift.noneOpen')}</p>
            <label htmlFor={`${id}-float`}>{t('shift.float')}</label>
            <input
              id={`${id}-float`}
              inputMode="decimal"
              required
              value={floatText}
              onChange={(event) => setFloatText(event.target.value)}
            />
            <button type="submit" className="button-primary">
              {t('shift.open')}
            </button>
          </form>
        ) : null
      ) : (
        <form onSubmit={closeShift} className="blind-count" data-testid="blind-count">
          <p>
            {t('shift.openSince', { time: format.dateTime(shift.openedAt), sales: shift.salesCount })} ·{' '}
            {t('shift.floatWas', { amount: format.money(shift.openingFloatMinor) })}
          </p>
          <h2>{t('shift.countTitle')}</h2>
          <p className="muted">{t('shift.countHint')}</p>
          <div className="denominations">
            {denominations.map((denomination) => (
              <DenominationInput
                key={denomination.valueMinor}
                denomination={denomination}
                count={counts.get(denomination.valueMinor) ?? 0}
                onChange={(count) =>
                  setCounts((current) => new Map(current).set(denomination.valueMinor, count))
                }
              />
            ))}
          </div>
          <p className="counted-total">
            {t('shift.counted')} <strong data-testid="counted-total">{format.money(counted)}</strong>
          </p>
          <button type="submit" className="button-primary button-large">
            {t('shift.submitCount')}
          </button>
        </form>
      )}
      <p role="alert" className="problem">
        {problem}
      </p>
      {pending !== null ? (
        <ManagerPinDialog
          title={pending.kind === 'open' ? t('shift.open') : t('shift.submitCount')}
          onSubmit={(pin) => perform(pending, pin)}
          onClose={() => setPending(null)}
        />
      ) : null}
    </main>
  );
}

function DenominationInput({
  denomination,
  count,
  onChange,
}: {
  readonly denomination: Denomination;
  readonly count: number;
  readonly onChange: (count: number) => void;
}) {
  const { format } = useTill();
  const { t } = useI18n();
  const id = useId();
  const kind = t(`shift.kind.${denomination.kind}`);
  return (
    <div className="denomination">
      <label htmlFor={id}>
        {format.money(denomination.valueMinor)} <span className="muted">{kind}</span>
      </label>
      <input
        id={id}
        type="number"
        min={0}
        step={1}
        inputMode="numeric"
        value={count === 0 ? '' : String(count)}
        placeholder="0"
        onChange={(event) => {
          const parsed = Number.parseInt(event.target.value, 10);
          onChange(Number.isSafeInteger(parsed) && parsed > 0 ? parsed : 0);
        }}
      />
    </div>
  );
}

function CountResult({ result, onDone }: { readonly result: ShiftCountResult; readonly onDone: () => void }) {
  const { format } = useTill();
  const { t } = useI18n();
  const over = result.overShortMinor;
  return (
    <section className="count-result" aria-live="polite" data-testid="count-result">
      <h2>{t('shift.closed')}</h2>
      <dl className="totals">
        <dt>{t('shift.counted')}</dt>
        <dd>{format.money(result.countedCashMinor)}</dd>
        <dt>{t('shift.expected')}</dt>
        <dd data-testid="expected-cash">{format.money(result.expectedCashMinor)}</dd>
        <dt>{over === 0 ? t('shift.exact') : over > 0 ? t('shift.over') : t('shift.short')}</dt>
        <dd data-testid="over-short">{format.money(over)}</dd>
      </dl>
      <button type="button" className="button-quiet" onClick={onDone}>
        {t('common.close')}
      </button>
    </section>
  );
}
