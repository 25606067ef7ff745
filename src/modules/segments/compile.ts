/**
 * Checking and compiling segment rules.
 *
 * `checkRule(rule, ctx)` refuses a bad rule with a 400 naming the bad part's path (`rule.all.2.value`): an unknown
 * field, an operator the field does not take, a value of the wrong type or shape, bad params, too deep or too many
 * conditions. `compileRule(rule, ctx)` makes ONE SQL boolean over the customer directory aliased `c` (the service adds
 * `from customer_directory c where c.deleted_at is null and <data scope> and <this>`). Values are bound parameters.
 *
 * Semantics (the in-memory filter of compile.test.ts follows them): a condition on a missing value is false (a
 * customer with no city is in no `customer.city eq …`), except the negative operators — `ne`, `notIn`, `hasNone`,
 * `notWithinDays`, `isNotEmpty`, `isFalse` — which are exactly NOT of their positive twin; `not` is exact too:
 * `(x) is not true`, or a plain `not (x)` (an anti-join for `not exists`) when x can never be NULL (the fields say
 * which of their conditions cannot), so NULLs never leak through a negation.
 */
import { sql, type SQL } from 'drizzle-orm';
import { AppError } from '../../platform/errors.js';
import { isMessageKey, t, type Locale, type MessageKey, type MessageParams } from '../../platform/i18n/index.js';
import { segmentField, type CheckedCondition, type CompileContext, type FieldContext, type SegmentFieldDef } from './fields.js';
import { NEGATION } from './fields.sql.js';
import { isCondition, isGroupAll, isGroupAny, isNot, RULE_LIMITS, type Rule, type RuleCondition, type RuleOp, type RuleValue } from './rule.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (v: unknown): v is string => typeof v === 'string' && DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
const MAX_DAYS = 36_500;

const NO_VALUE: readonly RuleOp[] = ['isTrue', 'isFalse', 'isEmpty', 'isNotEmpty'];
const LIST_OPS: readonly RuleOp[] = ['in', 'notIn', 'hasAny', 'hasAll', 'hasNone'];

type Issue = { path: string; key: MessageKey; params?: MessageParams };
const issue = (path: string, key: MessageKey, params?: MessageParams): Issue => ({ path, key, ...(params ? { params } : {}) });

/** Options of `checkRule`: the field context (custom fields), or just a locale (kept for callers that pass one). */
export type CheckOptions = FieldContext & { locale?: Locale; path?: string };

/** Throws a 400 naming the first bad part of the rule; returns the number of conditions. */
export function checkRule(rule: Rule, opts: CheckOptions | Locale = {}): number {
  const o: CheckOptions = typeof opts === 'string' ? { locale: opts } : opts;
  let count = 0;
  const walk = (r: Rule, path: string, depth: number): void => {
    // Rules normally come through ruleSchema; a stored or hand-made one may not: refuse any other shape here too.
    if (!r || typeof r !== 'object' || Array.isArray(r)) fail(issue(path, 'segment_rule.bad_shape'));
    if (depth > RULE_LIMITS.depth) fail(issue(path, 'segment_rule.too_deep', { max: RULE_LIMITS.depth }));
    if (isGroupAll(r) || isGroupAny(r)) {
      const items = isGroupAll(r) ? r.all : r.any;
      const name = isGroupAll(r) ? 'all' : 'any';
      if (!Array.isArray(items) || items.length === 0) fail(issue(`${path}.${name}`, 'segment_rule.empty_group'));
      if (items.length > RULE_LIMITS.groupSize) fail(issue(`${path}.${name}`, 'segment_rule.group_too_big', { max: RULE_LIMITS.groupSize }));
      items.forEach((x, i) => walk(x, `${path}.${name}.${i}`, depth + 1));
      return;
    }
    if (isNot(r)) return walk(r.not, `${path}.not`, depth + 1);
    if (!isCondition(r) || typeof r.field !== 'string' || typeof r.op !== 'string') fail(issue(path, 'segment_rule.bad_shape'));
    count += 1;
    if (count > RULE_LIMITS.conditions) fail(issue(path, 'segment_rule.too_many', { max: RULE_LIMITS.conditions }));
    const res = checkCondition(r, path, o);
    if ('issue' in res) fail(res.issue);
  };
  walk(rule, o.path ?? 'rule', 1);
  return count;
}

function fail(i: Issue): never {
  throw AppError.field(i.path, i.key, i.params ?? {});
}

/** Names of the field and operator in both languages, for the messages (each locale's text uses its own). */
function named(def: SegmentFieldDef | undefined, key: string, op: RuleOp): MessageParams {
  const label = def ? (typeof def.label === 'string' ? { zh: t('zh-CN', def.label), en: t('en', def.label) } : def.label) : { zh: key, en: key };
  return { name: key, fieldZh: label.zh, fieldEn: label.en, opZh: opLabel('zh-CN', op), opEn: opLabel('en', op) };
}
const opLabel = (locale: Locale, op: RuleOp) => (isMessageKey(`segment_op.${op}`) ? t(locale, `segment_op.${op}` as MessageKey) : op);

/** Checks one condition; returns it with its params parsed (defaults applied), or the issue. */
export function checkCondition(
  cond: RuleCondition,
  path: string,
  ctx: FieldContext,
): { checked: CheckedCondition; def: SegmentFieldDef } | { issue: Issue } {
  const def = segmentField(cond.field, ctx);
  if (!def) return { issue: issue(`${path}.field`, 'segment_rule.unknown_field', named(undefined, cond.field, cond.op)) };
  const names = named(def, cond.field, cond.op);
  if (!def.ops.includes(cond.op)) {
    const list = (locale: Locale) => def.ops.map((o) => opLabel(locale, o)).join(locale === 'en' ? ', ' : '、');
    return { issue: issue(`${path}.op`, 'segment_rule.bad_op', { ...names, opsZh: list('zh-CN'), opsEn: list('en') }) };
  }
  const bad = valueIssue(def, cond.op, cond.value);
  if (bad) return { issue: issue(`${path}.value`, bad.key, { ...names, ...bad.params }) };
  const own = cond.value === undefined ? null : def.checkValue?.(cond.op, cond.value);
  if (own) return { issue: issue(`${path}.value`, own, names) };
  let params: Record<string, unknown> = {};
  const given = cond.params ?? {};
  if (def.params) {
    const parsed = def.params.safeParse(given);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const unknown = first?.code === 'unrecognized_keys' ? first.keys : [];
      const param = unknown[0] ?? String(first?.path[0] ?? '');
      const key: MessageKey = unknown.length ? 'segment_rule.unknown_param' : given[param] === undefined ? 'segment_rule.param_missing' : 'segment_rule.bad_param';
      return { issue: issue(`${path}.params${param ? `.${param}` : ''}`, key, { ...names, param }) };
    }
    params = parsed.data;
  } else if (Object.keys(given).length) {
    const param = Object.keys(given)[0]!;
    return { issue: issue(`${path}.params.${param}`, 'segment_rule.unknown_param', { ...names, param }) };
  }
  return { checked: { field: cond.field, op: cond.op, value: cond.value, params }, def };
}

type Part = { sql: SQL; safe: boolean };

type ValueIssue = { key: MessageKey; params?: MessageParams };

/** Whether the value has the shape the field's type and the operator need. */
function valueIssue(def: SegmentFieldDef, op: RuleOp, v: RuleValue | undefined): ValueIssue | null {
  if (NO_VALUE.includes(op)) return v === undefined ? null : { key: 'segment_rule.no_value' };
  if (v === undefined || v === null) return { key: 'segment_rule.value_missing' };
  if (op === 'withinDays' || op === 'notWithinDays') {
    return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_DAYS ? null : { key: 'segment_rule.need_days', params: { max: MAX_DAYS } };
  }
  if (op === 'contains' || op === 'startsWith') return typeof v === 'string' && v.trim() !== '' ? null : { key: 'segment_rule.need_text' };
  if (op === 'between') {
    if (!Array.isArray(v) || v.length !== 2) return { key: 'segment_rule.need_pair' };
    const [a, b] = v as [unknown, unknown];
    const e = scalarIssue(def, a) ?? scalarIssue(def, b);
    if (e) return e;
    return (a as number | string) <= (b as number | string) ? null : { key: 'segment_rule.pair_order' };
  }
  if (LIST_OPS.includes(op)) {
    if (!Array.isArray(v) || v.length === 0) return { key: 'segment_rule.need_list' };
    for (const x of v) {
      const e = def.type === 'tags' ? (typeof x === 'string' && x !== '' ? null : { key: 'segment_rule.need_text' as MessageKey }) : scalarIssue(def, x);
      if (e) return e;
    }
    return null;
  }
  if (Array.isArray(v)) return { key: 'segment_rule.need_single' };
  return scalarIssue(def, v);
}

function scalarIssue(def: SegmentFieldDef, v: unknown): ValueIssue | null {
  switch (def.type) {
    case 'number':
    case 'money':
      if (typeof v !== 'number' || !Number.isFinite(v)) return { key: 'segment_rule.need_number' };
      if (def.type === 'money' && !Number.isInteger(v)) return { key: 'segment_rule.need_fen' };
      break;
    case 'date':
      if (!isDate(v)) return { key: 'segment_rule.need_date' };
      break;
    case 'text':
    case 'tags':
      if (typeof v !== 'string' || v === '') return { key: 'segment_rule.need_text' };
      break;
    case 'enum':
      if (typeof v !== 'string' && typeof v !== 'number') return { key: 'segment_rule.need_text' };
      break;
    case 'boolean':
      return { key: 'segment_rule.no_value' };
  }
  if (def.options && !def.options.some((o) => o.value === v)) {
    const list = (en: boolean) => def.options!.map((o) => `${en ? o.en : o.zh} (${o.value})`).join(en ? ', ' : '、');
    return { key: 'segment_rule.not_option', params: { value: String(v), optionsZh: list(false), optionsEn: list(true) } };
  }
  return null;
}

/**
 * The rule as one SQL boolean over `c` (the customer directory). Checks it first (a bad rule throws the same 400 as
 * checkRule), so callers may compile a stored rule directly.
 */
export function compileRule(rule: Rule, ctx: CompileContext): SQL {
  return compileWith(rule, ctx, 'live')!;
}

/**
 * The rule as one SQL boolean over `c` = the facts read model (`customer_facts`), or null when a condition is one the
 * facts cannot answer exactly (its field has no facts variant, or the variant declines: a window the facts do not
 * hold). Over the facts every negation is `(x) is not true` (their columns may be NULL where the live SQL's sets are not).
 */
export function compileRuleOnFacts(rule: Rule, ctx: CompileContext): SQL | null {
  return compileWith(rule, ctx, 'facts');
}

function compileWith(rule: Rule, ctx: CompileContext, source: 'live' | 'facts'): SQL | null {
  checkRule(rule, ctx);
  // Each part also says whether it can be NULL: negating a part that cannot is a plain NOT (an anti-join for
  // `not exists`); negating one that can is `is not true`, so a missing value counts as "not matching".
  const negate = (p: Part): Part => ({ sql: p.safe ? sql`(not ${p.sql})` : sql`((${p.sql}) is not true)`, safe: true });
  const walk = (r: Rule, path: string): Part | null => {
    if (isGroupAll(r) || isGroupAny(r)) {
      const name = isGroupAll(r) ? 'all' : 'any';
      const parts: Part[] = [];
      for (const [i, x] of (isGroupAll(r) ? r.all : r.any).entries()) {
        const p = walk(x, `${path}.${name}.${i}`);
        if (!p) return null;
        parts.push(p);
      }
      return { sql: sql`(${sql.join(parts.map((p) => p.sql), name === 'all' ? sql` and ` : sql` or `)})`, safe: parts.every((p) => p.safe) };
    }
    if (isNot(r)) {
      const p = walk(r.not, `${path}.not`);
      return p && negate(p);
    }
    const res = checkCondition(r as RuleCondition, path, ctx);
    if ('issue' in res) fail(res.issue);
    const positive = NEGATION[res.checked.op] ?? res.checked.op;
    const cond = { ...res.checked, op: positive };
    let body: Part;
    if (source === 'live') body = { sql: sql`(${res.def.toSql(cond, ctx)})`, safe: res.def.nullSafe?.(positive) ?? false };
    else {
      const onFacts = res.def.facts?.(cond, ctx) ?? null;
      if (!onFacts) return null;
      body = { sql: sql`(${onFacts})`, safe: false };
    }
    return positive === res.checked.op ? body : negate(body);
  };
  return walk(rule, 'rule')?.sql ?? null;
}

/** The ids of the segments a rule names (`segment.member`): the service refuses cycles and deleted segments. */
export function referencedSegments(rule: Rule): string[] {
  const out = new Set<string>();
  const walk = (r: Rule): void => {
    if (isGroupAll(r)) r.all.forEach(walk);
    else if (isGroupAny(r)) r.any.forEach(walk);
    else if (isNot(r)) walk(r.not);
    else if (isCondition(r) && r.field === 'segment.member' && r.value !== undefined) {
      for (const v of Array.isArray(r.value) ? r.value : [r.value]) out.add(String(v));
    }
  };
  walk(rule);
  return [...out];
}
