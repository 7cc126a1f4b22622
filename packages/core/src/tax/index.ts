export {
  assertTaxRate,
  type LineTax,
  lineTax,
  type PriceTaxMode,
  type TaxRateTotal,
  taxFromGross,
  taxFromNet,
  taxRateBasisPointsMax,
  taxRateBasisPointsSchema,
  taxTotalsByRate,
} from './tax';
