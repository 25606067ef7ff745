/**
 * Reading the file of a static list's import (phones or customer numbers, one per line): the request body is the
 * file itself (text/csv, text/plain, application/octet-stream …), as the imports and ticket attachments take theirs.
 * The body is read up to a limit (413 naming `file` beyond it, before anything else happens) and decoded as UTF-8
 * (with or without BOM) or, when the bytes are not UTF-8, as GB18030 (what Excel writes on Chinese Windows). A value
 * per line: a header line (手机号, 外部编号, phone …) is skipped; a line with several columns is a 400 naming the line.
 */
import type { FastifyRequest } from 'fastify';
import { parse } from 'csv-parse/sync';
import { AppError } from '../../platform/errors.js';
import { normalizePhone } from '../../platform/phone.js';
import { SEGMENT_IMPORT_LIMITS, type SegmentImportKey } from './segments.contract.js';

/** The uploaded file as the route's body: its text (the idempotency fingerprint covers it) and its name. */
export type UploadedList = { text: string; fileName: string | null };

const FILE = 'file';
const TEXT_TYPES = new Set(['', 'text/csv', 'text/plain', 'application/csv', 'text/comma-separated-values', 'application/vnd.ms-excel', 'application/octet-stream']);
const megabytes = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

function tooLarge(): AppError {
  return AppError.field(FILE, 'segments.import_too_large', { max: megabytes(SEGMENT_IMPORT_LIMITS.bytes), limit: SEGMENT_IMPORT_LIMITS.bytes }, 'payload_too_large');
}

/** The body, up to the limit (a larger one is refused as soon as it is known to be larger). */
function readBody(payload: NodeJS.ReadableStream, declared: number | null): Promise<Buffer> {
  if (declared !== null && declared > SEGMENT_IMPORT_LIMITS.bytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > SEGMENT_IMPORT_LIMITS.bytes) {
        payload.removeListener('data', onData);
        payload.removeListener('end', onEnd);
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    payload.on('data', onData);
    payload.once('end', onEnd);
    payload.once('error', reject);
  });
}

/** Text of the file: UTF-8 (BOM dropped), else GB18030; a workbook or other binary file is refused. */
function decode(data: Buffer): string {
  const notCsv = () => AppError.field(FILE, 'segments.import_not_csv', { field: FILE });
  if (data[0] === 0x50 && data[1] === 0x4b) throw notCsv(); // a zip: an XLSX workbook
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(data);
  } catch {
    text = new TextDecoder('gb18030').decode(data);
  }
  if (text.includes('\u0000') || text.includes('\uFFFD')) throw notCsv();
  return text;
}

/** The content-type parser of the import route: the body becomes an UploadedList. */
export async function parseUpload(request: FastifyRequest, payload: NodeJS.ReadableStream): Promise<UploadedList> {
  const mediaType = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!TEXT_TYPES.has(mediaType)) throw new AppError('unsupported_media_type', 'problem.unsupported_media_type');
  const declared = request.headers['content-length'] ? Number(request.headers['content-length']) : null;
  const body = await readBody(payload, Number.isFinite(declared) ? declared : null);
  return { text: decode(body), fileName: null };
}

/** Header cells a list may start with (compared without case, spaces, `_` or `-`). */
const HEADERS = new Set(['phone', 'phones', 'mobile', 'tel', '手机', '手机号', '手机号码', '电话', '电话号码', '联系电话', 'externalid', 'customernumber', 'customerno', 'number', 'no', '外部编号', '客户编号', '编号', '客户号']);

/**
 * The distinct values of the file, in file order: one column, a header line skipped, blank lines ignored. A line
 * with several columns, an over-long value, too many values or none at all is a 400 naming `file`.
 */
export function valuesOf(upload: UploadedList, by: SegmentImportKey): string[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(upload.text, {
      delimiter: [',', '\t', ';', '，'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      bom: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch {
    throw AppError.field(FILE, 'segments.import_not_csv', { field: FILE });
  }
  const seen = new Set<string>();
  const out: string[] = [];
  let first = true;
  for (const { record, info } of records) {
    const cells = record.filter((c) => c !== '');
    if (!cells.length) continue;
    if (cells.length > 1) throw AppError.field(FILE, 'segments.import_one_column', { field: FILE, row: info.lines });
    const value = cells[0]!;
    if (first) {
      first = false;
      const bare = value.toLowerCase().replace(/[\s_-]/g, '');
      if (HEADERS.has(bare) || (by === 'phone' && !/\d/.test(value) && !normalizePhone(value))) continue;
    }
    if (value.length > SEGMENT_IMPORT_LIMITS.valueLength) {
      throw AppError.field(FILE, 'segments.import_value_too_long', { field: FILE, row: info.lines, max: SEGMENT_IMPORT_LIMITS.valueLength });
    }
    if (seen.has(value)) continue;
    seen.add(value);
    out.push(value);
    if (out.length > SEGMENT_IMPORT_LIMITS.values) throw AppError.field(FILE, 'segments.import_too_many', { field: FILE, max: SEGMENT_IMPORT_LIMITS.values });
  }
  if (!out.length) throw AppError.field(FILE, 'segments.import_empty', { field: FILE });
  return out;
}
