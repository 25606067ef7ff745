/**
 * What an erasure (issue #18: the privacy module's `PersonalDataHook.erase`) does to texts, as plain functions without
 * module dependencies, so each module's own `privacy.ts` can use them (the hook types come from the privacy module).
 */
import { or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/** What replaces a free text the person wrote or that was written about them. */
export const ERASED_TEXT = '[已删除]';
/** What replaces one identifying string inside a text that stays (an agent's note naming the person). */
export const ERASED_MARK = '***';

/** The text with every needle replaced (null stays null). */
export function scrubText<T extends string | null | undefined>(text: T, needles: readonly string[]): T {
  if (typeof text !== 'string' || !text) return text;
  let out: string = text;
  for (const n of needles) if (out.includes(n)) out = out.split(n).join(ERASED_MARK);
  return out as T;
}

/** A JSON value with every string in it scrubbed (keys too). */
export function scrubJson<T>(value: T, needles: readonly string[]): T {
  if (typeof value === 'string') return scrubText(value, needles) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => scrubJson(v, needles)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrubText(k, needles), scrubJson(v, needles)])) as T;
  return value;
}

/** Whether a text or JSON value holds any needle. */
export function holdsAny(value: unknown, needles: readonly string[]): boolean {
  if (value === null || value === undefined) return false;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return needles.some((n) => text.includes(n));
}

/** SQL: the column (any type, read as text) holds one of the needles; false without needles. */
export function sqlHoldsAny(column: SQLWrapper, needles: readonly string[]): SQL {
  if (!needles.length) return sql`false`;
  return or(...needles.map((n) => sql`strpos(${column}::text, ${n}) > 0`))!;
}
