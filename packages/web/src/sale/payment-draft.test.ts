import { money } from '@mostrador/core';
import { describe, expect, it } from 'vitest';
import { localeSeparators, parseMoneyText } from '../format/store-format';
import { type PaymentRow, previewPayment, remainingForRow } from './payment-draft';

const parse = (text: string) => parseMoneyText(text, 'MXN', localeSeparators('es-MX'));
const total = money(9_580, 'MXN');
const row = (id: number, kind: PaymentRow['kind'], amountText: string): PaymentRow => ({
  id,
  kind,
  amountText,
  reference: '',
});

describe('payment preview', () => {
  it('gives change from cash after a card, with the cash part rounded to the coin', () => {
    const preview = previewPayment(total, [row(1, 'card', '10'), row(2, 'cash', '100')], parse, 10);
    expect(preview).toMatchObject({ state: 'ready', changeMinor: 10_000 + 1_000 - 9_580, paidMinor: 11_000 });
  });

  it('says what is missing', () => {
    expect(previewPayment(total, [row(1, 'cash', '50')], parse, 10)).toMatchObject({
      state: 'short',
      shortByMinor: 4_580,
    });
  });

  it('refuses a card paying more than the total, and flags an unreadable amount', () => {
    expect(previewPayment(total, [row(1, 'card', '100')], parse, 10)).toMatchObject({
      state: 'refused',
      code: 'NON_CASH_OVERPAYMENT',
    });
    expect(previewPayment(total, [row(1, 'cash', 'x')], parse, 10)).toEqual({ state: 'invalid', rowId: 1 });
    expect(previewPayment(total, [row(1, 'cash', '')], parse, 10)).toEqual({ state: 'empty' });
  });

  it('fills a row with what the others leave', () => {
    const rows = [row(1, 'card', '10'), row(2, 'cash', '')];
    expect(remainingForRow(total, rows, 2, parse)).toEqual(money(8_580, 'MXN'));
    expect(remainingForRow(total, [row(1, 'card', '200'), row(2, 'cash', '')], 2, parse).amountMinor).toBe(0);
  });
});
