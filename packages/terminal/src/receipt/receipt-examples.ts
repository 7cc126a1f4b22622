import type { Receipt } from './receipt-model';

// Receipts the tests print, with amounts worked out by hand so that every one adds up the way
// the sale facts require: line totals sum to the total, taxes by rate sum to the tax total, and
// tenders minus change equal the total plus cash rounding.

/**
 * A Costa Rican corner shop sells offline, prices with IVA included: 2 × rice at ₡1 250, 0.75 kg
 * of cheese at ₡4 000 less ₡300 off, and a coffee with a long name; paid ₡20 000 in cash.
 * IVA 13 % per line: 28 761 + 31 062 + 78 805 = 138 628 minor units.
 */
export const crcOfflineSale: Receipt = {
  store: {
    name: 'Pulpería La Esquina',
    address: '200 m norte de la iglesia, San Ramón, Alajuela',
    taxId: '3-101-123456',
    phone: '2445-1234',
  },
  terminalName: 'Caja 1',
  documentId: '0192f3a4-7b1c-7def-8abc-123456789012',
  documentType: 'sale',
  provisionalFolio: 'T01-000042',
  finalFolio: null,
  issuedOffline: true,
  issuedAt: '2026-11-23T21:04:00.000Z',
  timeZone: 'America/Costa_Rica',
  cashierName: 'María Pérez',
  locale: 'es-CR',
  currency: 'CRC',
  language: 'es',
  lines: [
    {
      name: 'Arroz Tío Pelón 1 kg',
      sku: 'ARZ-001',
      quantity: '2',
      unitPriceMinor: 125_000,
      discountMinor: 0,
      totalMinor: 250_000,
      taxRateBasisPoints: 1300,
    },
    {
      name: 'Queso Turrialba',
      sku: 'QSO-014',
      quantity: '0.75',
      unitPriceMinor: 400_000,
      discountMinor: 30_000,
      totalMinor: 270_000,
      taxRateBasisPoints: 1300,
    },
    {
      name: 'Café Britt Tarrazú molido 340 g edición especial de cosecha',
      sku: 'CAF-340',
      quantity: '1',
      unitPriceMinor: 685_000,
      discountMinor: 0,
      totalMinor: 685_000,
      taxRateBasisPoints: 1300,
    },
  ],
  subtotalMinor: 1_235_000,
  discountTotalMinor: 30_000,
  taxByRate: [{ rateBasisPoints: 1300, taxableBaseMinor: 1_066_372, taxMinor: 138_628 }],
  taxTotalMinor: 138_628,
  totalMinor: 1_205_000,
  tenders: [{ kind: 'cash', amountMinor: 2_000_000, reference: null }],
  changeMinor: 795_000,
  cashRoundingMinor: 0,
  footer: '¡Gracias por su compra!',
};

/** The same sale reprinted after the server applied it and gave it a final folio. */
export const crcSyncedReprint: Receipt = { ...crcOfflineSale, finalFolio: '001-00000123' };

/**
 * A Mexican sale online: 3 sodas at $18.50 with IVA 16 % included and 1.255 kg of tortillas at
 * $24.00 (IVA 0 %) = $85.62. $50.00 by card, the rest in cash: the $35.62 left rounds down to
 * $35.60 (10-centavo coins), so $50.00 in cash gets $14.40 back.
 */
export const mxnSplitTenderSale: Receipt = {
  store: { name: 'Abarrotes Don Pepe', address: 'Av. Juárez 120, Puebla', taxId: 'PEPJ800101AB1' },
  terminalName: 'Caja 2',
  documentId: '0192f3a5-0000-7abc-9def-0000000000a1',
  documentType: 'sale',
  provisionalFolio: 'T02-000007',
  finalFolio: 'A-000315',
  issuedOffline: false,
  issuedAt: '2026-11-23T18:30:00.000Z',
  timeZone: 'America/Mexico_City',
  cashierName: 'José Hernández',
  locale: 'es-MX',
  currency: 'MXN',
  language: 'es',
  lines: [
    {
      name: 'Coca-Cola 600 ml',
      sku: 'CC-600',
      quantity: '3',
      unitPriceMinor: 1850,
      discountMinor: 0,
      totalMinor: 5550,
      taxRateBasisPoints: 1600,
    },
    {
      name: 'Tortillas de maíz',
      sku: 'TOR-KG',
      quantity: '1.255',
      unitPriceMinor: 2400,
      discountMinor: 0,
      totalMinor: 3012,
      taxRateBasisPoints: 0,
    },
  ],
  subtotalMinor: 8562,
  discountTotalMinor: 0,
  taxByRate: [
    { rateBasisPoints: 1600, taxableBaseMinor: 4784, taxMinor: 766 },
    { rateBasisPoints: 0, taxableBaseMinor: 3012, taxMinor: 0 },
  ],
  taxTotalMinor: 766,
  totalMinor: 8562,
  tenders: [
    { kind: 'card', amountMinor: 5000, reference: 'AUT 123456' },
    { kind: 'cash', amountMinor: 5000, reference: null },
  ],
  changeMinor: 1440,
  cashRoundingMinor: -2,
};

/** A Peruvian refund of 2 yogurts at S/ 6.90, IGV 18 % included, given back in cash. */
export const penRefund: Receipt = {
  store: { name: 'Bodega Santa Rosa', taxId: '20123456789' },
  terminalName: 'Caja 1',
  documentId: '0192f3a6-1111-7abc-8def-0000000000b2',
  documentType: 'refund',
  provisionalFolio: 'T01-000099',
  finalFolio: 'B001-00004567',
  issuedOffline: false,
  issuedAt: '2026-11-23T15:00:00.000Z',
  timeZone: 'America/Lima',
  cashierName: 'Rosa Quispe',
  locale: 'es-PE',
  currency: 'PEN',
  language: 'es',
  lines: [
    {
      name: 'Yogurt Gloria fresa 1 L',
      sku: 'YOG-1L',
      quantity: '2',
      unitPriceMinor: 690,
      discountMinor: 0,
      totalMinor: 1380,
      taxRateBasisPoints: 1800,
    },
  ],
  subtotalMinor: 1380,
  discountTotalMinor: 0,
  taxByRate: [{ rateBasisPoints: 1800, taxableBaseMinor: 1169, taxMinor: 211 }],
  taxTotalMinor: 211,
  totalMinor: 1380,
  tenders: [{ kind: 'cash', amountMinor: 1380, reference: null }],
  changeMinor: 0,
  cashRoundingMinor: 0,
};

/** A Pakistani sale in English with GST 18 % added on top of the price, paid by card. */
export const pkrEnglishSale: Receipt = {
  store: { name: 'Karachi General Store', address: 'Shop 4, Tariq Road, Karachi', taxId: '1234567-8' },
  terminalName: 'Till 3',
  documentId: '0192f3a7-2222-7abc-adef-0000000000c3',
  documentType: 'sale',
  provisionalFolio: 'T03-000001',
  finalFolio: null,
  issuedOffline: true,
  issuedAt: '2026-11-23T10:00:00.000Z',
  timeZone: 'Asia/Karachi',
  cashierName: 'Ayesha Khan',
  locale: 'en-PK',
  currency: 'PKR',
  language: 'en',
  lines: [
    {
      name: 'Basmati rice 5 kg',
      sku: 'RICE-5',
      quantity: '1',
      unitPriceMinor: 150_000,
      discountMinor: 0,
      totalMinor: 177_000,
      taxRateBasisPoints: 1800,
    },
  ],
  subtotalMinor: 150_000,
  discountTotalMinor: 0,
  taxByRate: [{ rateBasisPoints: 1800, taxableBaseMinor: 150_000, taxMinor: 27_000 }],
  taxTotalMinor: 27_000,
  totalMinor: 177_000,
  tenders: [{ kind: 'card', amountMinor: 177_000, reference: 'AUTH 998877' }],
  changeMinor: 0,
  cashRoundingMinor: 0,
};

/**
 * Everything as long as the schema lets it be: names without spaces, a long address, a huge
 * amount, a long card reference and footer. The layout must still keep inside the paper.
 */
export const crcLongTextSale: Receipt = {
  ...crcOfflineSale,
  store: {
    name: 'Supermercado y Ferretería Los Hermanos Rodríguez Villalobos Sociedad Anónima',
    address: 'Del Palí de Barrio San José 300 metros al sur y 50 al oeste, casa esquinera portón negro',
    taxId: '3-101-999999',
    phone: '+506 2222-3333 / +506 8888-9999',
  },
  terminalName: 'Caja principal del segundo piso junto a la ferretería',
  cashierName: 'María de los Ángeles Rodríguez Villalobos',
  lines: [
    {
      name: 'Desatornilladorinalámbricoprofesionalconjuntodepuntasintercambiables18V',
      sku: 'HER-18V',
      quantity: '1000.125',
      unitPriceMinor: 999_999_999,
      discountMinor: 99_999_999,
      totalMinor: 999_899_999_999,
      taxRateBasisPoints: 1300,
    },
  ],
  subtotalMinor: 999_999_999_998,
  discountTotalMinor: 99_999_999,
  taxByRate: [{ rateBasisPoints: 1300, taxableBaseMinor: 884_867_256_636, taxMinor: 115_032_743_363 }],
  taxTotalMinor: 115_032_743_363,
  totalMinor: 999_899_999_999,
  tenders: [
    {
      kind: 'payment_link',
      amountMinor: 999_899_999_999,
      reference: 'pl_live_8f3a9c2e7b1d4f6a0c5e9b2d7f1a3c8e5b0d9f2a',
    },
  ],
  changeMinor: 0,
  cashRoundingMinor: 0,
  footer:
    'Cambios y devoluciones dentro de los 8 días naturales siguientes con la factura original y el empaque sin abrir.',
};
