// The demo and benchmark catalog: a hardware store, a pharmacy, an apparel shop and an auto parts
// shop in one tenant. Pure and deterministic: the same options always give byte-identical output,
// so a benchmark run can be repeated and a failing seed replayed.
//
// Randomness comes from three independent streams of one seed, so that the catalog itself (names,
// variants, prices, lots) is the same whatever the store count or the currencies asked for:
// - naming: shuffles each product line's name combinations once, at the start;
// - catalog: everything about a product except stock;
// - stock: quantities on hand per store.
// Product names are not drawn at random. Each product line walks its combinations (kind × size ×
// detail × brand, …) in a shuffled order, so names only repeat once a line has used all of them.

import { type RandomGenerator, unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';
import { makeStoreInternalEan13, storeInternalSerialCount } from './barcode';
import {
  type Audience,
  apparelBrands,
  autoPartBrands,
  autoSupplyKinds,
  babyBrands,
  babyKinds,
  babySizes,
  categoryDefinitions,
  childSizes,
  colorPalettes,
  electricalBrands,
  electricalKinds,
  fastenerBrands,
  fastenerKinds,
  firstAidBrands,
  firstAidKinds,
  type Garment,
  garments,
  handToolKinds,
  type ItemKind,
  lightingKinds,
  type Medicine,
  type MedicineForm,
  type MedicinePack,
  medicines,
  nailKinds,
  paintBrands,
  paintKinds,
  paintSupplyKinds,
  personalCareBrands,
  personalCareKinds,
  pharmacyLaboratories,
  plumbingBrands,
  plumbingKinds,
  powerToolKinds,
  screwKinds,
  surchargedSizes,
  type TaxClass,
  toolBrands,
  type VariantAxis,
  type Vehicle,
  type VehiclePart,
  type Vertical,
  vehicleParts,
  vehicles,
  verticalCategoryKeys,
  vitaminBrands,
  vitaminKinds,
} from './catalog-vocabulary';

export interface CatalogGeneratorOptions {
  seed: number;
  /** Products, not SKUs: one apparel product gives 6–30 SKUs. */
  productCount: number;
  /** Stores to give stock figures for. */
  storeCount: number;
  /** Every variant gets a price in each of these ISO 4217 codes. */
  currencies: readonly string[];
  /**
   * The day lot expiries are spread around (ISO date, default 2026-12-01): a few lots are already
   * expired on it and some expire within 90 days, so FEFO and the expiring-lots report have
   * something to show. Pass the demo's "today" to keep it that way over time.
   */
  lotReferenceDate?: string;
}

export interface GeneratedCatalog {
  categories: { key: string; name: string; parentKey: string | null }[];
  products: GeneratedProduct[];
}

export interface GeneratedProduct {
  /** Stable across runs with the same options: 'p-000123'. */
  key: string;
  categoryKey: string;
  name: string;
  brand: string;
  description: string;
  taxClass: TaxClass;
  /** Priced per kilogram; its stock is kilograms with up to three decimals. */
  soldByWeight: boolean;
  variants: GeneratedVariant[];
}

export interface GeneratedVariant {
  /** Unique across the catalog. */
  sku: string;
  name: string;
  /** English camelCase keys (size, color, presentation, material, …), Spanish values. */
  attributes: Record<string, string>;
  /** One or two valid EAN-13 codes, unique across the catalog. */
  barcodes: string[];
  /** Integer minor units per currency code. */
  pricesMinor: Record<string, number>;
  /** Integer minor units per currency code, always below the price. */
  costMinor: Record<string, number>;
  /**
   * On hand per store, in canonical decimal form ("12", "12.5", "0.375"): whole units, or
   * kilograms with up to three decimals for goods sold by weight.
   */
  stockByStore: string[];
  /** Pharmacy items: the lot on hand and its expiry date. */
  lot?: { code: string; expiresOn: string };
}

// ---------------------------------------------------------------------------------------------
// Limits

const productCountMax = 10_000_000;
const storeCountMax = 500;
const variantsPerProductMax = 40;
const barcodesPerVariantMax = 2;
/** Keeps ordinal × multiplier in the name shuffle below 2^52. */
const combinationSpaceMax = 2 ** 26;
const defaultLotReferenceDate = '2026-12-01';

const secondBarcodePercent = 12;
const outOfStockPercent = 8;
const weighedStockGramsMax = 80_000;

// ---------------------------------------------------------------------------------------------
// Randomness

const randomStreams = { naming: 1, catalog: 2, stock: 3 } as const;

/** Murmur3's finalizer: a bijection on 32-bit integers that spreads nearby seeds apart. */
function mix32(value: number): number {
  let mixed = value | 0;
  mixed ^= mixed >>> 16;
  mixed = Math.imul(mixed, 0x85ebca6b);
  mixed ^= mixed >>> 13;
  mixed = Math.imul(mixed, 0xc2b2ae35);
  mixed ^= mixed >>> 16;
  return mixed | 0;
}

function createRandomStream(seed: number, stream: number): RandomGenerator {
  const seedLow = seed >>> 0;
  const seedHigh = Math.floor(seed / 2 ** 32) | 0;
  const random = xoroshiro128plus(mix32(seedLow ^ mix32(seedHigh ^ Math.imul(stream, 0x9e3779b9))));
  // xoroshiro's first outputs echo its seed; discard them.
  for (let warmUp = 0; warmUp < 16; warmUp += 1) random.unsafeNext();
  return random;
}

function randomInt(random: RandomGenerator, min: number, max: number): number {
  return unsafeUniformIntDistribution(min, max, random);
}

const fractionSteps = 1_000_000;

function randomBetween(random: RandomGenerator, min: number, max: number): number {
  return min + ((max - min) * randomInt(random, 0, fractionSteps)) / fractionSteps;
}

function percentChance(random: RandomGenerator, percent: number): boolean {
  return randomInt(random, 0, 99) < percent;
}

function itemAt<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new RangeError(`Index ${index} outside a list of ${list.length}`);
  return item;
}

/** A contiguous run of `count` items, so sizes stay consecutive (S–L, never S and XL alone). */
function randomWindow<T>(
  random: RandomGenerator,
  list: readonly T[],
  countMin: number,
  countMax: number,
): T[] {
  const count = randomInt(random, Math.min(countMin, list.length), Math.min(countMax, list.length));
  const start = randomInt(random, 0, list.length - count);
  return list.slice(start, start + count);
}

/** `count` distinct items kept in list order. */
function randomSubset<T>(random: RandomGenerator, list: readonly T[], count: number): T[] {
  const indexes = list.map((_, index) => index);
  for (let position = 0; position < count; position += 1) {
    const swapWith = randomInt(random, position, indexes.length - 1);
    const chosen = itemAt(indexes, swapWith);
    indexes[swapWith] = itemAt(indexes, position);
    indexes[position] = chosen;
  }
  return indexes
    .slice(0, count)
    .sort((left, right) => left - right)
    .map((index) => itemAt(list, index));
}

// ---------------------------------------------------------------------------------------------
// Name combinations

/** Reads a combination number as mixed-radix digits, one list at a time. */
class CombinationCursor {
  #remaining: number;

  constructor(combination: number) {
    this.#remaining = combination;
  }

  takeIndex(length: number): number {
    const index = this.#remaining % length;
    this.#remaining = Math.floor(this.#remaining / length);
    return index;
  }

  take<T>(list: readonly T[]): T {
    return itemAt(list, this.takeIndex(list.length));
  }
}

/** ordinal ↦ (ordinal × multiplier + offset) mod space, a bijection when gcd(multiplier, space) = 1. */
interface NameShuffle {
  readonly space: number;
  readonly multiplier: number;
  readonly offset: number;
}

function greatestCommonDivisor(left: number, right: number): number {
  let a = left;
  let b = right;
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function createNameShuffle(space: number, random: RandomGenerator): NameShuffle {
  if (!Number.isSafeInteger(space) || space < 1 || space > combinationSpaceMax) {
    throw new RangeError(
      `A product line's combination count must be in [1, ${combinationSpaceMax}], got ${space}`,
    );
  }
  const offset = randomInt(random, 0, space - 1);
  // At least a sixth of any run of integers this long is coprime with a space below 2^26, so
  // 1,000 tries do not run out in practice; the fallback only keeps the function total.
  for (let attempt = 0; attempt < 1_000; attempt += 1) {
    const multiplier = randomInt(random, Math.floor(space / 3), Math.max(1, Math.floor((2 * space) / 3)));
    if (greatestCommonDivisor(multiplier, space) === 1) return { space, multiplier, offset };
  }
  return { space, multiplier: 1, offset };
}

function combinationAt(shuffle: NameShuffle, ordinal: number): number {
  return ((ordinal % shuffle.space) * shuffle.multiplier + shuffle.offset) % shuffle.space;
}

// ---------------------------------------------------------------------------------------------
// Spanish text

function joinWords(words: readonly string[]): string {
  return words.filter((word) => word !== '').join(' ');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "negro, blanco y azul"; "y" becomes "e" before an i sound ("verde e índigo"). */
function listInSpanish(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  const last = itemAt(items, items.length - 1);
  const conjunction = /^(i|í|hi[^e])/i.test(last) ? 'e' : 'y';
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${last}`;
}

/** How a description introduces a product's variants: [one option, several options]. */
const variantAxisNames: Readonly<Record<string, readonly [string, string]>> = {
  size: ['Talla', 'Tallas'],
  flavor: ['Sabor', 'Sabores'],
  presentation: ['Presentación', 'Presentaciones'],
};

// ---------------------------------------------------------------------------------------------
// Product lines

interface VariantDraft {
  readonly label: string | null;
  readonly attributes: Record<string, string>;
  readonly priceUsdCents: number;
}

interface ProductDraft {
  readonly categoryKey: string;
  readonly name: string;
  readonly brand: string;
  readonly description: string;
  readonly taxClass: TaxClass;
  readonly soldByWeight: boolean;
  readonly hasLots: boolean;
  readonly variants: readonly VariantDraft[];
}

interface ProductLine {
  readonly name: string;
  readonly vertical: Vertical;
  /** Relative share of the catalog's products. */
  readonly weight: number;
  /** How many distinct names the line can produce. */
  readonly space: number;
  readonly build: (cursor: CombinationCursor, random: RandomGenerator) => ProductDraft;
}

function priceInRange(random: RandomGenerator, range: readonly [number, number], position: number): number {
  const [low, high] = range;
  return Math.max(1, (low + (high - low) * position) * randomBetween(random, 0.88, 1.12));
}

function variantsAlongAxis(
  random: RandomGenerator,
  axis: VariantAxis,
  attributes: Record<string, string>,
  priceUsdCents: number,
): VariantDraft[] {
  return randomWindow(random, axis.options, axis.countMin, axis.countMax).map((option) => ({
    label: option.label,
    attributes: { ...attributes, [axis.attribute]: option.label },
    priceUsdCents: priceUsdCents * option.priceFactor,
  }));
}

interface ItemEntry {
  readonly kind: ItemKind;
  readonly sizeIndex: number;
  readonly detail: string;
}

interface ItemLineDefaults {
  readonly taxClass: TaxClass;
  readonly hasLots: boolean;
}

function itemLine(
  name: string,
  vertical: Vertical,
  weight: number,
  kinds: readonly ItemKind[],
  brands: readonly string[],
  defaults: ItemLineDefaults,
): ProductLine {
  const entries: readonly ItemEntry[] = kinds.flatMap((kind) =>
    kind.sizes.flatMap((_, sizeIndex) => kind.details.map((detail) => ({ kind, sizeIndex, detail }))),
  );
  return {
    name,
    vertical,
    weight,
    space: entries.length * brands.length,
    build: (cursor, random) => buildItem(cursor.take(entries), cursor.take(brands), random, defaults),
  };
}

function buildItem(
  entry: ItemEntry,
  brand: string,
  random: RandomGenerator,
  defaults: ItemLineDefaults,
): ProductDraft {
  const { kind, sizeIndex, detail } = entry;
  const size = itemAt(kind.sizes, sizeIndex);
  const soldByWeight =
    kind.soldByWeightPercent !== undefined && percentChance(random, kind.soldByWeightPercent);
  const name = joinWords(
    kind.detailFirst ? [kind.noun, detail, size, brand] : [kind.noun, size, detail, brand],
  );
  const attributes: Record<string, string> = {};
  if (size !== '') attributes[kind.sizeAttribute ?? 'size'] = size;
  if (detail !== '') attributes[kind.detailAttribute ?? 'feature'] = detail;

  const position =
    kind.sizesUnordered || kind.sizes.length === 1
      ? randomBetween(random, 0, 1)
      : sizeIndex / (kind.sizes.length - 1);
  let variants: VariantDraft[];
  let saleSentence = '';
  if (soldByWeight) {
    const priceUsdCents = priceInRange(random, kind.kilogramPriceUsdCents ?? kind.priceUsdCents, position);
    variants = [{ label: null, attributes: { ...attributes, presentation: 'a granel' }, priceUsdCents }];
    saleSentence = 'Se vende a granel, por kilogramo.';
  } else if (kind.variants !== undefined) {
    variants = variantsAlongAxis(
      random,
      kind.variants,
      attributes,
      priceInRange(random, kind.priceUsdCents, position),
    );
    const [singular, plural] = variantAxisNames[kind.variants.attribute] ?? ['Opción', 'Opciones'];
    const axisName = variants.length === 1 ? singular : plural;
    saleSentence = `${axisName}: ${listInSpanish(variants.map((variant) => variant.label ?? ''))}.`;
  } else {
    variants = [
      { label: null, attributes, priceUsdCents: priceInRange(random, kind.priceUsdCents, position) },
    ];
  }

  const specifications = [size, detail].filter((word) => word !== '').join(', ');
  return {
    categoryKey: kind.categoryKey,
    name,
    brand,
    description: joinWords([
      kind.use,
      `Especificaciones: ${specifications}.`,
      saleSentence,
      `Marca ${brand}.`,
    ]),
    taxClass: kind.taxClass ?? defaults.taxClass,
    soldByWeight,
    hasLots: defaults.hasLots,
    variants,
  };
}

interface MedicineEntry {
  readonly medicine: Medicine;
  readonly form: MedicineForm;
  readonly pack: MedicinePack;
}

function medicineLine(weight: number): ProductLine {
  const entries: readonly MedicineEntry[] = medicines.flatMap((medicine) =>
    medicine.forms.flatMap((form) => form.packs.map((pack) => ({ medicine, form, pack }))),
  );
  // A maker is one of the generic laboratories or one of the ingredient's two brand names.
  const makerCount = pharmacyLaboratories.length + 2;
  return {
    name: 'medicines',
    vertical: 'pharmacy',
    weight,
    space: entries.length * makerCount,
    build: (cursor, random) => buildMedicine(cursor.take(entries), cursor.takeIndex(makerCount), random),
  };
}

function buildMedicine(entry: MedicineEntry, makerIndex: number, random: RandomGenerator): ProductDraft {
  const { medicine, form, pack } = entry;
  const laboratory = pharmacyLaboratories[makerIndex];
  const isGeneric = laboratory !== undefined;
  const brand = laboratory ?? itemAt(medicine.brandNames, makerIndex - pharmacyLaboratories.length);
  const presentation = joinWords([form.strength, form.dosageForm, pack.label]);
  const name = isGeneric
    ? `${medicine.ingredient} ${presentation} (${laboratory})`
    : `${brand} ${presentation}`;
  // Bigger packs cost less per dose; brand-name medicines cost about half as much again as generics.
  const brandFactor = isGeneric ? randomBetween(random, 0.85, 1.2) : randomBetween(random, 1.3, 1.8);
  const priceUsdCents = form.unitPriceUsdCents * pack.units ** 0.75 * brandFactor;
  const attributes: Record<string, string> = {
    activeIngredient: medicine.ingredient.toLowerCase(),
    strength: form.strength,
    dosageForm: form.dosageForm,
    presentation: pack.label,
    type: isGeneric ? 'genérico' : 'de marca',
  };
  const origin = isGeneric ? `Medicamento genérico de ${brand}.` : `Marca ${brand}.`;
  return {
    categoryKey: medicine.categoryKey,
    name,
    brand,
    description: joinWords([
      `${medicine.ingredient} ${form.strength} en ${form.dosageForm}.`,
      medicine.use,
      medicine.prescription ? 'Venta bajo receta médica.' : 'Venta libre.',
      origin,
    ]),
    taxClass: medicine.prescription ? 'exempt' : 'reduced',
    soldByWeight: false,
    hasLots: true,
    variants: [{ label: null, attributes, priceUsdCents }],
  };
}

interface GarmentEntry {
  readonly garment: Garment;
  readonly style: string;
  readonly fabric: string;
  readonly audience: Audience;
}

function apparelLine(weight: number): ProductLine {
  const entries: readonly GarmentEntry[] = garments.flatMap((garment) =>
    garment.styles.flatMap((style) =>
      garment.fabrics.flatMap((fabric) =>
        garment.audiences.map((audience) => ({ garment, style, fabric, audience })),
      ),
    ),
  );
  return {
    name: 'apparel',
    vertical: 'apparel',
    weight,
    space: entries.length * apparelBrands.length,
    build: (cursor, random) => buildGarment(cursor.take(entries), cursor.take(apparelBrands), random),
  };
}

function sizesFor(garment: Garment, audience: Audience): readonly string[] {
  if (audience === 'para bebé') return babySizes;
  if (audience === 'para niño' || audience === 'para niña') return childSizes;
  return garment.adultSizes;
}

function buildGarment(entry: GarmentEntry, brand: string, random: RandomGenerator): ProductDraft {
  const { garment, style, fabric, audience } = entry;
  const palette = colorPalettes[garment.palette];
  const sizes = randomWindow(random, sizesFor(garment, audience), 2, 5);
  const colors = randomSubset(random, palette, randomInt(random, 3, Math.min(6, palette.length)));
  const isForChildren = audience === 'para niño' || audience === 'para niña' || audience === 'para bebé';
  const basePriceUsdCents =
    priceInRange(random, garment.priceUsdCents, randomBetween(random, 0, 1)) * (isForChildren ? 0.75 : 1);
  const variants = sizes.flatMap((size) =>
    colors.map(
      (color): VariantDraft => ({
        label: `${size} / ${capitalize(color)}`,
        attributes: { size, color, material: fabric, style },
        priceUsdCents: basePriceUsdCents * (surchargedSizes.has(size) ? 1.1 : 1),
      }),
    ),
  );
  const firstSize = itemAt(sizes, 0);
  const lastSize = itemAt(sizes, sizes.length - 1);
  return {
    categoryKey: garment.categoryKey,
    name: joinWords([garment.noun, style, `de ${fabric}`, audience, brand]),
    brand,
    description: joinWords([
      `${garment.noun} ${style} de ${fabric}, ${audience}.`,
      `Tallas ${firstSize} a ${lastSize}; colores ${listInSpanish(colors)}.`,
      `Marca ${brand}.`,
    ]),
    taxClass: 'general',
    soldByWeight: false,
    hasLots: false,
    variants,
  };
}

interface VehiclePartEntry {
  readonly part: VehiclePart;
  readonly position: string;
  readonly type: string;
}

function vehiclePartLine(weight: number): ProductLine {
  const entries: readonly VehiclePartEntry[] = vehicleParts.flatMap((part) =>
    part.positions.flatMap((position) => part.types.map((type) => ({ part, position, type }))),
  );
  return {
    name: 'vehicleParts',
    vertical: 'autoParts',
    weight,
    space: entries.length * vehicles.length * autoPartBrands.length,
    build: (cursor, random) =>
      buildVehiclePart(cursor.take(entries), cursor.take(vehicles), cursor.take(autoPartBrands), random),
  };
}

function buildVehiclePart(
  entry: VehiclePartEntry,
  vehicle: Vehicle,
  brand: string,
  random: RandomGenerator,
): ProductDraft {
  const { part, position, type } = entry;
  const vehicleName = `${vehicle.make} ${vehicle.model} ${vehicle.yearFrom}-${vehicle.yearTo}`;
  const attributes: Record<string, string> = {
    vehicle: vehicleName,
    vehicleMake: vehicle.make,
    vehicleModel: vehicle.model,
    vehicleYearFrom: String(vehicle.yearFrom),
    vehicleYearTo: String(vehicle.yearTo),
  };
  if (position !== '') attributes.position = position;
  attributes.type = type;
  const priceUsdCents = priceInRange(random, part.priceUsdCents, randomBetween(random, 0, 1));
  const variants =
    part.variants === undefined
      ? [{ label: null, attributes, priceUsdCents }]
      : variantsAlongAxis(random, part.variants, attributes, priceUsdCents);
  return {
    categoryKey: part.categoryKey,
    name: joinWords([part.noun, position, type, brand, 'para', vehicleName]),
    brand,
    description: joinWords([
      `${joinWords([part.noun, position, type])} ${part.plural ? 'compatibles' : 'compatible'} con ${vehicle.make} ${vehicle.model} de ${vehicle.yearFrom} a ${vehicle.yearTo}.`,
      part.use,
      `Marca ${brand}.`,
    ]),
    taxClass: 'general',
    soldByWeight: false,
    hasLots: false,
    variants,
  };
}

const generalGoods: ItemLineDefaults = { taxClass: 'general', hasLots: false };

/**
 * Weights give each vertical roughly its share of products — hardware 30 %, pharmacy 25 %,
 * apparel 23 %, auto parts 22 % — while no line is asked for more products than it has names
 * in a 100,000-product catalog, so names stay distinct that far.
 */
const productLines: readonly ProductLine[] = [
  itemLine('screws', 'hardware', 90, screwKinds, fastenerBrands, generalGoods),
  itemLine('nails', 'hardware', 12, nailKinds, fastenerBrands, generalGoods),
  itemLine('fasteners', 'hardware', 30, fastenerKinds, fastenerBrands, generalGoods),
  itemLine('handTools', 'hardware', 40, handToolKinds, toolBrands, generalGoods),
  itemLine('powerTools', 'hardware', 10, powerToolKinds, toolBrands, generalGoods),
  itemLine('paints', 'hardware', 25, paintKinds, paintBrands, generalGoods),
  itemLine('paintSupplies', 'hardware', 15, paintSupplyKinds, paintBrands, generalGoods),
  itemLine('plumbing', 'hardware', 45, plumbingKinds, plumbingBrands, generalGoods),
  itemLine('electrical', 'hardware', 22, electricalKinds, electricalBrands, generalGoods),
  itemLine('lighting', 'hardware', 11, lightingKinds, electricalBrands, generalGoods),
  medicineLine(82),
  itemLine('vitamins', 'pharmacy', 30, vitaminKinds, vitaminBrands, { taxClass: 'general', hasLots: true }),
  itemLine('personalCare', 'pharmacy', 105, personalCareKinds, personalCareBrands, generalGoods),
  itemLine('baby', 'pharmacy', 15, babyKinds, babyBrands, { taxClass: 'general', hasLots: true }),
  itemLine('firstAid', 'pharmacy', 18, firstAidKinds, firstAidBrands, { taxClass: 'reduced', hasLots: true }),
  apparelLine(230),
  vehiclePartLine(195),
  itemLine('autoSupplies', 'autoParts', 25, autoSupplyKinds, autoPartBrands, generalGoods),
];

const productLineWeightTotal = productLines.reduce((total, line) => total + line.weight, 0);

function pickProductLineIndex(random: RandomGenerator): number {
  let remaining = randomInt(random, 0, productLineWeightTotal - 1);
  for (let index = 0; index < productLines.length; index += 1) {
    remaining -= itemAt(productLines, index).weight;
    if (remaining < 0) return index;
  }
  throw new Error('Product line weights do not add up');
}

// ---------------------------------------------------------------------------------------------
// Verticals

interface VerticalProfile {
  readonly skuPrefix: string;
  readonly marginPercent: readonly [number, number];
  /** Units on hand per store of a cheap item; dearer items stock fewer. */
  readonly stockUnitsBase: number;
}

const verticalProfiles: Readonly<Record<Vertical, VerticalProfile>> = {
  hardware: { skuPrefix: 'FER', marginPercent: [25, 40], stockUnitsBase: 120 },
  pharmacy: { skuPrefix: 'FAR', marginPercent: [18, 35], stockUnitsBase: 80 },
  apparel: { skuPrefix: 'ROP', marginPercent: [40, 60], stockUnitsBase: 12 },
  autoParts: { skuPrefix: 'REP', marginPercent: [25, 45], stockUnitsBase: 15 },
};

// ---------------------------------------------------------------------------------------------
// Prices

/** Prices below `belowMinor` round to `stepMinor`, less `charmMinor` for a 9-ending (149.90). */
interface PriceTier {
  readonly belowMinor: number;
  readonly stepMinor: number;
  readonly charmMinor: number;
}

interface CurrencyPricing {
  /**
   * Minor units for one US cent of US-priced goods: the exchange rate times the local price
   * level, so shelf prices look local rather than converted.
   */
  readonly minorPerUsdCent: number;
  readonly tiers: readonly PriceTier[];
  /** Costs come off supplier invoices, rounded to the smallest unit in use. */
  readonly costStepMinor: number;
}

const currencyPricing: Readonly<Record<string, CurrencyPricing>> = {
  USD: {
    minorPerUsdCent: 1,
    tiers: [
      { belowMinor: 100, stepMinor: 5, charmMinor: 0 },
      { belowMinor: 10_000, stepMinor: 100, charmMinor: 1 },
      { belowMinor: Number.POSITIVE_INFINITY, stepMinor: 500, charmMinor: 1 },
    ],
    costStepMinor: 1,
  },
  // Colones: ₡1,250, ₡12,500. Prices end in 00 or 50 colones; 5 colones is the smallest coin.
  CRC: {
    minorPerUsdCent: 505 * 1.1,
    tiers: [
      { belowMinor: 1_000_000, stepMinor: 5_000, charmMinor: 0 },
      { belowMinor: 10_000_000, stepMinor: 10_000, charmMinor: 0 },
      { belowMinor: Number.POSITIVE_INFINITY, stepMinor: 50_000, charmMinor: 0 },
    ],
    costStepMinor: 100,
  },
  // Pesos: $18.50, $34.90, $149.00.
  MXN: {
    minorPerUsdCent: 18 * 0.95,
    tiers: [
      { belowMinor: 2_000, stepMinor: 50, charmMinor: 0 },
      { belowMinor: 10_000, stepMinor: 100, charmMinor: 10 },
      { belowMinor: Number.POSITIVE_INFINITY, stepMinor: 1_000, charmMinor: 100 },
    ],
    costStepMinor: 1,
  },
  // Soles: S/ 3.50, S/ 12.90, S/ 149.90.
  PEN: {
    minorPerUsdCent: 3.7 * 0.9,
    tiers: [
      { belowMinor: 1_000, stepMinor: 10, charmMinor: 0 },
      { belowMinor: 10_000, stepMinor: 100, charmMinor: 10 },
      { belowMinor: Number.POSITIVE_INFINITY, stepMinor: 1_000, charmMinor: 10 },
    ],
    costStepMinor: 1,
  },
  // Colombian pesos: $3.500, $12.900, $189.900; the smallest coin in use is 50 pesos.
  COP: {
    minorPerUsdCent: 4_000 * 0.85,
    tiers: [
      { belowMinor: 1_000_000, stepMinor: 10_000, charmMinor: 0 },
      { belowMinor: 10_000_000, stepMinor: 100_000, charmMinor: 10_000 },
      { belowMinor: Number.POSITIVE_INFINITY, stepMinor: 1_000_000, charmMinor: 10_000 },
    ],
    costStepMinor: 100,
  },
  // Rupees: Rs 35, Rs 340, Rs 1,250.
  PKR: {
    minorPerUsdCent: 280 * 0.55,
    tiers: [
      { belowMinor: 10_000, stepMinor: 500, charmMinor: 0 },
      { belowMinor: 100_000, stepMinor: 1_000, charmMinor: 0 },
      { belowMinor: Number.POSITIVE_INFINITY, stepMinor: 5_000, charmMinor: 0 },
    ],
    costStepMinor: 100,
  },
  // Yen have no minor digits: ¥298, ¥1,980.
  JPY: {
    minorPerUsdCent: 1.5,
    tiers: [
      { belowMinor: 1_000, stepMinor: 10, charmMinor: 2 },
      { belowMinor: Number.POSITIVE_INFINITY, stepMinor: 100, charmMinor: 20 },
    ],
    costStepMinor: 1,
  },
  // Chilean pesos have no minor digits: $990, $3.990, $12.990.
  CLP: {
    minorPerUsdCent: 9.4 * 0.95,
    tiers: [
      { belowMinor: 1_000, stepMinor: 10, charmMinor: 0 },
      { belowMinor: 10_000, stepMinor: 100, charmMinor: 10 },
      { belowMinor: Number.POSITIVE_INFINITY, stepMinor: 1_000, charmMinor: 10 },
    ],
    costStepMinor: 1,
  },
};

export const supportedCurrencies: readonly string[] = Object.keys(currencyPricing);

function shelfPriceMinor(pricing: CurrencyPricing, priceUsdCents: number): number {
  const rawMinor = priceUsdCents * pricing.minorPerUsdCent;
  const tier = pricing.tiers.find((candidate) => rawMinor < candidate.belowMinor) ?? itemAt(pricing.tiers, 0);
  return Math.max(tier.stepMinor, Math.round(rawMinor / tier.stepMinor) * tier.stepMinor) - tier.charmMinor;
}

function costMinor(pricing: CurrencyPricing, priceMinor: number, marginFraction: number): number {
  const step = pricing.costStepMinor;
  const cost = Math.max(step, Math.floor((priceMinor * (1 - marginFraction)) / step) * step);
  return Math.min(cost, priceMinor - 1);
}

// ---------------------------------------------------------------------------------------------
// Stock and lots

/** Canonical decimal: "12", "12.5", "0.375" (the form @mostrador/core quantities use). */
function formatThousandths(thousandths: number): string {
  const whole = Math.floor(thousandths / 1000);
  const fraction = thousandths % 1000;
  if (fraction === 0) return String(whole);
  return `${whole}.${String(fraction).padStart(3, '0').replace(/0+$/, '')}`;
}

function stockFigures(
  random: RandomGenerator,
  storeCount: number,
  soldByWeight: boolean,
  unitsMax: number,
): string[] {
  const figures: string[] = [];
  for (let store = 0; store < storeCount; store += 1) {
    if (percentChance(random, outOfStockPercent)) {
      figures.push('0');
    } else if (soldByWeight) {
      figures.push(formatThousandths(randomInt(random, 1, weighedStockGramsMax)));
    } else {
      figures.push(String(randomInt(random, 1, unitsMax)));
    }
  }
  return figures;
}

function stockUnitsMax(profile: VerticalProfile, priceUsdCents: number): number {
  const cheapness = Math.min(1, Math.max(0.05, 1_000 / priceUsdCents));
  return Math.max(2, Math.round(profile.stockUnitsBase * cheapness));
}

const lotLetters = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const millisecondsPerDay = 86_400_000;

function parseIsoDate(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const epochMilliseconds =
    match === null ? Number.NaN : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (Number.isNaN(epochMilliseconds) || new Date(epochMilliseconds).toISOString().slice(0, 10) !== text) {
    throw new RangeError(`lotReferenceDate must be an ISO date like 2026-12-01, got "${text}"`);
  }
  return epochMilliseconds;
}

/** Most lots have years left; 4 % are already expired and 10 % expire within 90 days. */
function drawLot(
  random: RandomGenerator,
  referenceEpochMilliseconds: number,
): { code: string; expiresOn: string } {
  const roll = randomInt(random, 0, 99);
  const daysToExpiry =
    roll < 4
      ? randomInt(random, -90, -1)
      : roll < 14
        ? randomInt(random, 0, 90)
        : randomInt(random, 91, 1_080);
  const expiry = new Date(referenceEpochMilliseconds + daysToExpiry * millisecondsPerDay);
  // Lots are coded by their manufacturing month, two years before expiry.
  const yearOfManufacture = String((expiry.getUTCFullYear() - 2) % 100).padStart(2, '0');
  const monthOfManufacture = String(expiry.getUTCMonth() + 1).padStart(2, '0');
  const letter = lotLetters.charAt(randomInt(random, 0, lotLetters.length - 1));
  const batch = String(randomInt(random, 1, 999)).padStart(3, '0');
  return {
    code: `${letter}${yearOfManufacture}${monthOfManufacture}-${batch}`,
    expiresOn: expiry.toISOString().slice(0, 10),
  };
}

// ---------------------------------------------------------------------------------------------
// Assembly

interface GeneratorSettings {
  readonly seed: number;
  readonly productCount: number;
  readonly storeCount: number;
  readonly currencies: readonly (readonly [string, CurrencyPricing])[];
  readonly lotReferenceEpochMilliseconds: number;
}

function resolveSettings(options: CatalogGeneratorOptions): GeneratorSettings {
  if (!Number.isSafeInteger(options.seed)) {
    throw new RangeError(`seed must be a safe integer, got ${options.seed}`);
  }
  if (
    !Number.isSafeInteger(options.productCount) ||
    options.productCount < 0 ||
    options.productCount > productCountMax
  ) {
    throw new RangeError(
      `productCount must be an integer in [0, ${productCountMax}], got ${options.productCount}`,
    );
  }
  if (
    !Number.isSafeInteger(options.storeCount) ||
    options.storeCount < 1 ||
    options.storeCount > storeCountMax
  ) {
    throw new RangeError(`storeCount must be an integer in [1, ${storeCountMax}], got ${options.storeCount}`);
  }
  if (options.currencies.length === 0 || new Set(options.currencies).size !== options.currencies.length) {
    throw new RangeError(
      `currencies must be a non-empty list without repeats, got [${options.currencies.join(', ')}]`,
    );
  }
  const currencies = options.currencies.map((code): readonly [string, CurrencyPricing] => {
    const pricing = currencyPricing[code];
    if (pricing === undefined) {
      throw new RangeError(`Unsupported currency ${code}; supported: ${supportedCurrencies.join(', ')}`);
    }
    return [code, pricing];
  });
  return {
    seed: options.seed,
    productCount: options.productCount,
    storeCount: options.storeCount,
    currencies,
    lotReferenceEpochMilliseconds: parseIsoDate(options.lotReferenceDate ?? defaultLotReferenceDate),
  };
}

interface StreamState {
  readonly settings: GeneratorSettings;
  readonly catalogRandom: RandomGenerator;
  readonly stockRandom: RandomGenerator;
}

function finishProduct(
  state: StreamState,
  productIndex: number,
  line: ProductLine,
  draft: ProductDraft,
  firstSkuSerial: number,
): GeneratedProduct {
  const { settings, catalogRandom, stockRandom } = state;
  if (draft.variants.length < 1 || draft.variants.length > variantsPerProductMax) {
    throw new Error(`Product line ${line.name} built ${draft.variants.length} variants`);
  }
  const profile = verticalProfiles[line.vertical];
  const productNumber = String(productIndex + 1).padStart(6, '0');
  const variants = draft.variants.map((variantDraft, variantIndex): GeneratedVariant => {
    const skuSerial = firstSkuSerial + variantIndex;
    const barcodeCount = percentChance(catalogRandom, secondBarcodePercent) ? 2 : 1;
    const barcodes: string[] = [];
    for (let barcodeIndex = 0; barcodeIndex < barcodeCount; barcodeIndex += 1) {
      barcodes.push(makeStoreInternalEan13(skuSerial * barcodesPerVariantMax + barcodeIndex));
    }
    const marginFraction = randomInt(catalogRandom, profile.marginPercent[0], profile.marginPercent[1]) / 100;
    const pricesMinor: Record<string, number> = {};
    const costsMinor: Record<string, number> = {};
    for (const [code, pricing] of settings.currencies) {
      const priceMinor = shelfPriceMinor(pricing, variantDraft.priceUsdCents);
      pricesMinor[code] = priceMinor;
      costsMinor[code] = costMinor(pricing, priceMinor, marginFraction);
    }
    const variant: GeneratedVariant = {
      sku: `${profile.skuPrefix}-${productNumber}-${String(variantIndex + 1).padStart(2, '0')}`,
      name: variantDraft.label === null ? draft.name : `${draft.name} — ${capitalize(variantDraft.label)}`,
      attributes: variantDraft.attributes,
      barcodes,
      pricesMinor,
      costMinor: costsMinor,
      stockByStore: stockFigures(
        stockRandom,
        settings.storeCount,
        draft.soldByWeight,
        stockUnitsMax(profile, variantDraft.priceUsdCents),
      ),
    };
    if (draft.hasLots) variant.lot = drawLot(catalogRandom, settings.lotReferenceEpochMilliseconds);
    return variant;
  });
  return {
    key: `p-${productNumber}`,
    categoryKey: draft.categoryKey,
    name: draft.name,
    brand: draft.brand,
    description: draft.description,
    taxClass: draft.taxClass,
    soldByWeight: draft.soldByWeight,
    variants,
  };
}

function* productStream(settings: GeneratorSettings): Generator<GeneratedProduct, void, undefined> {
  const namingRandom = createRandomStream(settings.seed, randomStreams.naming);
  const state: StreamState = {
    settings,
    catalogRandom: createRandomStream(settings.seed, randomStreams.catalog),
    stockRandom: createRandomStream(settings.seed, randomStreams.stock),
  };
  const shuffles = productLines.map((line) => createNameShuffle(line.space, namingRandom));
  const ordinalsByLine = productLines.map(() => 0);
  let nextSkuSerial = 0;
  for (let productIndex = 0; productIndex < settings.productCount; productIndex += 1) {
    const lineIndex = pickProductLineIndex(state.catalogRandom);
    const line = itemAt(productLines, lineIndex);
    const ordinal = itemAt(ordinalsByLine, lineIndex);
    ordinalsByLine[lineIndex] = ordinal + 1;
    const cursor = new CombinationCursor(combinationAt(itemAt(shuffles, lineIndex), ordinal));
    const product = finishProduct(
      state,
      productIndex,
      line,
      line.build(cursor, state.catalogRandom),
      nextSkuSerial,
    );
    nextSkuSerial += product.variants.length;
    if (nextSkuSerial * barcodesPerVariantMax > storeInternalSerialCount) {
      throw new RangeError('The catalog has outgrown the store-internal barcode range');
    }
    yield product;
  }
}

/**
 * Products one at a time, for tenants too large to hold in memory: the caller inserts them in
 * batches. Options are checked at once, before the first product is asked for.
 */
export function generateProducts(
  options: CatalogGeneratorOptions,
): Generator<GeneratedProduct, void, undefined> {
  return productStream(resolveSettings(options));
}

export function generateCategories(): GeneratedCatalog['categories'] {
  return categoryDefinitions.map((category) => ({ ...category }));
}

export function generateCatalog(options: CatalogGeneratorOptions): GeneratedCatalog {
  return { categories: generateCategories(), products: [...generateProducts(options)] };
}

/** The vertical a category belongs to, from its root: 'ferreteria/tornillos' → 'hardware'. */
export function verticalOfCategory(categoryKey: string): Vertical {
  const root = categoryKey.split('/')[0];
  const match = (Object.entries(verticalCategoryKeys) as [Vertical, string][]).find(
    ([, key]) => key === root,
  );
  if (match === undefined) throw new RangeError(`Category ${categoryKey} is not in the demo catalog`);
  return match[0];
}

/** Each product line's name count, so a test can check that weights stay within it. */
export function productLineSpaces(): { name: string; vertical: Vertical; weight: number; space: number }[] {
  return productLines.map(({ name, vertical, weight, space }) => ({ name, vertical, weight, space }));
}
