import { useEffect, useRef } from 'react';
import { createWedgeDetector, WEDGE_POLICY_DEFAULT } from './barcode-wedge';

/**
 * Listens to the whole window for scanner bursts. Keys typed into a text field stay the field's
 * own (a quantity, a customer name), except that a burst that ends in Enter is a scan wherever it
 * lands: the field gets back what it had before the burst, and the code goes to the cart.
 */
export function useBarcodeWedge(onScan: (code: string) => void, enabled: boolean): void {
  const onScanRef = useRef(onScan);
  onScanRef.current = onScan;
  useEffect(() => {
    if (!enabled) return undefined;
    const detector = createWedgeDetector(WEDGE_POLICY_DEFAULT);
    let fieldBefore: { element: HTMLInputElement; value: string } | null = null;
    let lastKeyAtMs = Number.NEGATIVE_INFINITY;
    const listener = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.altKey || event.metaKey) {
        detector.reset();
        return;
      }
      const target = event.target instanceof HTMLInputElement ? event.target : null;
      if (event.key === 'Enter') {
        const code = detector.enter(event.timeStamp);
        if (code === null) return;
        event.preventDefault();
        event.stopPropagation();
        if (target !== null && fieldBefore?.element === target) restoreField(target, fieldBefore.value);
        fieldBefore = null;
        onScanRef.current(code);
        return;
      }
      if (event.key.length !== 1) {
        detector.reset();
        fieldBefore = null;
        return;
      }
      // The first key of a burst: remember the field as it was, in case the burst is a scan.
      if (
        event.timeStamp - lastKeyAtMs > WEDGE_POLICY_DEFAULT.keyIntervalMsMax ||
        fieldBefore?.element !== target
      ) {
        fieldBefore = target === null ? null : { element: target, value: target.value };
      }
      lastKeyAtMs = event.timeStamp;
      detector.character(event.key, event.timeStamp);
    };
    window.addEventListener('keydown', listener, true);
    return () => window.removeEventListener('keydown', listener, true);
  }, [enabled]);
}

/** Puts a React-controlled field back to its value before the burst (React listens to input events). */
function restoreField(element: HTMLInputElement, value: string): void {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  setter?.call(element, value);
  element.dispatchEvent(new Event('input', { bubbles: true }));
}
