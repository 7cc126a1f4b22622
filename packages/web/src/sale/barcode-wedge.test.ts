import { describe, expect, it } from 'vitest';
import { createWedgeDetector, WEDGE_POLICY_DEFAULT } from './barcode-wedge';

function typeAt(
  detector: ReturnType<typeof createWedgeDetector>,
  text: string,
  startMs: number,
  intervalMs: number,
) {
  let atMs = startMs;
  for (const character of text) {
    detector.character(character, atMs);
    atMs += intervalMs;
  }
  return atMs;
}

describe('barcode wedge detection', () => {
  it('takes fast keystrokes ending in Enter as a scan', () => {
    const detector = createWedgeDetector();
    const endMs = typeAt(detector, '7501234567890', 1_000, 8);
    expect(detector.enter(endMs)).toBe('7501234567890');
  });

  it('leaves a person typing alone', () => {
    const detector = createWedgeDetector();
    const endMs = typeAt(detector, '7501234567890', 1_000, 140);
    expect(detector.enter(endMs)).toBeNull();
  });

  it('keeps only the fast burst after slow typing', () => {
    const detector = createWedgeDetector();
    const slowEndMs = typeAt(detector, 'abc', 0, 300);
    const endMs = typeAt(detector, '123456', slowEndMs + 500, 5);
    expect(detector.enter(endMs)).toBe('123456');
  });

  it('ignores bursts too short to be a barcode, and a pause before Enter', () => {
    const detector = createWedgeDetector();
    expect(detector.enter(typeAt(detector, '12', 0, 5))).toBeNull();
    const endMs = typeAt(detector, '123456', 1_000, 5);
    expect(detector.enter(endMs + WEDGE_POLICY_DEFAULT.keyIntervalMsMax + 1)).toBeNull();
  });

  it('starts over after Enter or a reset', () => {
    const detector = createWedgeDetector();
    typeAt(detector, '1234', 0, 5);
    detector.reset();
    const endMs = typeAt(detector, '5678', 20, 5);
    expect(detector.enter(endMs)).toBe('5678');
    expect(detector.enter(endMs + 1)).toBeNull();
  });

  it('caps the code at the policy length', () => {
    const detector = createWedgeDetector({ keyIntervalMsMax: 50, codeLengthMin: 4, codeLengthMax: 8 });
    const endMs = typeAt(detector, '1234567890', 0, 5);
    expect(detector.enter(endMs)).toBe('12345678');
  });
});
