import { displayCurrencySymbol, inZone } from '../../platform/format';

/**
 * Money is integer fen (the currency's minor unit) on the wire. On screen it is ¥1,234.56 (both languages; another
 * symbol when the company's currency is not CNY); in forms it is entered in yuan with at most two decimals and
 * converted by its digits, never through floating point (19.99 → 1999, not 1998.9999…).
 */

/** 123456 → ¥1,234.56; -5000 → -¥50.00. */
export function formatFen(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return '—';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  const yuan = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${displayCurrencySymbol()}${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** 1999 → '19.99' (what a yuan input shows). */
export function fenToYuan(fen: number): string {
  const abs = Math.abs(Math.round(fen));
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** '19.99' → 1999, '2,856' → 285600, '0.5' → 50; null when it is not a non-negative amount with at most two decimals. */
export function yuanToFen(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const s = (typeof value === 'number' ? (Number.isFinite(value) ? value.toFixed(2) : '') : value).replace(/[,，\s¥￥]/g, '');
  const m = /^(\d+)(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

/** Quantity × unit price rounded to the fen, exactly as the server computes a line. */
export const lineAmountFen = (quantity: number, unitPriceFen: number): number => Math.round(quantity * unitPriceFen);

/** A date in the company's time zone (YYYY-MM-DD). */
export const formatDate = (iso: string | null | undefined): string => (iso ? inZone(iso).format('YYYY-MM-DD') : '—');

/** 88.5 → '88.50' */
export const formatArea = (m2: number): string => m2.toFixed(2);
