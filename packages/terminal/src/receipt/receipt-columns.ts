// Monospaced columns for thermal paper: 32 characters a line on 58 mm rolls, 48 on 80 mm (font A).
// A thermal printer's single-byte code page prints one glyph per character, so width is counted
// in characters after NFC normalisation (a decomposed "é" is one glyph, not two), combining marks
// count for nothing, and invisible characters are dropped before they can shift a column. East
// Asian wide characters are not handled: the code pages receipts print in have none.

export const receiptWidthsColumns = [32, 48] as const;
export type ReceiptWidthColumns = (typeof receiptWidthsColumns)[number];

/** No line of a receipt comes out of a single piece of text longer than this many lines. */
const wrappedLinesMax = 200;

const whitespacePattern = /\s/u;
const combiningMarkPattern = /\p{M}/u;

function isInvisible(codePoint: number): boolean {
  return (
    codePoint < 0x20 ||
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    codePoint === 0xad || // soft hyphen
    codePoint === 0x61c || // Arabic letter mark
    (codePoint >= 0x200b && codePoint <= 0x200f) || // zero-width spaces and joiners, LRM, RLM
    (codePoint >= 0x202a && codePoint <= 0x202e) || // bidirectional embeddings and overrides
    (codePoint >= 0x2060 && codePoint <= 0x206f) || // word joiner, bidirectional isolates
    codePoint === 0xfeff
  );
}

/**
 * Text as it can be laid out in columns: NFC, every kind of space (Intl's no-break spaces in
 * "₡1 234,50" included) as a plain space, bidirectional marks (Intl adds them for Urdu) and
 * control characters gone.
 */
export function printableText(text: string): string {
  let printable = '';
  for (const character of text.normalize('NFC')) {
    const codePoint = character.codePointAt(0) ?? 0;
    if (isInvisible(codePoint) && !(codePoint === 0x09 || codePoint === 0x0a || codePoint === 0x0d)) continue;
    printable += whitespacePattern.test(character) ? ' ' : character;
  }
  return printable;
}

/** Columns the text takes on paper. */
export function textWidth(text: string): number {
  let width = 0;
  for (const character of text) {
    if (!combiningMarkPattern.test(character)) width += 1;
  }
  return width;
}

function spaces(count: number): string {
  return ' '.repeat(Math.max(0, count));
}

/** Cuts the first `widthColumns` characters off, keeping combining marks with their letter. */
function splitAtWidth(characters: readonly string[], widthColumns: number): number {
  let width = 0;
  let index = 0;
  while (index < characters.length) {
    const character = characters[index] ?? '';
    const characterWidth = combiningMarkPattern.test(character) ? 0 : 1;
    if (width + characterWidth > widthColumns) break;
    width += characterWidth;
    index += 1;
  }
  return index;
}

/**
 * Breaks a word wider than the line: after its last hyphen that fits (so a UUID breaks between
 * its groups), otherwise exactly at the edge.
 */
function breakWord(word: string, widthColumns: number): string[] {
  const pieces: string[] = [];
  let characters = Array.from(word);
  while (textWidth(characters.join('')) > widthColumns && pieces.length < wrappedLinesMax) {
    const fitting = splitAtWidth(characters, widthColumns);
    const lastHyphen = characters.slice(0, fitting).lastIndexOf('-');
    const cut = lastHyphen > 0 ? lastHyphen + 1 : Math.max(1, fitting);
    pieces.push(characters.slice(0, cut).join(''));
    characters = characters.slice(cut);
  }
  pieces.push(characters.join(''));
  return pieces;
}

/** Word-wraps text to lines no wider than `widthColumns`; always returns at least one line. */
export function wrapText(text: string, widthColumns: number): string[] {
  if (!Number.isSafeInteger(widthColumns) || widthColumns < 1) {
    throw new RangeError(`A line must be at least one column wide, got ${widthColumns}`);
  }
  const words = printableText(text)
    .split(' ')
    .filter((word) => word !== '');
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    for (const piece of breakWord(word, widthColumns)) {
      if (current === '') {
        current = piece;
      } else if (textWidth(current) + 1 + textWidth(piece) <= widthColumns) {
        current = `${current} ${piece}`;
      } else {
        lines.push(current);
        current = piece;
      }
    }
  }
  lines.push(current);
  return lines.slice(0, wrappedLinesMax);
}

export function alignRight(text: string, widthColumns: number): string {
  return `${spaces(widthColumns - textWidth(text))}${text}`;
}

/** Centred lines, without trailing spaces. */
export function centerText(text: string, widthColumns: number): string[] {
  return wrapText(text, widthColumns).map(
    (line) => `${spaces(Math.floor((widthColumns - textWidth(line)) / 2))}${line}`,
  );
}

/**
 * A label on the left and an amount on the right edge: "Cambio      ₡4 500,00". A label too long
 * to share its last line with the amount wraps, and the amount goes on a line of its own.
 */
export function justifyRow(left: string, right: string, widthColumns: number, indentColumns = 0): string[] {
  const indent = spaces(indentColumns);
  const leftLines = wrapText(left, widthColumns - indentColumns).map((line) =>
    line === '' ? '' : `${indent}${line}`,
  );
  const rightText = printableText(right).trim();
  const rightWidth = textWidth(rightText);
  if (rightWidth === 0) return leftLines;
  const lastLeft = leftLines.pop() ?? '';
  const lastLeftWidth = textWidth(lastLeft);
  if (lastLeftWidth === 0) {
    return [...leftLines, ...wrapText(rightText, widthColumns).map((line) => alignRight(line, widthColumns))];
  }
  if (lastLeftWidth + 1 + rightWidth <= widthColumns) {
    return [...leftLines, `${lastLeft}${spaces(widthColumns - lastLeftWidth - rightWidth)}${rightText}`];
  }
  return [
    ...leftLines,
    lastLeft,
    ...wrapText(rightText, widthColumns).map((line) => alignRight(line, widthColumns)),
  ];
}

export function ruleLine(widthColumns: number, character = '-'): string {
  return character.repeat(widthColumns);
}
