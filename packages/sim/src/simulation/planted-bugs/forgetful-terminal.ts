import { storeKeys } from '@mostrador/terminal';
import type { WriteTamper } from '../terminal/crashable-store';

/**
 * A planted terminal bug, for tests that show the checker can fail: every `everyNth` fact the till
 * records is deleted from its outbox in the same transaction, before any server acknowledged it
 * (as a retention or outbox bug would). The cashier was told the sale is done.
 */
export function deleteFactBeforeAcknowledgement(everyNth: number): WriteTamper {
  let recorded = 0;
  const factKey = /^fact\/[^/]+\/\d+$/;
  return async (transaction, putKeys) => {
    for (const key of putKeys) {
      if (!factKey.test(key) || !key.startsWith(storeKeys.factPrefix(key.split('/')[1]!))) continue;
      const stored = (await transaction.get(key)) as { acknowledgedAt?: unknown } | undefined;
      if (stored === undefined || stored.acknowledgedAt !== null) continue;
      recorded += 1;
      if (recorded % everyNth === 0) await transaction.delete(key);
    }
  };
}
