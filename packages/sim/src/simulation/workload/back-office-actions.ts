import type { SimulatedWorld } from '../world/world';

export const BACK_OFFICE_ACTION_PER_MILLE = { priceChange: 25, stockReceipt: 25 } as const;

/** Managers at the back office, whatever the stores' links are doing: new prices, received goods. */
export async function backOfficeStep(world: SimulatedWorld): Promise<void> {
  const random = world.decisions;
  if (random.chancePerMille(BACK_OFFICE_ACTION_PER_MILLE.priceChange)) {
    const item = random.pick(world.tenant.items);
    const store = random.pick(world.tenant.stores);
    const amountMinor = random.integer(10, 400) * 100;
    await world.backOffice.expectOk(
      world.tenant.adminEmail,
      'PUT',
      `/api/v1/variants/${item.variantId}/prices`,
      {
        currency: store.currency,
        amountMinor,
      },
    );
    world.trace.record('office', 'price.set', `${item.sku} ${store.currency} ${amountMinor}`);
  }
  if (random.chancePerMille(BACK_OFFICE_ACTION_PER_MILLE.stockReceipt)) {
    const store = random.pick(world.tenant.stores);
    const item = random.pick(world.tenant.items);
    const quantity = random.integer(1, 5);
    await world.backOffice.expectOk(store.managerEmail, 'POST', '/api/v1/stock/receipts', {
      warehouseId: store.warehouseId,
      reference: `recepción ${world.trace.entryCount()}`,
      lines: [{ variantId: item.variantId, quantity: String(quantity) }],
    });
    world.trace.record('office', 'stock.received', `${store.code} ${item.sku} +${quantity}`);
  }
}
