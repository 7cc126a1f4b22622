/**
 * What terminal-commit-browser's page measures per sale, shared by the page's script and the
 * Node side that collects it (this module has no side effects, so both may import it).
 */
export interface SalesSamples {
  readonly ringMs: number[];
  readonly completeSaleMs: number[];
  readonly floorMs: number[];
  readonly floorSameKeysMs: number[];
  readonly floorGuaranteesMs: number[];
}

export function emptySalesSamples(): SalesSamples {
  return { ringMs: [], completeSaleMs: [], floorMs: [], floorSameKeysMs: [], floorGuaranteesMs: [] };
}
