/**
 * A report as a PDF: A4, the title, each section's figures (this period, the one before, the change) and tables, page
 * numbers. Chinese text is set in Noto Sans SC (OFL), shipped by the npm package @expo-google-fonts/noto-sans-sc as one
 * TrueType file; pdfkit embeds only the glyphs used (a subset of a few KB) with a ToUnicode map, so the PDF's text
 * layer holds the real characters (searchable, copyable, and checked by the tests). Nothing is fetched at run time.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pdfkit } from '../../platform/heavy-modules.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import { changePercent, formatFigure } from './format.js';
import type { ReportDocument, ReportTable } from './reports.contract.js';

const require = createRequire(import.meta.url);
/** The regular and bold faces (resolved from the package's own folder). */
const FONT_DIR = path.dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
export const REPORT_FONTS = {
  regular: path.join(FONT_DIR, '400Regular', 'NotoSansSC_400Regular.ttf'),
  bold: path.join(FONT_DIR, '700Bold', 'NotoSansSC_700Bold.ttf'),
};

const MARGIN = 48;
const GREY = '#666666';

export async function reportPdf(doc: ReportDocument, locale: Locale): Promise<Buffer> {
  const PDFDocument = await pdfkit();
  return new Promise((resolve, reject) => {
    const pdf = new PDFDocument({ size: 'A4', margin: MARGIN, bufferPages: true, info: { Title: doc.title, Author: doc.company, Creator: 'Hearth' } });
    const chunks: Buffer[] = [];
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
    pdf.registerFont('regular', REPORT_FONTS.regular);
    pdf.registerFont('bold', REPORT_FONTS.bold);
    const width = pdf.page.width - 2 * MARGIN;

    pdf.font('bold').fontSize(18).text(doc.title, { width });
    pdf.font('regular').fontSize(9).fillColor(GREY).text(t(locale, 'reports.generated', { at: doc.generatedAt.replace('T', ' ').slice(0, 16) }) + ' UTC');
    pdf.fillColor('black').moveDown();

    for (const s of doc.sections) {
      ensureRoom(pdf, 60);
      pdf.font('bold').fontSize(13).text(s.title, MARGIN, pdf.y, { width });
      pdf.moveDown(0.3);
      if (s.figures.length) {
        table(pdf, width, {
          title: '',
          columns: [
            { key: 'label', label: t(locale, 'reports.figure'), unit: 'text' },
            { key: 'value', label: `${t(locale, 'reports.this_period')}（${doc.period.label}）`, unit: 'text' },
            { key: 'previous', label: `${t(locale, 'reports.previous_period')}（${doc.previous.label}）`, unit: 'text' },
            { key: 'change', label: t(locale, 'reports.change'), unit: 'text' },
          ],
          rows: s.figures.map((f) => {
            const change = changePercent(f.value, f.previous);
            return {
              label: f.label,
              value: formatFigure(f.value, f.unit, locale),
              previous: formatFigure(f.previous, f.unit, locale),
              change: change === null ? '—' : `${change > 0 ? '+' : ''}${change}%`,
            };
          }),
        }, locale);
      }
      for (const tb of s.tables) table(pdf, width, tb, locale);
      pdf.moveDown();
    }

    const range = pdf.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      pdf.switchToPage(i);
      // Inside the bottom margin: without lifting it, pdfkit would start a new page for the footer.
      pdf.page.margins.bottom = 0;
      pdf.font('regular').fontSize(8).fillColor(GREY).text(t(locale, 'reports.page', { n: i + 1 }), MARGIN, pdf.page.height - MARGIN + 16, { width, align: 'center', lineBreak: false });
    }
    pdf.end();
  });
}

function ensureRoom(pdf: PDFKit.PDFDocument, height: number): void {
  if (pdf.y + height > pdf.page.height - MARGIN) pdf.addPage();
}

/** A simple grid: equal columns but a wider first one, a bold header, values formatted by the column's unit. */
function table(pdf: PDFKit.PDFDocument, width: number, tb: ReportTable, locale: Locale): void {
  if (tb.title) {
    ensureRoom(pdf, 40);
    pdf.font('regular').fontSize(10).fillColor(GREY).text(tb.title, MARGIN, pdf.y, { width });
    pdf.fillColor('black');
  }
  const n = tb.columns.length;
  const first = n > 1 ? Math.max(width * 0.3, width / n) : width;
  const rest = n > 1 ? (width - first) / (n - 1) : 0;
  const xs = tb.columns.map((_, i) => MARGIN + (i === 0 ? 0 : first + (i - 1) * rest));
  const ws = tb.columns.map((_, i) => (i === 0 ? first : rest) - 6);
  const line = (cells: string[], font: 'regular' | 'bold') => {
    pdf.font(font).fontSize(9);
    const h = Math.max(...cells.map((c, i) => pdf.heightOfString(c, { width: ws[i]! }))) + 4;
    ensureRoom(pdf, h);
    const y = pdf.y;
    cells.forEach((c, i) => pdf.text(c, xs[i]!, y, { width: ws[i]!, lineBreak: true }));
    pdf.y = y + h;
    pdf.moveTo(MARGIN, pdf.y - 2).lineTo(MARGIN + width, pdf.y - 2).lineWidth(0.3).strokeColor('#cccccc').stroke();
  };
  line(tb.columns.map((c) => c.label), 'bold');
  for (const r of tb.rows) {
    line(
      tb.columns.map((c) => {
        const v = r[c.key];
        if (v === null || v === undefined) return '—';
        return c.unit === 'text' || typeof v === 'string' ? String(v) : formatFigure(v, c.unit, locale);
      }),
      'regular',
    );
  }
  pdf.x = MARGIN;
  pdf.moveDown(0.5);
}
