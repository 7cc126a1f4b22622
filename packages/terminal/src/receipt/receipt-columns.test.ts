import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alignRight,
  centerText,
  justifyRow,
  printableText,
  ruleLine,
  textWidth,
  wrapText,
} from './receipt-columns';

describe('printableText', () => {
  it('turns no-break spaces into spaces and drops bidirectional marks and controls', () => {
    expect(printableText('₡1\u00a0234,50')).toBe('₡1 234,50');
    expect(printableText('1\u202f234')).toBe('1 234');
    expect(printableText('\u200e-Rs 3')).toBe('-Rs 3');
    expect(printableText('Queso\tfresco\nde Turrialba\u0007')).toBe('Queso fresco de Turrialba');
    expect(printableText('Pi\u00adña\ufeff')).toBe('Piña');
  });

  it('composes decomposed accents so that each letter is one column', () => {
    const decomposed = 'Pin\u0303a cafe\u0301';
    expect(printableText(decomposed)).toBe('Piña café');
    expect(textWidth(printableText(decomposed))).toBe(9);
  });
});

describe('wrapText', () => {
  it('wraps at spaces', () => {
    expect(wrapText('Café Britt Tarrazú molido 340 g edición especial', 20)).toEqual([
      'Café Britt Tarrazú',
      'molido 340 g edición',
      'especial',
    ]);
  });

  it('breaks a UUID after a hyphen rather than inside a group', () => {
    expect(wrapText('0192f3a4-7b1c-7def-8abc-123456789012', 32)).toEqual([
      '0192f3a4-7b1c-7def-8abc-',
      '123456789012',
    ]);
  });

  it('breaks a word without hyphens exactly at the edge', () => {
    expect(wrapText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('returns one empty line for empty text', () => {
    expect(wrapText('   ', 32)).toEqual(['']);
  });

  it('never makes a line wider than asked and never loses a character', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.integer({ min: 1, max: 48 }),
        (text, width) => {
          const lines = wrapText(text, width);
          for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(width);
          const withoutSpaces = (value: string) => value.replaceAll(' ', '');
          expect(withoutSpaces(lines.join(''))).toBe(withoutSpaces(printableText(text)));
        },
      ),
    );
  });
});

describe('justifyRow', () => {
  it('puts the amount on the right edge', () => {
    expect(justifyRow('Cambio', '₡7 950,00', 32)).toEqual([`Cambio${' '.repeat(17)}₡7 950,00`]);
    expect(textWidth(justifyRow('Cambio', '₡7 950,00', 32)[0]!)).toBe(32);
  });

  it('indents the label', () => {
    expect(justifyRow('Descuento', '-₡300,00', 32, 2)).toEqual([`  Descuento${' '.repeat(13)}-₡300,00`]);
  });

  it('moves the amount to its own line when the label leaves no room', () => {
    expect(justifyRow('Caja principal del segundo piso', '₡1,00', 32)).toEqual([
      'Caja principal del segundo piso',
      alignRight('₡1,00', 32),
    ]);
  });

  it('stays within the width whatever the label and amount', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 120 }),
        fc.string({ maxLength: 60 }),
        fc.constantFrom(32, 48),
        fc.integer({ min: 0, max: 4 }),
        (label, amount, width, indent) => {
          for (const line of justifyRow(label, amount, width, indent)) {
            expect(textWidth(line)).toBeLessThanOrEqual(width);
          }
        },
      ),
    );
  });
});

describe('centerText and ruleLine', () => {
  it('centres without trailing spaces', () => {
    expect(centerText('TOTAL', 11)).toEqual(['   TOTAL']);
    expect(ruleLine(32)).toHaveLength(32);
  });
});
