// How far a typed word may be from a catalog word and still be taken for it. A cashier's slips
// are one key: a letter missed, doubled, wrong or swapped with its neighbour ("galetas",
// "chocolte", "caeft"); long words get two, short ones none, since three letters one edit apart
// are usually different words ("sal", "sol").

/** Words shorter than this are never corrected. */
export const TYPO_LENGTH_MIN = 4;
/** From this length on, two edits are forgiven. */
export const TWO_TYPOS_LENGTH_MIN = 8;
/** Longer words are compared on their first letters only, so one comparison has a bounded cost. */
const COMPARED_LENGTH_MAX = 32;

export function typosAllowed(wordLength: number): number {
  if (wordLength >= TWO_TYPOS_LENGTH_MIN) return 2;
  return wordLength >= TYPO_LENGTH_MIN ? 1 : 0;
}

/**
 * The optimal string alignment distance between two words (insertions, deletions, substitutions
 * and swaps of neighbouring letters each count one), or `editsMax + 1` when it is larger.
 */
export type EditDistanceWithin = (typed: string, known: string, editsMax: number) => number;

/**
 * A distance function with its own rows, reused from call to call: a query compares each of its
 * words with the whole vocabulary, thousands of calls a keystroke. Only the band of cells within
 * `editsMax` of the diagonal is computed, and a row whose every cell is past `editsMax` ends it,
 * since most of the vocabulary is far away.
 */
export function createEditDistance(): EditDistanceWithin {
  const rows = [0, 1, 2].map(() => new Int32Array(COMPARED_LENGTH_MAX + 2));
  return (typed, known, editsMax) => {
    const tooFar = editsMax + 1;
    const leftLength = Math.min(typed.length, COMPARED_LENGTH_MAX);
    const rightLength = Math.min(known.length, COMPARED_LENGTH_MAX);
    if (Math.abs(leftLength - rightLength) > editsMax) return tooFar;
    let [beforePrevious, previous, current] = rows as [Int32Array, Int32Array, Int32Array];
    for (let column = 0; column <= rightLength; column += 1) previous[column] = Math.min(column, tooFar);
    for (let row = 1; row <= leftLength; row += 1) {
      const low = Math.max(1, row - editsMax);
      const high = Math.min(rightLength, row + editsMax);
      current[0] = Math.min(row, tooFar);
      current[low - 1] = low === 1 ? current[0] : tooFar;
      let rowMin = low === 1 ? current[0] : tooFar;
      const leftCode = typed.charCodeAt(row - 1);
      for (let column = low; column <= high; column += 1) {
        const rightCode = known.charCodeAt(column - 1);
        const cost = leftCode === rightCode ? 0 : 1;
        let distance = Math.min(
          previous[column]! + 1,
          current[column - 1]! + 1,
          previous[column - 1]! + cost,
        );
        const swapped =
          row > 1 &&
          column > 1 &&
          leftCode === known.charCodeAt(column - 2) &&
          typed.charCodeAt(row - 2) === rightCode;
        if (swapped) distance = Math.min(distance, beforePrevious[column - 2]! + 1);
        current[column] = Math.min(distance, tooFar);
        if (distance < rowMin) rowMin = distance;
      }
      // The next row's band reaches one column further; what lies there is out of reach.
      if (high < rightLength) current[high + 1] = tooFar;
      // No later row can be below this row's minimum.
      if (rowMin > editsMax) return tooFar;
      [beforePrevious, previous, current] = [previous, current, beforePrevious];
    }
    return previous[rightLength]!;
  };
}

/** One comparison, with rows of its own; a scan over many words should keep one `createEditDistance`. */
export function editDistanceWithin(typed: string, known: string, editsMax: number): number {
  return createEditDistance()(typed, known, editsMax);
}
