import { REASON_LENGTH_MAX, reasonSchema } from '@mostrador/core';
import { type Refusal, refuse } from '../engine-outcome';

export type ReasonRefusal = Refusal<'REASON_REQUIRED', { lengthMax: number }>;

/** Voids, refunds and cash movements say why, in the words of whoever did them. */
export function checkReason(text: string): { readonly ok: true; readonly text: string } | ReasonRefusal {
  const trimmed = text.trim();
  const parsed = reasonSchema.safeParse(trimmed);
  if (!parsed.success) return refuse('REASON_REQUIRED', { lengthMax: REASON_LENGTH_MAX });
  return { ok: true, text: parsed.data };
}
