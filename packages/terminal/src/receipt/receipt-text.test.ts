import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textWidth } from './receipt-columns';
import {
  crcLongTextSale,
  crcOfflineSale,
  crcSyncedReprint,
  mxnSplitTenderSale,
  penRefund,
  pkrEnglishSale,
} from './receipt-examples';
import type { Receipt } from './receipt-model';
import { renderReceiptText } from './receipt-text';

const examples = {
  crcOfflineSale,
  crcSyncedReprint,
  mxnSplitTenderSale,
  penRefund,
  pkrEnglishSale,
  crcLongTextSale,
};

function receiptLines(receipt: Receipt, widthColumns: 32 | 48 = 32): string[] {
  const text = renderReceiptText(receipt, { widthColumns });
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

/** The row whose label starts the line, with whatever fills it up to the amount. */
function rowLine(lines: readonly string[], label: string): string | undefined {
  return lines.find((line) => line.trimStart().startsWith(label));
}

describe('renderReceiptText: a Costa Rican sale made offline', () => {
  const lines = receiptLines(crcOfflineSale);

  it('centres the store header and prints its tax registration', () => {
    expect(lines[0]).toBe('      Pulpería La Esquina');
    expect(lines).toContain('   Céd. jurídica 3-101-123456');
    expect(lines).toContain('         Tel. 2445-1234');
  });

  it('marks the receipt as issued offline and labels its folio as provisional', () => {
    expect(lines).toContain('  *** EMITIDO SIN CONEXIÓN ***');
    expect(lines).toContain('Folio provisional     T01-000042');
  });

  it('prints date, terminal and cashier in the store time zone', () => {
    expect(lines).toContain('Fecha          23/11/2026, 15:04');
    expect(lines).toContain('Terminal                  Caja 1');
    expect(lines).toContain('Cajero               María Pérez');
  });

  it('prints quantity × unit price with the line total on the right, and line discounts', () => {
    expect(lines).toContain('  2 × ₡1 250,00        ₡2 500,00');
    expect(lines).toContain('  0,75 × ₡4 000,00     ₡2 700,00');
    expect(lines).toContain('  Descuento             -₡300,00');
  });

  it('wraps a long product name', () => {
    const first = lines.indexOf('Café Britt Tarrazú molido 340 g');
    expect(first).toBeGreaterThan(0);
    expect(lines[first + 1]).toBe('edición especial de cosecha');
    expect(lines[first + 2]).toBe('  1 × ₡6 850,00        ₡6 850,00');
  });

  it('prints subtotal, discount and total, then the IVA included in it by rate', () => {
    const total = lines.indexOf('TOTAL                 ₡12 050,00');
    expect(lines.indexOf('Subtotal              ₡12 350,00')).toBeLessThan(total);
    expect(lines.indexOf('Descuento               -₡300,00')).toBeLessThan(total);
    expect(lines.slice(total + 1, total + 4)).toEqual([
      'Impuestos incluidos',
      'IVA 13 %               ₡1 386,28',
      '  Base imponible      ₡10 663,72',
    ]);
  });

  it('prints the cash tendered and the change, and no rounding line when nothing was rounded', () => {
    expect(lines).toContain('Efectivo              ₡20 000,00');
    expect(lines).toContain('Cambio                 ₡7 950,00');
    expect(rowLine(lines, 'Redondeo')).toBeUndefined();
  });

  it('prints the document id, broken between its groups on 58 mm paper', () => {
    const label = lines.indexOf('Documento');
    expect(lines.slice(label + 1, label + 3).map((line) => line.trim())).toEqual([
      '0192f3a4-7b1c-7def-8abc-',
      '123456789012',
    ]);
    expect(lines.at(-1)).toBe('    ¡Gracias por su compra!');
  });
});

describe('renderReceiptText: the same sale reprinted after sync', () => {
  const lines = receiptLines(crcSyncedReprint);

  it('shows the final folio, and neither the provisional label nor the provisional number', () => {
    expect(lines).toContain('Folio               001-00000123');
    const text = lines.join('\n');
    expect(text).not.toContain('Folio provisional');
    expect(text).not.toContain('T01-000042');
  });

  it('still says the sale was issued offline', () => {
    expect(lines).toContain('  *** EMITIDO SIN CONEXIÓN ***');
  });
});

describe('renderReceiptText: a Mexican sale with split tenders', () => {
  const lines = receiptLines(mxnSplitTenderSale);

  it('prints each tender with its reference, the change and the cash rounding', () => {
    const heading = lines.indexOf('Forma de pago');
    expect(lines.slice(heading, heading + 6)).toEqual([
      'Forma de pago',
      'Tarjeta                   $50.00',
      '  Ref. AUT 123456',
      'Efectivo                  $50.00',
      'Cambio                    $14.40',
      '-'.repeat(32),
    ]);
    expect(lines).toContain('Redondeo                  -$0.02');
  });

  it('prints weighed quantities exactly, with the locale separators', () => {
    expect(lines).toContain('  1.255 × $24.00          $30.12');
  });

  it('lists each tax rate, the exempt one included, and no offline mark', () => {
    expect(lines).toContain('IVA 16 %                   $7.66');
    expect(lines).toContain('IVA 0 %                    $0.00');
    expect(lines.join('\n')).not.toContain('SIN CONEXIÓN');
    expect(lines).toContain('Folio                   A-000315');
  });
});

describe('renderReceiptText: a refund', () => {
  const lines = receiptLines(penRefund);

  it('is titled as a refund, with the refunded total and how it was given back', () => {
    expect(lines).toContain('   COMPROBANTE DE DEVOLUCIÓN');
    expect(lines).toContain('TOTAL DEVUELTO          S/ 13.80');
    const heading = lines.indexOf('Devuelto en');
    expect(lines[heading + 1]).toBe('Efectivo                S/ 13.80');
    expect(lines).toContain('IGV 18 %                 S/ 2.11');
    expect(lines).toContain('        RUC 20123456789');
  });

  it('does not call itself a sale', () => {
    expect(lines.join('\n')).not.toContain('COMPROBANTE DE VENTA');
  });
});

describe('renderReceiptText: a void', () => {
  it('is titled as a voided sale', () => {
    const lines = receiptLines({ ...crcSyncedReprint, documentType: 'void' });
    expect(lines).toContain('       ANULACIÓN DE VENTA');
    expect(lines).toContain('TOTAL ANULADO         ₡12 050,00');
    expect(lines).toContain('Pagos anulados');
  });
});

describe('renderReceiptText: English labels', () => {
  const lines = receiptLines(pkrEnglishSale);

  it('words the receipt in English', () => {
    expect(lines).toContain('         SALES RECEIPT');
    expect(lines).toContain('     *** ISSUED OFFLINE ***');
    expect(lines).toContain('Provisional folio     T03-000001');
    expect(lines).toContain('Cashier              Ayesha Khan');
    expect(lines).toContain('Paid with');
    expect(lines).toContain('Card                 Rs 1,770.00');
    expect(lines).toContain('Document');
    const text = lines.join('\n');
    for (const spanish of ['Cajero', 'Folio provisional', 'Tarjeta', 'EMITIDO', 'Documento']) {
      expect(text).not.toContain(spanish);
    }
  });

  it('adds tax on top of the subtotal before the total when prices exclude it', () => {
    const tax = lines.indexOf('GST 18%                Rs 270.00');
    expect(tax).toBeGreaterThan(lines.indexOf('Subtotal             Rs 1,500.00'));
    expect(lines[tax + 1]).toBe('  Taxable base       Rs 1,500.00');
    expect(lines[tax + 2]).toBe('TOTAL                Rs 1,770.00');
    expect(rowLine(lines, 'Taxes included')).toBeUndefined();
    expect(rowLine(lines, 'Change')).toBeUndefined();
  });
});

describe('renderReceiptText: width', () => {
  it.each(Object.entries(examples))('keeps every line of %s within 32 and 48 columns', (_name, receipt) => {
    for (const widthColumns of [32, 48] as const) {
      const lines = receiptLines(receipt, widthColumns);
      expect(lines.length).toBeGreaterThan(20);
      for (const line of lines) {
        expect(textWidth(line), line).toBeLessThanOrEqual(widthColumns);
        expect(line).toBe(line.trimEnd());
      }
    }
  });

  it('uses the whole 48 columns on 80 mm paper', () => {
    const lines = receiptLines(crcOfflineSale, 48);
    expect(lines).toContain(`Efectivo${' '.repeat(30)}₡20 000,00`);
    expect(lines).toContain('Documento   0192f3a4-7b1c-7def-8abc-123456789012');
    expect(lines).toContain('Café Britt Tarrazú molido 340 g edición especial');
  });

  it('wraps names, labels and amounts that do not fit instead of cutting them', () => {
    const text = receiptLines(crcLongTextSale).join('');
    const compact = text.replaceAll(' ', '');
    expect(compact).toContain('Desatornilladorinalámbricoprofesionalconjuntodepuntasintercambiables18V');
    expect(compact).toContain('MaríadelosÁngelesRodríguezVillalobos');
    expect(compact).toContain('₡9998999999,99');
    expect(compact).toContain('pl_live_8f3a9c2e7b1d4f6a0c5e9b2d7f1a3c8e5b0d9f2a');
  });
});

describe('renderReceiptText: any text and any amount', () => {
  it('keeps every line within the paper', () => {
    const amountMinor = fc.integer({ min: 0, max: 10 ** 14 });
    fc.assert(
      fc.property(
        fc.record({
          name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }),
          storeName: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }),
          cashierName: fc.string({ minLength: 1, maxLength: 120 }),
          folio: fc.string({ minLength: 1, maxLength: 64 }),
          reference: fc.string({ minLength: 1, maxLength: 200 }),
          footer: fc.string({ minLength: 1, maxLength: 500 }),
          unitPriceMinor: amountMinor,
          totalMinor: amountMinor,
          changeMinor: amountMinor,
          cashRoundingMinor: fc.integer({ min: -1_000_000, max: 1_000_000 }),
        }),
        fc.constantFrom(32, 48),
        (generated, widthColumns: 32 | 48) => {
          const [line] = crcOfflineSale.lines;
          const receipt: Receipt = {
            ...crcOfflineSale,
            store: { ...crcOfflineSale.store, name: generated.storeName },
            cashierName: generated.cashierName,
            provisionalFolio: generated.folio,
            lines: [
              {
                ...line!,
                name: generated.name,
                unitPriceMinor: generated.unitPriceMinor,
                totalMinor: generated.totalMinor,
              },
            ],
            totalMinor: generated.totalMinor,
            tenders: [{ kind: 'card', amountMinor: generated.totalMinor, reference: generated.reference }],
            changeMinor: generated.changeMinor,
            cashRoundingMinor: generated.cashRoundingMinor,
            footer: generated.footer,
          };
          for (const text of receiptLines(receipt, widthColumns)) {
            expect(textWidth(text)).toBeLessThanOrEqual(widthColumns);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
