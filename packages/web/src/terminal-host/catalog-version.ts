import { storeKeys, type TerminalStore } from '@mostrador/terminal';

/**
 * Changes whenever a pull applied a page: the feed cursor and generation the engine stores with
 * each page. The search index is rebuilt only then, not on every sync round that brought nothing.
 */
export async function catalogVersion(store: TerminalStore): Promise<string> {
  const pull = await store.read((transaction) => transaction.get(storeKeys.pull));
  if (pull === null || typeof pull !== 'object' || Array.isArray(pull)) return 'none';
  return `${String(pull.generation)}:${String(pull.cursor)}`;
}
