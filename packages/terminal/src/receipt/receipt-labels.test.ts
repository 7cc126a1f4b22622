import { tenderKinds } from '@mostrador/core';
import { describe, expect, it } from 'vitest';
import {
  formatTaxRate,
  receiptLabels,
  receiptLabelsEnglish,
  receiptLabelsSpanish,
  receiptTaxIdLabel,
  receiptTaxName,
  receiptTaxRateLabel,
} from './receipt-labels';
import { receiptDocumentTypes } from './receipt-model';

function labelTexts(labels: object): string[] {
  return Object.values(labels).flatMap((value) =>
    typeof value === 'string' ? [value] : labelTexts(value as Record<string, unknown>),
  );
}

describe('receipt labels', () => {
  it('has Spanish by default and English on request', () => {
    expect(receiptLabels('es')).toBe(receiptLabelsSpanish);
    expect(receiptLabels('en')).toBe(receiptLabelsEnglish);
    expect(receiptLabelsSpanish.offlineMark).toBe('EMITIDO SIN CONEXIÓN');
    expect(receiptLabelsEnglish.offlineMark).toBe('ISSUED OFFLINE');
    expect(receiptLabelsSpanish.provisionalFolio).toBe('Folio provisional');
    expect(receiptLabelsSpanish.tenderKind.cash).toBe('Efectivo');
    expect(receiptLabelsEnglish.change).toBe('Change');
  });

  it('words every document type and tender kind in both languages, with no empty label', () => {
    for (const labels of [receiptLabelsSpanish, receiptLabelsEnglish]) {
      expect(Object.keys(labels.tenderKind).sort()).toEqual([...tenderKinds].sort());
      for (const documentType of receiptDocumentTypes) {
        expect(labels.documentTitle[documentType]).not.toBe('');
        expect(labels.totalLabel[documentType]).not.toBe('');
        expect(labels.tendersHeading[documentType]).not.toBe('');
      }
      for (const text of labelTexts(labels)) expect(text.trim()).not.toBe('');
    }
    expect(Object.keys(receiptLabelsEnglish).sort()).toEqual(Object.keys(receiptLabelsSpanish).sort());
  });

  it('translates every word that is not the same in both languages', () => {
    const spanish = labelTexts(receiptLabelsSpanish);
    const english = labelTexts(receiptLabelsEnglish);
    const untranslated = spanish.filter((text, index) => text === english[index]);
    // Words the two languages share on a receipt.
    expect(untranslated.sort()).toEqual(['Folio', 'Ref.', 'Subtotal', 'TOTAL', 'Tel.', 'Terminal']);
  });
});

describe('tax names by region', () => {
  it.each([
    ['es-CR', 'es', 'IVA'],
    ['es-MX', 'es', 'IVA'],
    ['es-CO', 'es', 'IVA'],
    ['es-PE', 'es', 'IGV'],
    ['en-PK', 'en', 'GST'],
    ['ur-PK', 'en', 'GST'],
    ['en-CR', 'en', 'VAT'],
    ['es', 'es', 'IVA'],
  ] as const)('%s in %s is %s', (locale, language, name) => {
    expect(receiptTaxName(locale, language)).toBe(name);
  });

  it.each([
    ['es-CR', 'es', 'Céd. jurídica'],
    ['en-CR', 'en', 'Tax ID'],
    ['es-MX', 'es', 'RFC'],
    ['es-PE', 'es', 'RUC'],
    ['es-CO', 'es', 'NIT'],
    ['en-PK', 'en', 'NTN'],
    ['es-CL', 'es', 'ID fiscal'],
  ] as const)('the tax registration in %s (%s) is %s', (locale, language, label) => {
    expect(receiptTaxIdLabel(locale, language)).toBe(label);
  });
});

describe('formatTaxRate', () => {
  it.each([
    [1300, 'es-CR', 'es', '13 %'],
    [250, 'es-CR', 'es', '2,5 %'],
    [1050, 'es-MX', 'es', '10.5 %'],
    [1800, 'es-PE', 'es', '18 %'],
    [1, 'es-CO', 'es', '0,01 %'],
    [0, 'es-MX', 'es', '0 %'],
    [10_000, 'es-CR', 'es', '100 %'],
    [250, 'en-PK', 'en', '2.5%'],
  ] as const)('%i basis points in %s is %s', (basisPoints, locale, language, text) => {
    expect(formatTaxRate(basisPoints, locale, language)).toBe(text);
  });

  it('labels a rate with the tax name', () => {
    expect(receiptTaxRateLabel(1300, 'es-CR', 'es')).toBe('IVA 13 %');
    expect(receiptTaxRateLabel(1800, 'es-PE', 'es')).toBe('IGV 18 %');
    expect(receiptTaxRateLabel(1800, 'en-PK', 'en')).toBe('GST 18%');
  });
});
