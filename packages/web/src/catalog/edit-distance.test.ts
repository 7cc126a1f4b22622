import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistanceWithin, TWO_TYPOS_LENGTH_MIN, TYPO_LENGTH_MIN, typosAllowed } from './edit-distance';

/** The textbook full-table optimal string alignment distance, with no early exit. */
function fullDistance(left: string, right: string): number {
  const table = Array.from({ length: left.length + 1 }, (_, row) =>
    Array.from({ length: right.length + 1 }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  for (let row = 1; row <= left.length; row += 1) {
    for (let column = 1; column <= right.length; column += 1) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      let distance = Math.min(
        table[row - 1]![column]! + 1,
        table[row]![column - 1]! + 1,
        table[row - 1]![column - 1]! + cost,
      );
      if (
        row > 1 &&
        column > 1 &&
        left[row - 1] === right[column - 2] &&
        left[row - 2] === right[column - 1]
      ) {
        distance = Math.min(distance, table[row - 2]![column - 2]! + 1);
      }
      table[row]![column] = distance;
    }
  }
  return table[left.length]![right.length]!;
}

describe('edit distance for typos', () => {
  it('counts a missed, extra, wrong or swapped letter as one edit', () => {
    expect(editDistanceWithin('galetas', 'galletas', 2)).toBe(1);
    expect(editDistanceWithin('galllletas', 'galletas', 2)).toBe(2);
    expect(editDistanceWithin('chocolte', 'chocolate', 2)).toBe(1);
    expect(editDistanceWithin('chocolafe', 'chocolate', 2)).toBe(1);
    expect(editDistanceWithin('cohcolate', 'chocolate', 2)).toBe(1);
    expect(editDistanceWithin('chocolate', 'chocolate', 2)).toBe(0);
  });

  it('answers one past the bound once the words are farther apart', () => {
    expect(editDistanceWithin('galetas', 'maletines', 1)).toBe(2);
    expect(editDistanceWithin('sal', 'salchichon', 2)).toBe(3);
    expect(editDistanceWithin('tornillo', 'galletas', 2)).toBe(3);
  });

  it('agrees with the full table up to the bound', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'l', 'o'), maxLength: 9 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 3 }), (typed, known, editsMax) => {
        expect(editDistanceWithin(typed, known, editsMax)).toBe(
          Math.min(fullDistance(typed, known), editsMax + 1),
        );
      }),
      { numRuns: 2_000 },
    );
  });

  it('forgives nothing in short words, one edit from four letters, two in long words', () => {
    expect(typosAllowed(TYPO_LENGTH_MIN - 1)).toBe(0);
    expect(typosAllowed(TYPO_LENGTH_MIN)).toBe(1);
    expect(typosAllowed(TWO_TYPOS_LENGTH_MIN - 1)).toBe(1);
    expect(typosAllowed(TWO_TYPOS_LENGTH_MIN)).toBe(2);
  });
});
