/**
 * The SQL pieces fields share: one operator applied to a column expression, with every value a bound parameter
 * (lists go in as one array parameter). Only positive operators reach a field's `toSql`: compile.ts turns `ne`,
 * `notIn`, `hasNone`, `notWithinDays`, `isNotEmpty` and `isFalse` into `(positive) is not true`, so "not equal"
 * includes customers with no value, and NOT stays exact over NULLs.
 */
import { sql, type SQL } from 'drizzle-orm';
import { knownZone, startOfDay, zoneOffsetMs } from '../../platform/time.js';
import type { RuleOp } from './rule.js';
import type { CheckedCondition, CompileContext, SegmentFieldType } from './fields.registry.js';

export const DAY_MS = 86_400_000;

/** The one window of days the facts read model holds transaction counts and sums for (segments.facts.ts). */
export const FACTS_DAYS = 365;

/** Operators by type (fields may take fewer; nullable fields add isEmpty / isNotEmpty). */
export const OPS = {
  text: ['eq', 'ne', 'in', 'notIn', 'contains', 'startsWith', 'isEmpty', 'isNotEmpty'],
  enum: ['eq', 'ne', 'in', 'notIn'],
  number: ['eq', 'ne', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'between'],
  date: ['eq', 'before', 'after', 'between', 'withinDays', 'notWithinDays'],
  tags: ['hasAny', 'hasAll', 'hasNone', 'isEmpty', 'isNotEmpty'],
  boolean: ['isTrue', 'isFalse'],
  empty: ['isEmpty', 'isNotEmpty'],
} as const satisfies Record<string, readonly RuleOp[]>;

/** The positive operator whose negation an operator is. */
export const NEGATION: Partial<Record<RuleOp, RuleOp>> = {
  ne: 'eq',
  notIn: 'in',
  hasNone: 'hasAny',
  notWithinDays: 'withinDays',
  isNotEmpty: 'isEmpty',
  isFalse: 'isTrue',
};

/** A Postgres array literal of texts, as one bound parameter. */
export function textArray(xs: readonly (string | number)[]): SQL {
  return sql`${`{${xs.map((x) => `"${String(x).replace(/["\\]/g, '\\$&')}"`).join(',')}}`}::text[]`;
}
export function uuidArray(xs: readonly (string | number)[]): SQL {
  return sql`${`{${xs.map(String).join(',')}}`}::uuid[]`;
}

/** The instant a 'YYYY-MM-DD' day begins in the zone (plus `add` days). */
export function dayStart(date: string, zone: string | undefined, add = 0): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return startOfDay(knownZone(zone), y, m, d + add);
}

/** An instant as a bound timestamptz parameter. */
export function instant(at: Date): SQL {
  return sql`${at.toISOString()}::timestamptz`;
}

/** Today's date in the zone ('YYYY-MM-DD'). */
export function todayIn(zone: string | undefined, now: Date): string {
  return new Date(now.getTime() + zoneOffsetMs(knownZone(zone), now)).toISOString().slice(0, 10);
}

/**
 * The start of a `days` parameter's window (`tx.count` in the last N days …): the start of the company day N days
 * before today, so a window is whole company days and changes only at midnight — what lets the facts read model, built
 * for one day, answer it exactly (segments.facts.ts).
 */
export function daysWindowStart(now: Date, days: number, zone: string | undefined): Date {
  return dayStart(todayIn(zone, now), zone, -days);
}

/** The start of a window of `days` days ending now (a fixed 24-hour day count back from the instant): `withinDays`. */
export function windowStart(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

const list = (v: unknown): (string | number)[] => (Array.isArray(v) ? v : [v as string | number]);

/** A scalar operator on a text or enum column. */
export function textSql(col: SQL, cond: CheckedCondition): SQL {
  const v = cond.value;
  switch (cond.op) {
    case 'eq':
      return sql`${col} = ${String(v)}`;
    case 'in':
      return sql`${col} = any(${textArray(list(v))})`;
    case 'contains':
      return sql`strpos(lower(${col}), lower(${String(v)})) > 0`;
    case 'startsWith':
      return sql`starts_with(${col}, ${String(v)})`;
    case 'isEmpty':
      return sql`(${col} is null or ${col} = '')`;
    default:
      throw new Error(`operator ${cond.op} on a text field`);
  }
}

/**
 * A number as a bound parameter: whole numbers as bigint, so an integer column keeps its index (int2/int4/int8
 * compare across types within one operator family); fractions as numeric.
 */
export function numberParam(v: unknown): SQL {
  const n = Number(v);
  return Number.isSafeInteger(n) ? sql`${n}::bigint` : sql`${n}::numeric`;
}

/** A list of numbers as one bound array parameter (bigint[] when all are whole). */
export function numberArray(xs: readonly (string | number)[]): SQL {
  const ns = xs.map(Number);
  return sql`${`{${ns.map(String).join(',')}}`}::${sql.raw(ns.every(Number.isSafeInteger) ? 'bigint[]' : 'numeric[]')}`;
}

/** A scalar operator on a number (or fen) column. */
export function numberSql(col: SQL, cond: CheckedCondition): SQL {
  const v = cond.value;
  switch (cond.op) {
    case 'eq':
      return sql`${col} = ${numberParam(v)}`;
    case 'in':
      return sql`${col} = any(${numberArray(list(v))})`;
    case 'gt':
      return sql`${col} > ${numberParam(v)}`;
    case 'gte':
      return sql`${col} >= ${numberParam(v)}`;
    case 'lt':
      return sql`${col} < ${numberParam(v)}`;
    case 'lte':
      return sql`${col} <= ${numberParam(v)}`;
    case 'between': {
      const [a, b] = v as [number, number];
      return sql`${col} between ${numberParam(a)} and ${numberParam(b)}`;
    }
    case 'isEmpty':
      return sql`${col} is null`;
    default:
      throw new Error(`operator ${cond.op} on a number field`);
  }
}

/** A date operator on a timestamp column: days are the company zone's days; windows count back from now. */
export function timestampSql(col: SQL, cond: CheckedCondition, ctx: CompileContext): SQL {
  const v = cond.value;
  switch (cond.op) {
    case 'eq':
      return sql`(${col} >= ${instant(dayStart(String(v), ctx.zone))} and ${col} < ${instant(dayStart(String(v), ctx.zone, 1))})`;
    case 'before':
      return sql`${col} < ${instant(dayStart(String(v), ctx.zone))}`;
    case 'after':
      return sql`${col} >= ${instant(dayStart(String(v), ctx.zone, 1))}`;
    case 'between': {
      const [a, b] = v as [string, string];
      return sql`(${col} >= ${instant(dayStart(a, ctx.zone))} and ${col} < ${instant(dayStart(b, ctx.zone, 1))})`;
    }
    case 'withinDays':
      return sql`${col} >= ${instant(windowStart(ctx.now, Number(v)))}`;
    case 'isEmpty':
      return sql`${col} is null`;
    default:
      throw new Error(`operator ${cond.op} on a date field`);
  }
}

/** A date operator on a date (or 'YYYY-MM-DD' text) column, compared as text-free dates. */
export function dateSql(col: SQL, cond: CheckedCondition, ctx: CompileContext): SQL {
  const v = cond.value;
  switch (cond.op) {
    case 'eq':
      return sql`${col} = ${String(v)}::date`;
    case 'before':
      return sql`${col} < ${String(v)}::date`;
    case 'after':
      return sql`${col} > ${String(v)}::date`;
    case 'between': {
      const [a, b] = v as [string, string];
      return sql`${col} between ${a}::date and ${b}::date`;
    }
    case 'withinDays': {
      const today = todayIn(ctx.zone, ctx.now);
      return sql`(${col} > ${today}::date - ${Number(v)}::int and ${col} <= ${today}::date)`;
    }
    case 'isEmpty':
      return sql`${col} is null`;
    default:
      throw new Error(`operator ${cond.op} on a date field`);
  }
}

/** A tag operator on a text[] column. */
export function tagsSql(col: SQL, cond: CheckedCondition): SQL {
  switch (cond.op) {
    case 'hasAny':
      return sql`${col} && ${textArray(list(cond.value))}`;
    case 'hasAll':
      return sql`${col} @> ${textArray(list(cond.value))}`;
    case 'isEmpty':
      return sql`coalesce(cardinality(${col}), 0) = 0`;
    default:
      throw new Error(`operator ${cond.op} on a tags field`);
  }
}

/** The operator on a column of the given type. */
export function columnSql(type: SegmentFieldType | 'timestamp', col: SQL, cond: CheckedCondition, ctx: CompileContext): SQL {
  switch (type) {
    case 'text':
    case 'enum':
      return textSql(col, cond);
    case 'number':
    case 'money':
      return numberSql(col, cond);
    case 'timestamp':
      return timestampSql(col, cond, ctx);
    case 'date':
      return dateSql(col, cond, ctx);
    case 'tags':
      return tagsSql(col, cond);
    case 'boolean':
      if (cond.op === 'isTrue') return sql`${col} is true`;
      throw new Error(`operator ${cond.op} on a boolean field`);
  }
}
