import qrcode from 'qrcode-generator';

// The receipt's QR code as inline SVG, for the on-screen preview and browser printing. Drawn
// from the modules qrcode-generator computes, one square path per dark module, in module units
// so it scales to any size without blurring.

/** The blank border the QR specification asks for, in modules. */
const quietZoneModules = 4;

/** At most this many characters go into a receipt QR code (a version 10 code at level M holds 213 bytes). */
export const receiptQrPayloadLengthMax = 200;

export type QrMatrix = { readonly moduleCount: number; isDark(row: number, column: number): boolean };

export function receiptQrMatrix(payload: string): QrMatrix {
  if (payload.length > receiptQrPayloadLengthMax) {
    throw new RangeError(
      `QR payload is ${payload.length} characters, more than ${receiptQrPayloadLengthMax}`,
    );
  }
  // Level M survives about 15 % of the code smudged or torn, enough for thermal paper in a wallet.
  const code = qrcode(0, 'M');
  code.addData(payload, 'Byte');
  code.make();
  return { moduleCount: code.getModuleCount(), isDark: (row, column) => code.isDark(row, column) };
}

/**
 * The SVG is hidden from screen readers: the caption beside it says the same thing in words,
 * which is what a person using one needs.
 */
export function receiptQrSvg(payload: string): string {
  const matrix = receiptQrMatrix(payload);
  const sizeModules = matrix.moduleCount + 2 * quietZoneModules;
  const squares: string[] = [];
  for (let row = 0; row < matrix.moduleCount; row += 1) {
    for (let column = 0; column < matrix.moduleCount; column += 1) {
      if (matrix.isDark(row, column)) {
        squares.push(`M${column + quietZoneModules} ${row + quietZoneModules}h1v1h-1z`);
      }
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${sizeModules} ${sizeModules}" ` +
    `shape-rendering="crispEdges" aria-hidden="true" focusable="false">` +
    `<rect width="${sizeModules}" height="${sizeModules}" fill="#fff"/>` +
    `<path fill="#000" d="${squares.join('')}"/></svg>`
  );
}
