// A barcode scanner in keyboard-wedge mode types the code as fast keystrokes and presses Enter.
// A person types far slower. This detector tells the two apart from key timings alone, so the
// till accepts a scan at any moment, whatever has the focus, without a field to click first.

export interface WedgePolicy {
  /** The longest pause between two keystrokes of one scan. Scanners send a key every 1–20 ms. */
  readonly keyIntervalMsMax: number;
  /** Fewer characters than this is a person pressing keys, not a barcode. */
  readonly codeLengthMin: number;
  readonly codeLengthMax: number;
}

export const WEDGE_POLICY_DEFAULT: WedgePolicy = {
  keyIntervalMsMax: 50,
  codeLengthMin: 4,
  codeLengthMax: 64,
};

export interface WedgeDetector {
  /** A printable character arrived at `atMs`. */
  character(character: string, atMs: number): void;
  /** Enter arrived: the scanned code, or null when what came before was typing, not a scan. */
  enter(atMs: number): string | null;
  /** Anything else (a modifier, a navigation key, a click): the current burst is not a scan. */
  reset(): void;
}

export function createWedgeDetector(policy: WedgePolicy = WEDGE_POLICY_DEFAULT): WedgeDetector {
  let buffer = '';
  let lastAtMs = Number.NEGATIVE_INFINITY;
  return {
    character(character, atMs) {
      if (character.length !== 1 || atMs - lastAtMs > policy.keyIntervalMsMax) buffer = '';
      if (character.length === 1 && buffer.length < policy.codeLengthMax) buffer += character;
      lastAtMs = atMs;
    },
    enter(atMs) {
      const code = buffer;
      const fast = atMs - lastAtMs <= policy.keyIntervalMsMax;
      buffer = '';
      lastAtMs = Number.NEGATIVE_INFINITY;
      return fast && code.length >= policy.codeLengthMin ? code : null;
    },
    reset() {
      buffer = '';
      lastAtMs = Number.NEGATIVE_INFINITY;
    },
  };
}
