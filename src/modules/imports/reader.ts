/**
 * Reading an uploaded file as rows, streamed (constant memory): CSV (any common delimiter), whitespace-separated
 * text, or the first sheet of an XLSX workbook. Text files are decoded as UTF-8 (with or without BOM) or, when the
 * bytes are not UTF-8, as GB18030 (the superset of GBK that Excel writes on Chinese Windows).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { excel } from '../../platform/heavy-modules.js';

export type FileFormat = 'csv' | 'xlsx' | 'whitespace';
export type Sniffed = { format: FileFormat; encoding: 'utf-8' | 'gb18030'; delimiter: string | null };
export type Cell = string | number | Date | null;
/** One row; `row` is the number a spreadsheet shows (the header is row 1). `broken`: bytes that were not text. */
export type RawRow = { row: number; cells: Cell[]; broken: boolean; bytesRead: number };

const SAMPLE = 256 * 1024;

/** UTF-8 unless the sample is mostly invalid UTF-8 (a few broken bytes in a UTF-8 file stay UTF-8). */
export function detectEncoding(sample: Uint8Array): 'utf-8' | 'gb18030' {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  const text = new TextDecoder('utf-8').decode(sample);
  let bad = 0;
  let wide = 0;
  for (const ch of text) {
    if (ch === '\uFFFD') bad++;
    else if (ch.charCodeAt(0) > 0x7f) wide++;
  }
  // A sample cut mid-character leaves one replacement character at its end.
  if (bad <= 1 || wide >= bad * 4) return 'utf-8';
  return 'gb18030';
}

function detectDelimiter(firstLine: string): { format: FileFormat; delimiter: string | null } {
  const counts: [string, number][] = [',', '\t', ';', '|', '，'].map((d) => [d, firstLine.split(d).length - 1]);
  counts.sort((a, b) => b[1] - a[1]);
  if (counts[0]![1] > 0) return { format: 'csv', delimiter: counts[0]![0] };
  if (firstLine.trim().split(/\s+/).length > 1) return { format: 'whitespace', delimiter: null };
  return { format: 'csv', delimiter: ',' };
}

export async function sniffFile(filePath: string, fileName: string): Promise<Sniffed> {
  const fh = await open(filePath, 'r');
  try {
    const buf = Buffer.alloc(SAMPLE);
    const { bytesRead } = await fh.read(buf, 0, SAMPLE, 0);
    const sample = buf.subarray(0, bytesRead);
    const isZip = sample[0] === 0x50 && sample[1] === 0x4b;
    if (isZip || /\.xlsx$/i.test(fileName)) return { format: 'xlsx', encoding: 'utf-8', delimiter: null };
    const encoding = detectEncoding(sample);
    const text = new TextDecoder(encoding).decode(sample);
    const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
    return { encoding, ...detectDelimiter(firstLine) };
  } finally {
    await fh.close();
  }
}

/** The decoded text of a file, chunk by chunk, with the count of bytes read so far. */
async function* decodedChunks(filePath: string, encoding: string): AsyncGenerator<{ text: string; bytes: number }> {
  const decoder = new TextDecoder(encoding);
  let bytes = 0;
  for await (const chunk of createReadStream(filePath, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    yield { text: decoder.decode(chunk, { stream: true }), bytes };
  }
  const tail = decoder.decode();
  if (tail) yield { text: tail, bytes };
}

async function* csvRows(filePath: string, s: Sniffed): AsyncGenerator<RawRow> {
  let bytes = 0;
  const parser = parse({
    delimiter: s.delimiter ?? ',',
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    info: true,
  });
  const feed = (async () => {
    try {
      for await (const { text, bytes: b } of decodedChunks(filePath, s.encoding)) {
        bytes = b;
        if (!parser.write(text)) await new Promise((r) => parser.once('drain', r));
      }
      parser.end();
    } catch (err) {
      parser.destroy(err as Error);
    }
  })();
  for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const cells = rec.record;
    yield { row: rec.info.lines, cells, broken: cells.some((c) => c.includes('\uFFFD')), bytesRead: bytes };
  }
  await feed;
}

async function* whitespaceRows(filePath: string, s: Sniffed): AsyncGenerator<RawRow> {
  let rest = '';
  let line = 0;
  const emit = (text: string, bytes: number): RawRow | null => {
    line++;
    const trimmed = text.trim();
    if (!trimmed) return null;
    return { row: line, cells: trimmed.split(/\s+/), broken: trimmed.includes('\uFFFD'), bytesRead: bytes };
  };
  let last = 0;
  for await (const { text, bytes } of decodedChunks(filePath, s.encoding)) {
    last = bytes;
    const lines = (rest + text).split(/\r?\n/);
    rest = lines.pop() ?? '';
    for (const l of lines) {
      const r = emit(l, bytes);
      if (r) yield r;
    }
  }
  const r = emit(rest, last);
  if (r) yield r;
}

function cellOf(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || v instanceof Date) return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (o.result !== undefined) return cellOf(o.result);
    if (o.text !== undefined) return cellOf(o.text);
    if (o.error) return null;
  }
  return String(v);
}

async function* xlsxRows(filePath: string): AsyncGenerator<RawRow> {
  const reader = new (await excel()).stream.xlsx.WorkbookReader(filePath, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit' });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const values = (row.values as unknown[]).slice(1).map(cellOf);
      if (values.every((c) => c === null || c === '')) continue;
      yield { row: row.number, cells: values, broken: false, bytesRead: 0 };
    }
    break; // the first sheet only
  }
}

export function readRows(filePath: string, s: Sniffed): AsyncGenerator<RawRow> {
  if (s.format === 'xlsx') return xlsxRows(filePath);
  if (s.format === 'whitespace') return whitespaceRows(filePath, s);
  return csvRows(filePath, s);
}

/** A cell as text (dates as YYYY-MM-DD [HH:mm:ss]), for previews and reports. */
export function cellText(c: Cell): string {
  if (c === null) return '';
  if (c instanceof Date) {
    const iso = c.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
  }
  return String(c);
}
