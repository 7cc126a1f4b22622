import { copyJsonValue } from './json-value';
import { assertStoreKey, toScanRange } from './scan-range';
import type { SortedKeyMap } from './sorted-key-map';
import type { JsonValue, ReadTransaction, ScanOptions } from './terminal-store';
import { TerminalStoreError } from './terminal-store-error';

/**
 * Reads a SortedKeyMap for one transaction, copying every value on the way out so a caller that
 * mutates what it read cannot change the store. Valid only while its transaction's turn lasts.
 */
export class SortedKeyMapReadTransaction implements ReadTransaction {
  private finished = false;

  constructor(private readonly index: SortedKeyMap) {}

  async get(key: string): Promise<JsonValue | undefined> {
    this.assertOpen();
    assertStoreKey(key);
    const value = this.index.get(key);
    return value === undefined ? undefined : copyJsonValue(value).value;
  }

  async has(key: string): Promise<boolean> {
    this.assertOpen();
    assertStoreKey(key);
    return this.index.has(key);
  }

  async scan(options: ScanOptions): Promise<[string, JsonValue][]> {
    this.assertOpen();
    const range = toScanRange(options);
    return this.index.scan(range, range.limit).map(([key, value]) => [key, copyJsonValue(value).value]);
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen();
    assertStoreKey(prefix);
    return this.index.countPrefix(prefix);
  }

  finish(): void {
    this.finished = true;
  }

  private assertOpen(): void {
    if (this.finished) {
      throw new TerminalStoreError(
        'TRANSACTION_FINISHED',
        'this transaction was used after its work finished',
      );
    }
  }
}
