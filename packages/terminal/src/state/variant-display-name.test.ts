import { describe, expect, it } from 'vitest';
import { variantDisplayName } from './catalog-lookup';

describe('the name a variant goes by at the till', () => {
  it.each([
    ['Café de Olla', '', 'Café de Olla'],
    ['Café de Olla', 'Café de Olla', 'Café de Olla'],
    ['Café de Olla', '  500 g ', 'Café de Olla 500 g'],
    // The generator names variants after their product: the product is not said twice.
    ['Sudadera Ciudad', 'Sudadera Ciudad — M / Coral', 'Sudadera Ciudad — M / Coral'],
    ['', 'Bolsa', 'Bolsa'],
  ])('%s + %s → %s', (product, variant, expected) => {
    expect(variantDisplayName(product, variant)).toBe(expected);
  });
});
