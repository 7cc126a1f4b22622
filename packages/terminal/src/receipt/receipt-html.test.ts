import { describe, expect, it } from 'vitest';
import { crcOfflineSale, crcSyncedReprint, mxnSplitTenderSale, pkrEnglishSale } from './receipt-examples';
import { escapeHtml, renderReceiptHtml } from './receipt-html';
import type { Receipt } from './receipt-model';
import { receiptQrMatrix } from './receipt-qr-svg';

/** The text a person reads: tags and the style sheet gone, entities decoded, spaces collapsed. */
function visibleText(html: string): string {
  return html
    .replace(/<style>.*?<\/style>/s, '')
    .replace(/<[^>]+>/g, ' ')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('renderReceiptHtml', () => {
  it('escapes a product named like a script tag, and every other text from people', () => {
    const [line] = crcOfflineSale.lines;
    const hostile: Receipt = {
      ...crcOfflineSale,
      store: { ...crcOfflineSale.store, name: 'Tienda "La <b>Buena</b>"' },
      cashierName: "O'Brien <img src=x onerror=alert(1)>",
      lines: [
        { ...line!, name: '<script>alert("pwned")</script>', sku: '<i>' },
        ...crcOfflineSale.lines.slice(1),
      ],
      footer: '</article><script>steal()</script>',
    };
    const html = renderReceiptHtml(hostile);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<i>');
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(html).toContain('O&#39;Brien &lt;img src=x onerror=alert(1)&gt;');
    expect(html.match(/<\/article>/g)).toHaveLength(1);
    expect(html.endsWith('</article>')).toBe(true);
    expect(visibleText(html)).toContain('<script>alert("pwned")</script>');
  });

  it('says what the paper receipt says: offline mark, provisional folio, amounts, tenders and change', () => {
    const text = visibleText(renderReceiptHtml(crcOfflineSale));
    for (const expected of [
      'Pulpería La Esquina',
      'Céd. jurídica 3-101-123456',
      'COMPROBANTE DE VENTA',
      'EMITIDO SIN CONEXIÓN',
      'Folio provisional T01-000042',
      'Cajero María Pérez',
      'Queso Turrialba QSO-014 0,75 × ₡4 000,00 ₡2 700,00 Descuento -₡300,00',
      'TOTAL ₡12 050,00',
      'Impuestos incluidos IVA 13 % ₡1 386,28 Base imponible ₡10 663,72',
      'Efectivo ₡20 000,00 Cambio ₡7 950,00',
      'Documento 0192f3a4-7b1c-7def-8abc-123456789012',
      '¡Gracias por su compra!',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('shows the final folio on a reprint after sync and not the provisional one', () => {
    const html = renderReceiptHtml(crcSyncedReprint);
    expect(visibleText(html)).toContain('Folio 001-00000123');
    expect(html).not.toContain('Folio provisional');
    expect(html).not.toContain('T01-000042');
    expect(html).toContain('data-folio-provisional="false"');
  });

  it('shows split tenders with references and the cash rounding', () => {
    const text = visibleText(renderReceiptHtml(mxnSplitTenderSale));
    expect(text).toContain('Tarjeta $50.00 Ref. AUT 123456 Efectivo $50.00 Cambio $14.40');
    expect(text).toContain('Redondeo -$0.02');
    expect(text).not.toContain('SIN CONEXIÓN');
  });

  it('is in English when the receipt is', () => {
    const html = renderReceiptHtml(pkrEnglishSale);
    expect(html).toContain('lang="en-PK"');
    const text = visibleText(html);
    expect(text).toContain('ISSUED OFFLINE');
    expect(text).toContain('Provisional folio T03-000001');
    expect(text).toContain('GST 18% Rs 270.00 Taxable base Rs 1,500.00 TOTAL Rs 1,770.00');
  });

  it('carries the QR code of the document as inline SVG drawn from the QR matrix', () => {
    const html = renderReceiptHtml(crcOfflineSale);
    const payload = 'mostrador:doc:0192f3a4-7b1c-7def-8abc-123456789012';
    expect(html).toContain(`data-qr-payload="${payload}"`);
    const svg = html.match(/<svg[^>]*>.*?<\/svg>/s)?.[0];
    expect(svg).toBeDefined();
    const matrix = receiptQrMatrix(payload);
    // 50 bytes at error correction level M need a version 4 code: 17 + 4 × 4 = 33 modules a side.
    expect(matrix.moduleCount).toBe(33);
    expect(svg).toContain(`viewBox="0 0 41 41"`);
    let darkModules = 0;
    for (let row = 0; row < matrix.moduleCount; row += 1) {
      for (let column = 0; column < matrix.moduleCount; column += 1) {
        if (matrix.isDark(row, column)) darkModules += 1;
      }
    }
    expect(svg!.match(/h1v1h-1z/g)).toHaveLength(darkModules);
    // The top-left finder pattern: a dark 7 × 7 ring around a light ring around a dark 3 × 3 core.
    expect([0, 6].map((index) => matrix.isDark(0, index))).toEqual([true, true]);
    expect(matrix.isDark(1, 1)).toBe(false);
    expect(matrix.isDark(3, 3)).toBe(true);
    expect(svg).toContain(`M4 4h1v1h-1z`);
  });

  it('needs nothing from the network', () => {
    const html = renderReceiptHtml(crcOfflineSale);
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html).not.toContain('url(');
  });
});
