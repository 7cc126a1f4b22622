import { type ReactNode, useId, useLayoutEffect, useRef } from 'react';

/**
 * A modal on the browser's own <dialog> (mark the element to focus first with data-autofocus): focus moves in and stays in, Escape closes it, and the
 * page behind is inert, so keyboard and screen reader users get the same flow as touch users.
 */
export function ModalDialog({
  title,
  onClose,
  children,
  className,
  testId,
}: {
  readonly title: string;
  readonly onClose: () => void;
  readonly children: ReactNode;
  readonly className?: string;
  readonly testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  // A layout effect: the dialog is modal and focused before the first paint, so a key pressed as
  // soon as it shows (Enter on the receipt) reaches it.
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return undefined;
    if (!dialog.open) dialog.showModal();
    // showModal focuses the first focusable element; the dialog names the one the flow needs.
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    const cancel = (event: Event) => {
      event.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', cancel);
    return () => {
      dialog.removeEventListener('cancel', cancel);
      if (dialog.open) dialog.close();
    };
  }, []);
  return (
    <dialog ref={ref} aria-labelledby={titleId} className={`modal ${className ?? ''}`} data-testid={testId}>
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
