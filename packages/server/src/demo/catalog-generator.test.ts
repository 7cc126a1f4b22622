import { describe, expect, it } from 'vitest';
import { isValidEan13 } from './barcode';
import {
  type CatalogGeneratorOptions,
  type GeneratedProduct,
  type GeneratedVariant,
  generateCatalog,
  generateCategories,
  generateProducts,
  productLineSpaces,
  supportedCurrencies,
  verticalOfCategory,
} from './catalog-generator';
import type { Vertical } from './catalog-vocabulary';

const demoOptions: CatalogGeneratorOptions = {
  seed: 2026,
  productCount: 2_200,
  storeCount: 2,
  currencies: ['CRC', 'MXN'],
};

function takeProducts(options: CatalogGeneratorOptions, count: number): GeneratedProduct[] {
  const products: GeneratedProduct[] = [];
  for (const product of generateProducts(options)) {
    if (products.length === count) break;
    products.push(product);
  }
  return products;
}

/** The catalog without what depends on store count and currencies. */
function withoutStockAndPrices(products: readonly GeneratedProduct[]) {
  return products.map((product) => ({
    ...product,
    variants: product.variants.map(({ stockByStore, pricesMinor, costMinor, ...variant }) => variant),
  }));
}

const canonicalDecimal = /^(0|[1-9]\d*)(\.\d{0,2}[1-9])?$/;

function isPricedAboveCost(variant: GeneratedVariant, currencies: readonly string[]): boolean {
  return (
    Object.keys(variant.pricesMinor).join() === currencies.join() &&
    Object.keys(variant.costMinor).join() === currencies.join() &&
    currencies.every((currency) => {
      const price = variant.pricesMinor[currency] ?? Number.NaN;
      const cost = variant.costMinor[currency] ?? Number.NaN;
      return Number.isSafeInteger(price) && Number.isSafeInteger(cost) && cost > 0 && cost < price;
    })
  );
}

function variantLabel(variant: GeneratedVariant): string {
  const { size, color } = variant.attributes;
  return `${size} / ${(color ?? '').charAt(0).toUpperCase()}${(color ?? '').slice(1)}`;
}
const isoDate = /^\d{4}-\d{2}-\d{2}$/;

describe('generateCatalog', () => {
  it('gives byte-identical output for the same options', () => {
    const first = generateCatalog(demoOptions);
    const second = generateCatalog({ ...demoOptions, currencies: [...demoOptions.currencies] });
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it('gives a different catalog for a different seed', () => {
    const first = generateCatalog(demoOptions).products;
    const second = generateCatalog({ ...demoOptions, seed: demoOptions.seed + 1 }).products;
    expect(JSON.stringify(second)).not.toBe(JSON.stringify(first));
    const sameNameAtSamePosition = first.filter(
      (product, index) => product.name === second[index]?.name,
    ).length;
    expect(sameNameAtSamePosition).toBeLessThan(first.length / 10);
  });

  it('gives the demo at least 2,000 products with every vertical at 15 % or more', () => {
    const { products } = generateCatalog(demoOptions);
    expect(products.length).toBeGreaterThanOrEqual(2_000);
    const productsByVertical: Record<Vertical, number> = {
      hardware: 0,
      pharmacy: 0,
      apparel: 0,
      autoParts: 0,
    };
    for (const product of products) productsByVertical[verticalOfCategory(product.categoryKey)] += 1;
    for (const count of Object.values(productsByVertical)) {
      expect(count / products.length).toBeGreaterThanOrEqual(0.15);
    }
  });

  it('returns the categories alongside the products', () => {
    expect(generateCatalog({ ...demoOptions, productCount: 1 }).categories).toEqual(generateCategories());
  });
});

describe('generateCategories', () => {
  it('gives a tree: unique keys, every parent listed before its children, roots per vertical', () => {
    const categories = generateCategories();
    const seen = new Set<string>();
    for (const category of categories) {
      expect(seen.has(category.key)).toBe(false);
      if (category.parentKey !== null) expect(seen.has(category.parentKey)).toBe(true);
      seen.add(category.key);
    }
    const roots = categories
      .filter((category) => category.parentKey === null)
      .map((category) => category.key);
    expect(roots.map(verticalOfCategory).sort()).toEqual(['apparel', 'autoParts', 'hardware', 'pharmacy']);
  });

  it('hands out copies the caller may change', () => {
    const categories = generateCategories();
    const first = categories[0];
    if (first === undefined) throw new Error('no categories');
    first.name = 'Cambiado';
    expect(generateCategories()[0]?.name).not.toBe('Cambiado');
  });
});

describe('a 20,000-product catalog', () => {
  const products = generateCatalog({ ...demoOptions, seed: 7, productCount: 20_000 }).products;
  const variants = products.flatMap((product) => product.variants);

  it('has unique product keys, SKUs and barcodes', () => {
    expect(new Set(products.map((product) => product.key)).size).toBe(products.length);
    expect(new Set(variants.map((variant) => variant.sku)).size).toBe(variants.length);
    const barcodes = variants.flatMap((variant) => variant.barcodes);
    expect(new Set(barcodes).size).toBe(barcodes.length);
  });

  it('gives every variant one or two valid EAN-13 barcodes', () => {
    const wrongCount = variants.filter(
      (variant) => variant.barcodes.length < 1 || variant.barcodes.length > 2,
    );
    const invalid = variants
      .flatMap((variant) => variant.barcodes)
      .filter((barcode) => !isValidEan13(barcode));
    expect(wrongCount).toEqual([]);
    expect(invalid).toEqual([]);
    expect(variants.some((variant) => variant.barcodes.length === 2)).toBe(true);
  });

  it('prices every variant in every currency with a positive safe integer above its cost', () => {
    expect(variants.filter((variant) => !isPricedAboveCost(variant, ['CRC', 'MXN']))).toEqual([]);
  });

  it('prices in colones ending in 00 or 50', () => {
    expect(variants.filter((variant) => (variant.pricesMinor.CRC ?? Number.NaN) % 5_000 !== 0)).toEqual([]);
  });

  it('has one stock figure per store: whole units, or kilograms with up to three decimals when weighed', () => {
    const offending = products.flatMap((product) =>
      product.variants.filter(
        (variant) =>
          variant.stockByStore.length !== 2 ||
          variant.stockByStore.some(
            (figure) => !canonicalDecimal.test(figure) || (!product.soldByWeight && !/^\d+$/.test(figure)),
          ),
      ),
    );
    expect(offending).toEqual([]);
    const weighedFigures = products
      .filter((product) => product.soldByWeight)
      .flatMap((product) => product.variants.flatMap((variant) => variant.stockByStore));
    expect(weighedFigures.some((figure) => figure.includes('.'))).toBe(true);
  });

  it('sells only hardware by weight, loose and in a single variant', () => {
    const weighed = products.filter((product) => product.soldByWeight);
    expect(weighed.length).toBeGreaterThan(0);
    for (const product of weighed) {
      expect(verticalOfCategory(product.categoryKey)).toBe('hardware');
      expect(product.variants).toHaveLength(1);
      expect(product.variants[0]?.attributes.presentation).toBe('a granel');
    }
    expect(weighed.some((product) => product.categoryKey === 'ferreteria/clavos')).toBe(true);
    expect(weighed.some((product) => product.categoryKey === 'ferreteria/tornillos')).toBe(true);
  });

  it('gives apparel a full size × colour grid of 6 to 30 variants', () => {
    const apparel = products.filter((product) => verticalOfCategory(product.categoryKey) === 'apparel');
    expect(apparel.length).toBeGreaterThan(0);
    const offending = apparel.filter((product) => {
      const sizes = new Set(product.variants.map((variant) => variant.attributes.size));
      const colors = new Set(product.variants.map((variant) => variant.attributes.color));
      return (
        sizes.size < 2 ||
        colors.size < 3 ||
        product.variants.length !== sizes.size * colors.size ||
        product.variants.length > 30 ||
        product.variants.some((variant) => variant.name !== `${product.name} — ${variantLabel(variant)}`)
      );
    });
    expect(offending).toEqual([]);
    expect(apparel[0]?.variants[0]?.name).toMatch(/^.+ — [^/]+ \/ [A-ZÁÉÍÓÚ].*$/);
  });

  it('gives pharmacy items lots with ISO expiry dates, and nothing else a lot', () => {
    const offending = products.flatMap((product) =>
      product.variants.filter(
        (variant) =>
          variant.lot !== undefined &&
          (verticalOfCategory(product.categoryKey) !== 'pharmacy' ||
            !isoDate.test(variant.lot.expiresOn) ||
            !/^[A-Z]\d{4}-\d{3}$/.test(variant.lot.code)),
      ),
    );
    expect(offending).toEqual([]);
    const medicineLots = products
      .filter((product) => product.categoryKey === 'farmacia/analgesicos')
      .map((product) => product.variants[0]?.lot);
    expect(medicineLots.length).toBeGreaterThan(0);
    expect(medicineLots.every((lot) => lot !== undefined)).toBe(true);
    const expiries = medicineLots.map((lot) => lot?.expiresOn ?? '');
    expect(expiries.some((expiresOn) => expiresOn < '2026-12-01')).toBe(true);
    expect(expiries.some((expiresOn) => expiresOn > '2027-12-01')).toBe(true);
  });

  it('exempts prescription medicines and charges the general rate on hardware, apparel and auto parts', () => {
    const taxClassesOf = (keep: (product: GeneratedProduct) => boolean) =>
      new Set(products.filter(keep).map((product) => product.taxClass));
    expect(taxClassesOf((product) => product.categoryKey === 'farmacia/antibioticos')).toEqual(
      new Set(['exempt']),
    );
    expect(
      taxClassesOf(
        (product) =>
          product.categoryKey === 'farmacia/analgesicos' && product.description.includes('Venta libre'),
      ),
    ).toEqual(new Set(['reduced']));
    expect(taxClassesOf((product) => verticalOfCategory(product.categoryKey) !== 'pharmacy')).toEqual(
      new Set(['general']),
    );
  });

  it('names auto parts by the vehicle they fit, with its years as attributes', () => {
    const pads = products.filter((product) => product.name.startsWith('Pastillas de freno'));
    expect(pads.length).toBeGreaterThan(0);
    for (const pad of pads) {
      const attributes = pad.variants[0]?.attributes ?? {};
      expect(pad.name).toContain(` para ${attributes.vehicle}`);
      expect(Number(attributes.vehicleYearFrom)).toBeLessThanOrEqual(Number(attributes.vehicleYearTo));
      expect(pad.description).toContain('compatibles con');
    }
  });

  it('keeps product names distinct and within what the catalog API accepts', () => {
    expect(new Set(products.map((product) => product.name)).size).toBeGreaterThan(products.length * 0.99);
    expect(products.filter((product) => product.name.length > 200 || product.brand.length > 100)).toEqual([]);
    const offending = variants.filter(
      (variant) =>
        variant.name.length > 200 ||
        !/^[A-Za-z0-9][A-Za-z0-9\-_.]{0,39}$/.test(variant.sku) ||
        Object.keys(variant.attributes).length > 20 ||
        Object.entries(variant.attributes).some(
          ([key, value]) => !/^[a-z][a-zA-Z0-9_]{0,31}$/.test(key) || value.length > 100,
        ),
    );
    expect(offending).toEqual([]);
  });

  it('files every product under a known subcategory', () => {
    const subcategoryKeys = new Set(
      generateCategories()
        .filter((category) => category.parentKey !== null)
        .map((category) => category.key),
    );
    expect(products.filter((product) => !subcategoryKeys.has(product.categoryKey))).toEqual([]);
  });
});

describe('prices', () => {
  const products = generateCatalog({ ...demoOptions, seed: 11, productCount: 8_000 }).products;

  it('asks ₡1,500–₡4,000 for acetaminofén 500 mg x 100 and MXN 150–450 for a claw hammer', () => {
    const acetaminophen = products.filter(
      (product) =>
        product.variants[0]?.attributes.activeIngredient === 'acetaminofén' &&
        product.variants[0]?.attributes.strength === '500 mg' &&
        product.variants[0]?.attributes.presentation === 'x 100',
    );
    const hammers = products.filter((product) => product.name.startsWith('Martillo de uña'));
    expect(acetaminophen.length).toBeGreaterThan(0);
    expect(hammers.length).toBeGreaterThan(0);
    for (const product of acetaminophen) {
      const colonesMinor = product.variants[0]?.pricesMinor.CRC ?? Number.NaN;
      expect(colonesMinor).toBeGreaterThanOrEqual(150_000);
      expect(colonesMinor).toBeLessThanOrEqual(400_000);
    }
    for (const product of hammers) {
      const pesosMinor = product.variants[0]?.pricesMinor.MXN ?? Number.NaN;
      expect(pesosMinor).toBeGreaterThanOrEqual(15_000);
      expect(pesosMinor).toBeLessThanOrEqual(45_000);
    }
  });

  it('charges more for a bigger presentation of the same product', () => {
    const byTheUnitAndMore = products.filter(
      (product) => product.variants.length > 1 && product.variants[0]?.attributes.presentation === 'unidad',
    );
    expect(byTheUnitAndMore.length).toBeGreaterThan(0);
    const offending = byTheUnitAndMore.filter((product) =>
      product.variants.some(
        (variant, index) =>
          index > 0 && (variant.pricesMinor.CRC ?? 0) <= (product.variants[index - 1]?.pricesMinor.CRC ?? 0),
      ),
    );
    expect(offending).toEqual([]);
  });

  it('prices in every supported currency with positive safe integers above cost', () => {
    const everyCurrency = takeProducts(
      { ...demoOptions, currencies: supportedCurrencies, productCount: 3_000 },
      3_000,
    );
    const offending = everyCurrency
      .flatMap((product) => product.variants)
      .filter((variant) => !isPricedAboveCost(variant, supportedCurrencies));
    expect(offending).toEqual([]);
  });
});

describe('generateProducts', () => {
  it('streams: the first products of a ten-million-product catalog come without building it', () => {
    const stream = generateProducts({ ...demoOptions, productCount: 10_000_000 });
    const first = stream.next();
    expect(first.done).toBe(false);
    expect(first.value?.key).toBe('p-000001');
    expect(takeProducts({ ...demoOptions, productCount: 10_000_000 }, 500)).toHaveLength(500);
  });

  it('yields exactly the products generateCatalog returns', () => {
    expect([...generateProducts(demoOptions)]).toEqual(generateCatalog(demoOptions).products);
  });

  it('gives the same first products whatever the product count', () => {
    const small = [...generateProducts({ ...demoOptions, productCount: 300 })];
    expect(takeProducts({ ...demoOptions, productCount: 900 }, 300)).toEqual(small);
  });

  it('keeps the catalog itself the same whatever the store count and currencies', () => {
    const demo = [...generateProducts({ ...demoOptions, productCount: 500 })];
    const largeTenant = [
      ...generateProducts({
        ...demoOptions,
        productCount: 500,
        storeCount: 50,
        currencies: ['USD', 'PKR', 'COP'],
      }),
    ];
    expect(withoutStockAndPrices(largeTenant)).toEqual(withoutStockAndPrices(demo));
    expect(
      largeTenant.every((product) => product.variants.every((variant) => variant.stockByStore.length === 50)),
    ).toBe(true);
  });

  it('spreads lot expiries around the reference date it is given', () => {
    const lotsOn = (lotReferenceDate: string) =>
      [...generateProducts({ ...demoOptions, productCount: 400, lotReferenceDate })]
        .flatMap((product) => product.variants)
        .flatMap((variant) => (variant.lot === undefined ? [] : [variant.lot.expiresOn]));
    const later = lotsOn('2030-06-15');
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((expiresOn) => expiresOn >= '2030-03-01' && expiresOn <= '2033-06-15')).toBe(true);
  });

  it.each<[string, Partial<CatalogGeneratorOptions>]>([
    ['a fractional seed', { seed: 1.5 }],
    ['a negative product count', { productCount: -1 }],
    ['too many products', { productCount: 10_000_001 }],
    ['no stores', { storeCount: 0 }],
    ['too many stores', { storeCount: 501 }],
    ['no currencies', { currencies: [] }],
    ['a repeated currency', { currencies: ['CRC', 'CRC'] }],
    ['an unknown currency', { currencies: ['XYZ'] }],
    ['an impossible date', { lotReferenceDate: '2026-02-30' }],
  ])('refuses %s before yielding anything', (_, change) => {
    expect(() => generateProducts({ ...demoOptions, ...change })).toThrow(RangeError);
  });
});

describe('product lines', () => {
  it('have enough distinct names for their share of a 100,000-product catalog', () => {
    const lines = productLineSpaces();
    const weightTotal = lines.reduce((total, line) => total + line.weight, 0);
    for (const line of lines) {
      expect({ line: line.name, fits: (100_000 * line.weight) / weightTotal <= line.space }).toEqual({
        line: line.name,
        fits: true,
      });
    }
  });
});
