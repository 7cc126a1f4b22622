import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textWidth } from './receipt-columns';
import { encodeReceiptEscPos, receiptCodepages, thermalText } from './receipt-escpos';
import { crcLongTextSale, crcOfflineSale, crcSyncedReprint, pkrEnglishSale } from './receipt-examples';
import type { Receipt } from './receipt-model';

const escapeByte = 0x1b;
const groupSeparator = 0x1d;
const lineFeed = 0x0a;

/** Bytes of text made of ASCII and explicit code-page bytes, e.g. bytes('CONEXI', 0xe0, 'N'). */
function bytes(...parts: readonly (string | number)[]): number[] {
  return parts.flatMap((part) =>
    typeof part === 'number'
      ? [part]
      : Array.from(part, (character) => {
          const code = character.charCodeAt(0);
          if (code > 0x7f) throw new Error(`Spell ${character} as its code-page byte`);
          return code;
        }),
  );
}

function indexOfBytes(haystack: Uint8Array, needle: readonly number[], from = 0): number {
  outer: for (let start = from; start <= haystack.length - needle.length; start += 1) {
    for (let offset = 0; offset < needle.length; offset += 1) {
      if (haystack[start + offset] !== needle[offset]) continue outer;
    }
    return start;
  }
  return -1;
}

function lastIndexOfBytes(haystack: Uint8Array, needle: readonly number[]): number {
  let last = -1;
  for (
    let index = indexOfBytes(haystack, needle);
    index !== -1;
    index = indexOfBytes(haystack, needle, index + 1)
  ) {
    last = index;
  }
  return last;
}

const payload = 'mostrador:doc:0192f3a4-7b1c-7def-8abc-123456789012';

describe('encodeReceiptEscPos', () => {
  const output = encodeReceiptEscPos(crcOfflineSale, { widthColumns: 32 });

  it('starts by initialising the printer with ESC @', () => {
    expect(output).toBeInstanceOf(Uint8Array);
    expect([output[0], output[1]]).toEqual([escapeByte, 0x40]);
  });

  it('selects code page cp858 (ESC t 19) before any text', () => {
    const select = indexOfBytes(output, [escapeByte, 0x74, 19]);
    expect(select).toBeGreaterThan(0);
    expect(select).toBeLessThan(indexOfBytes(output, bytes('Pulper')));
  });

  it('prints Spanish accents in cp858 and nothing as "?"', () => {
    expect(indexOfBytes(output, bytes('*** EMITIDO SIN CONEXI', 0xe0, 'N ***'))).toBeGreaterThan(0);
    expect(indexOfBytes(output, bytes('Pulper', 0xa1, 'a La Esquina'))).toBeGreaterThan(0);
    expect(indexOfBytes(output, bytes('Cajero               Mar', 0xa1, 'a P', 0x82, 'rez'))).toBeGreaterThan(
      0,
    );
    expect(indexOfBytes(output, bytes(0xad, 'Gracias por su compra!'))).toBeGreaterThan(0);
    expect(output.includes(0x3f)).toBe(false);
  });

  it('prints the colón sign as ¢, which thermal code pages have, keeping the columns', () => {
    expect(indexOfBytes(output, bytes('Efectivo              ', 0xbd, '20 000,00'))).toBeGreaterThan(0);
    expect(
      indexOfBytes(output, bytes('  2 ', 0x9e, ' ', 0xbd, '1 250,00        ', 0xbd, '2 500,00')),
    ).toBeGreaterThan(0);
  });

  it('prints the provisional folio, and the final one on a reprint after sync', () => {
    expect(indexOfBytes(output, bytes('Folio provisional     T01-000042'))).toBeGreaterThan(0);
    const reprint = encodeReceiptEscPos(crcSyncedReprint, { widthColumns: 32 });
    expect(indexOfBytes(reprint, bytes('Folio               001-00000123'))).toBeGreaterThan(0);
    expect(indexOfBytes(reprint, bytes('T01-000042'))).toBe(-1);
    expect(indexOfBytes(reprint, bytes('provisional'))).toBe(-1);
  });

  it('prints the total bold in double width and height when it fits in half the paper', () => {
    const total = indexOfBytes(output, bytes('TOTAL ', 0xbd, '12 050,00'));
    expect(total).toBeGreaterThan(0);
    const boldOn = lastIndexOfBytes(output.subarray(0, total), [escapeByte, 0x45, 0x01]);
    const doubleSize = lastIndexOfBytes(output.subarray(0, total), [groupSeparator, 0x21, 0x11]);
    expect(boldOn).toBeGreaterThan(0);
    expect(doubleSize).toBeGreaterThan(0);
    expect(indexOfBytes(output, [groupSeparator, 0x21, 0x00], total)).toBeGreaterThan(total);
  });

  it('prints a total too wide for double width in double height over the whole line', () => {
    const long = encodeReceiptEscPos(crcLongTextSale, { widthColumns: 32 });
    const total = indexOfBytes(long, bytes('TOTAL          ', 0xbd, '9 998 999 999,99'));
    expect(total).toBeGreaterThan(0);
    expect(lastIndexOfBytes(long.subarray(0, total), [groupSeparator, 0x21, 0x01])).toBeGreaterThan(0);
    expect(indexOfBytes(long, [groupSeparator, 0x21, 0x11])).toBe(-1);
  });

  it('asks the printer to draw a model 2 QR code of the document', () => {
    const model = indexOfBytes(output, [groupSeparator, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]);
    const size = indexOfBytes(output, [groupSeparator, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, 6]);
    const store = indexOfBytes(output, [
      groupSeparator,
      0x28,
      0x6b,
      payload.length + 3,
      0x00,
      0x31,
      0x50,
      0x30,
      ...bytes(payload),
    ]);
    const print = indexOfBytes(output, [groupSeparator, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30]);
    expect(model).toBeGreaterThan(0);
    expect(size).toBeGreaterThan(model);
    expect(store).toBeGreaterThan(size);
    expect(print).toBeGreaterThan(store);
    expect(print).toBeGreaterThan(indexOfBytes(output, bytes('Documento')));
  });

  it('ends with a partial cut (GS V 1) after feeding the QR code past the cutter', () => {
    const cut = lastIndexOfBytes(output, [groupSeparator, 0x56]);
    expect(output[cut + 2]).toBe(0x01);
    // The encoder closes the cut command's line with a line feed; nothing else follows the cut.
    expect(Array.from(output.subarray(cut + 3)).every((byte) => byte === lineFeed)).toBe(true);
    expect(output.length - cut).toBeLessThanOrEqual(4);
    expect(Array.from(output.subarray(cut - 4, cut))).toEqual([lineFeed, lineFeed, lineFeed, lineFeed]);
  });

  it('prints English labels', () => {
    const english = encodeReceiptEscPos(pkrEnglishSale, { widthColumns: 48 });
    expect(indexOfBytes(english, bytes('*** ISSUED OFFLINE ***'))).toBeGreaterThan(0);
    expect(indexOfBytes(english, bytes('Provisional folio'))).toBeGreaterThan(0);
    expect(indexOfBytes(english, bytes('Card', ' '.repeat(33), 'Rs 1,770.00'))).toBeGreaterThan(0);
    expect(indexOfBytes(english, [groupSeparator, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, 7])).toBeGreaterThan(0);
  });

  it('uses windows-1252 when asked (ESC t 16), with its own bytes for accents and ¢', () => {
    const windows = encodeReceiptEscPos(crcOfflineSale, { widthColumns: 32, codepage: 'windows1252' });
    expect(indexOfBytes(windows, [escapeByte, 0x74, 16])).toBeGreaterThan(0);
    expect(indexOfBytes(windows, bytes('EMITIDO SIN CONEXI', 0xd3, 'N'))).toBeGreaterThan(0);
    expect(indexOfBytes(windows, bytes('Efectivo              ', 0xa2, '20 000,00'))).toBeGreaterThan(0);
  });

  it.each(receiptCodepages)('prints ñ, accents, ¿ ¡ and × in %s without a "?"', (codepage) => {
    const [line] = crcOfflineSale.lines;
    const receipt: Receipt = {
      ...crcOfflineSale,
      lines: [
        { ...line!, name: '¿Piña? ¡Ñandú! áéíóú ÁÉÍÓÚ ü “Especial” – 1…' },
        ...crcOfflineSale.lines.slice(1),
      ],
    };
    const encoded = encodeReceiptEscPos(receipt, { widthColumns: 48, codepage });
    const questionMarks = Array.from(encoded).filter((byte) => byte === 0x3f).length;
    // The one "?" is the product's own, closing "¿Piña?"; every other character was printable.
    expect(questionMarks).toBe(1);
    expect(indexOfBytes(encoded, bytes('"Especial" - 1.'))).toBeGreaterThan(0);
  });
});

describe('thermalText', () => {
  it('replaces characters thermal code pages lack, one for one', () => {
    expect(thermalText('₡1 250,00 “ok” – ‘x’ …')).toBe('¢1 250,00 "ok" - \'x\' .');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(textWidth(thermalText(text))).toBe(textWidth(text));
      }),
    );
  });
});
