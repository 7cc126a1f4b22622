import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { ModalDialog } from '../app/modal-dialog';
import { useI18n } from '../i18n/i18n-context';

/**
 * Asks for a manager's PIN at the counter (a void, a refund, a shift). `onSubmit` does the work
 * with the PIN as the engine's approval and answers with a problem to show, or null when done.
 */
export function ManagerPinDialog({
  title,
  onSubmit,
  onClose,
  children,
}: {
  readonly title: string;
  readonly onSubmit: (pin: string) => Promise<string | null>;
  readonly onClose: () => void;
  readonly children?: ReactNode;
}) {
  const { t } = useI18n();
  const id = useId();
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const outcome = await onSubmit(pin);
    setBusy(false);
    setPin('');
    if (outcome !== null) setProblem(outcome);
  };
  return (
    <ModalDialog title={title} onClose={onClose} testId="manager-pin-dialog">
      <form onSubmit={submit} className="form-grid">
        {children}
        <label htmlFor={`${id}-pin`}>{t('manager.pin')}</label>
        <input
          id={`${id}-pin`}
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={6}
          required
          data-autofocus
          value={pin}
          onChange={(event) => setPin(event.target.value.replace(/\D/g, ''))}
        />
        <p role="alert" className="problem">
          {problem}
        </p>
        <div className="button-row">
          <button type="button" className="button-quiet" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button-primary" disabled={busy || pin.length < 4}>
            {busy ? t('common.working') : t('manager.approve')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
