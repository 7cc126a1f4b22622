import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderReceiptText } from '../receipt';
import type { FakeServer } from '../testing/fake-server';
import { activatedTerminal, fixture, sellProduct, startSeededServer } from '../testing/fixtures';
import { saleReceipt } from './sale-receipt';

describe('the receipt of a sale from the local history', () => {
  let server: FakeServer;
  beforeEach(async () => {
    server = await startSeededServer();
  });
  afterEach(async () => server.stop());

  const context = {
    store: { name: 'Ferretería La Esquina' },
    terminalName: 'Caja 1',
    cashierName: 'Sofía',
    locale: 'es-CR',
    language: 'es' as const,
  };

  it('prints the provisional folio and the offline mark, then the final folio on a reprint after sync', async () => {
    const { engine } = await activatedTerminal(server);
    await engine.setPlannedOffline({ planned: true, approval: { pin: fixture.managerPin } });
    const sold = await sellProduct(engine, 'hammer');
    if (!sold.ok) throw new Error(sold.code);
    const first = renderReceiptText(saleReceipt(sold.sale, context), { widthColumns: 48 });
    expect(first).toContain(sold.sale.provisionalFolio);
    expect(first).toContain('SIN CONEXIÓN');

    await engine.setPlannedOffline({ planned: false, approval: { pin: fixture.managerPin } });
    expect(await engine.sync()).toMatchObject({ outcome: 'ok', pendingCount: 0 });
    const synced = await engine.getSale(sold.sale.saleId);
    expect(synced?.finalFolio).toBeTruthy();
    const reprint = renderReceiptText(saleReceipt(synced!, context), { widthColumns: 48 });
    expect(reprint).toContain(synced!.finalFolio!);
    expect(reprint).not.toContain(sold.sale.provisionalFolio);
  });
});
