import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@mostrador/web/testing';
import { chromium } from 'playwright-core';

/**
 * Renders an SVG document to a PNG file in headless Chromium (Debian's, as the web POS suite
 * uses), so a benchmark can write a chart with no native image library: the page holds only the
 * SVG, sized to it, and the screenshot is the chart.
 */
const RENDER_TIMEOUT_MS = 30_000;

export async function renderSvgToPng(
  svg: string,
  size: { readonly widthPx: number; readonly heightPx: number },
  pngPath: string,
): Promise<void> {
  await mkdir(dirname(pngPath), { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    timeout: RENDER_TIMEOUT_MS,
  });
  try {
    const page = await browser.newPage({
      viewport: { width: size.widthPx, height: size.heightPx },
      deviceScaleFactor: 1,
    });
    await page.setContent(
      `<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;background:#fff}</style></head><body>${svg}</body></html>`,
      { timeout: RENDER_TIMEOUT_MS },
    );
    await page.screenshot({
      path: pngPath,
      type: 'png',
      clip: { x: 0, y: 0, width: size.widthPx, height: size.heightPx },
      timeout: RENDER_TIMEOUT_MS,
    });
  } finally {
    await browser.close();
  }
}

/** The width and height in a PNG's header, or undefined when the bytes are not a PNG. */
export function pngDimensions(bytes: Uint8Array): { widthPx: number; heightPx: number } | undefined {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || signature.some((byte, index) => bytes[index] !== byte)) return undefined;
  // The first chunk must be IHDR: width and height are its first two big-endian 32-bit fields.
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { widthPx: view.getUint32(16), heightPx: view.getUint32(20) };
}
