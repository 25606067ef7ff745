import { AppError } from '../errors.js';

/**
 * Keyset pagination cursors: the last row's sort value (as PostgreSQL text, full precision) and its id, as
 * base64url JSON. Decoding checks both, so a forged or foreign cursor is a 400 naming `cursor`, never a 500.
 */
export function encodeCursor(value: string, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2}){0,2})?$/;

/** Whether a sort value is one the database can compare with (a cursor of another sort is not). */
function validSortValue(kind: 'timestamp' | 'text', value: string): boolean {
  if (kind === 'text') return !value.includes('\u0000');
  const m = TIMESTAMP.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1000 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
}

export function decodeCursor(cursor: string, kind: 'timestamp' | 'text'): { value: string; id: string } {
  try {
    const [value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof value === 'string' && typeof id === 'string' && UUID.test(id) && validSortValue(kind, value)) return { value, id };
  } catch {
    // fall through
  }
  throw AppError.field('cursor', 'validation.invalid_format', { field: 'cursor' });
}
