import type { FactEnvelope } from '@mostrador/core';

/**
 * When a fact happened, as far as the server will believe the device clock: its device time,
 * clamped to [lastServerTime, now]. A device clock cannot have been behind the last server time
 * it had already seen, and nothing happened later than the moment the server applies it.
 */
export function factTime(fact: Pick<FactEnvelope, 'deviceTime' | 'lastServerTime'>, now: Date): Date {
  let epochMs = Date.parse(fact.deviceTime);
  if (fact.lastServerTime !== null) epochMs = Math.max(epochMs, Date.parse(fact.lastServerTime));
  return new Date(Math.min(epochMs, now.getTime()));
}
