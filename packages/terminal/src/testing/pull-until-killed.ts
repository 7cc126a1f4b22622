/**
 * A child process for the crash test of the bootstrap snapshot: it opens an activated terminal home
 * and pulls, writing the snapshot in small batches and printing "stored" after each store write
 * resolved (is durable). The parent kills it with SIGKILL in the middle of the snapshot and then
 * checks what the next open finds. Run: node --import tsx pull-until-killed.ts <home> <batch changes>
 */
import { openNodeTerminal } from '../node-terminal';
import type { TerminalStore } from '../storage/terminal-store';
import { pullChanges } from '../sync/pull-client';
import { fetchTransport } from '../sync/transport';

const [home, batchChanges] = process.argv.slice(2);
if (home === undefined || batchChanges === undefined) throw new Error('usage: <home> <batch changes>');
const opened = await openNodeTerminal({ home });
if (!opened.ok) throw new Error(opened.code);
const identity = await opened.engine.identity();
if (identity === undefined) throw new Error('the home is not activated');
const { store } = opened;
const printing: TerminalStore = {
  read: (work) => store.read(work),
  write: async (work) => {
    const result = await store.write(work);
    process.stdout.write('stored\n');
    return result;
  },
  usage: () => store.usage(),
  close: () => store.close(),
};
const pulled = await pullChanges({
  store: printing,
  transport: fetchTransport(identity.serverUrl, { timeoutMs: 60_000 }),
  deviceCredential: identity.deviceCredential,
  terminalId: identity.terminalId,
  clock: () => new Date(),
  snapshotBatchChangesMax: Number(batchChanges),
});
process.stdout.write(`pulled ${JSON.stringify(pulled)}\n`);
await opened.close();
