import {
  type CurrencyCode,
  moneyFromDecimalString,
  parseQuantity,
  type Quantity,
  type Tender,
  tenderKinds,
} from '@mostrador/core';
import { z } from 'zod';
import { UsageError } from './cli-output';

/**
 * The sales a `sell` command rings up: one from --sku/--qty/--tender, or many from a JSON file
 * (version 1): { "sales": [ { "lines": [ { "sku": "HAM-1", "quantity": "2" } ],
 *                            "tenders": [ { "kind": "cash", "amount": "500.00" } ] } ] }.
 * Amounts are decimals in the store's currency; quantities exact decimals ("1.25" kg).
 */
export const SALES_SCRIPT_SALES_MAX = 100_000;

const scriptSchema = z.strictObject({
  version: z.literal(1).optional(),
  sales: z
    .array(
      z.strictObject({
        lines: z
          .array(
            z.strictObject({ sku: z.string().min(1).max(64), quantity: z.string().max(24).default('1') }),
          )
          .min(1)
          .max(500),
        tenders: z
          .array(
            z.strictObject({
              kind: z.enum(tenderKinds),
              amount: z.string().max(40),
              reference: z.string().min(1).max(200).optional(),
            }),
          )
          .min(1)
          .max(20),
      }),
    )
    .max(SALES_SCRIPT_SALES_MAX),
});

export interface ScriptedSale {
  readonly lines: readonly { readonly code: string; readonly quantity: Quantity }[];
  readonly tenders: readonly Tender[];
}

export function parseSalesScript(text: string, currency: CurrencyCode): ScriptedSale[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError('the sales file is not valid JSON');
  }
  const parsed = scriptSchema.safeParse(Array.isArray(value) ? { sales: value } : value);
  if (!parsed.success)
    throw new UsageError(`the sales file does not match its format: ${parsed.error.message}`);
  return parsed.data.sales.map((sale) => ({
    lines: sale.lines.map((line) => ({ code: line.sku, quantity: quantityArgument(line.quantity) })),
    tenders: sale.tenders.map((tender) => ({
      kind: tender.kind,
      amount: amountArgument(tender.amount, currency),
      ...(tender.reference === undefined ? {} : { reference: tender.reference }),
    })),
  }));
}

/** `cash:500.00` or `card:250.00:AUTH-123`. */
export function parseTenderArgument(text: string, currency: CurrencyCode): Tender {
  const [kind = '', amount = '', ...referenceParts] = text.split(':');
  if (!(tenderKinds as readonly string[]).includes(kind)) {
    throw new UsageError(`unknown tender kind "${kind}"; use one of ${tenderKinds.join(', ')}`);
  }
  const reference = referenceParts.join(':');
  return {
    kind: kind as Tender['kind'],
    amount: amountArgument(amount, currency),
    ...(reference === '' ? {} : { reference }),
  };
}

export function quantityArgument(text: string): Quantity {
  const parsed = parseQuantity(text);
  if (!parsed.ok) throw new UsageError(`"${text}" is not a quantity (a decimal with up to 3 places)`);
  return parsed.quantity;
}

function amountArgument(text: string, currency: CurrencyCode) {
  const amount = moneyFromDecimalString(text, currency);
  if (amount === undefined) throw new UsageError(`"${text}" is not an amount in ${currency}`);
  return amount;
}
