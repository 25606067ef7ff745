/**
 * The service's side of the rule language: checking a rule (fields, operators, values; references to other segments
 * and cycles among them) and compiling it to one condition over `c` (customer_directory) with the segment
 * membership reader and the company's clock. The language itself lives in rule.ts, fields.ts and compile.ts.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import { customerFields } from '../customers/index.js';
import { companyClock } from '../settings/index.js';
import { checkRule, compileRule, compileRuleOnFacts, referencedSegments } from './compile.js';
import { loadFieldContext, segmentField, type SegmentFieldDef } from './fields.js';
import { isCondition, isGroupAll, isGroupAny, isNot, type Rule } from './rule.js';
import { liveSegments } from './segments.repository.js';
import { segmentMembership } from './schema.js';
import { useFacts, type FactsUse } from './segments.facts.js';
import type { Db } from '../../platform/db/client.js';

/**
 * Checks a rule (400s naming the path of the bad part, in `locale`) and the segments it refers to: each must be a live
 * segment, and following references from `selfId` must never come back to it.
 */
export async function checkSegmentRule(db: DbOrTx, rule: Rule, locale: Locale, selfId?: string): Promise<FieldContext> {
  const fieldCtx = await loadFieldContext(db);
  checkRule(rule, { ...fieldCtx, locale });
  const refs = referencedSegments(rule);
  if (!refs.length) return fieldCtx;
  const live = new Map((await liveSegments(db)).map((s) => [s.id, s]));
  for (const id of refs) {
    if (!live.has(id)) throw AppError.field('rule', 'segments.rule_unknown_segment', { id });
  }
  if (!selfId) return fieldCtx;
  // Depth-first over the references: reaching the segment itself is a cycle.
  const seen = new Set<string>();
  const stack = [...refs];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === selfId) throw AppError.field('rule', 'segments.rule_cycle');
    if (seen.has(id)) continue;
    seen.add(id);
    const r = live.get(id)?.rule;
    if (r) stack.push(...referencedSegments(r));
  }
  return fieldCtx;
}

/**
 * Field grants (issue #18): whether the actor may filter on a segment field — a field covered by a customer field
 * grant (`grant`) only when its role sees that field; fields of no customer field (behaviour, the creation time) always.
 */
export function segmentFieldVisible(actor: Actor, def: Pick<SegmentFieldDef, 'grant'> | undefined): boolean {
  return !def?.grant || customerFields(actor).visible(def.grant);
}

/**
 * Refuses a rule with a condition on a field the actor's role does not see (403 naming the condition's `field`, e.g.
 * `rule.all.1.field`): saved or previewed, its members and counts would tell the hidden values. Run after checkRule.
 */
export function refuseHiddenRuleFields(actor: Actor, rule: Rule, ctx: FieldContext, path = 'rule'): void {
  const walk = (r: Rule, at: string): void => {
    if (isGroupAll(r)) return r.all.forEach((x, i) => walk(x, `${at}.all.${i}`));
    if (isGroupAny(r)) return r.any.forEach((x, i) => walk(x, `${at}.any.${i}`));
    if (isNot(r)) return walk(r.not, `${at}.not`);
    if (!isCondition(r)) return;
    const def = segmentField(r.field, ctx);
    if (segmentFieldVisible(actor, def)) return;
    const label = typeof def!.label === 'string' ? { zh: t('zh-CN', def!.label), en: t('en', def!.label) } : def!.label;
    const params = { name: r.field, fieldZh: label.zh, fieldEn: label.en };
    const field = `${at}.field`;
    throw new AppError('forbidden', 'segment_rule.hidden_field', params, [{ field, key: 'segment_rule.hidden_field', params: { ...params, field } }]);
  };
  walk(rule, path);
}

/** A condition of a stored rule shown in its place to a reader whose role does not see its field. */
export type HiddenCondition = { hidden: true; label: string };

/**
 * Field grants (issue #18): a stored rule as a reader sees it — each condition on a field the reader's role does not
 * see (a customer field's grant; a custom field by its key, even one archived since) replaced by
 * `{ hidden: true, label: '（无权查看的条件）' }`: no field, operator or value, so the members shown beside the rule
 * tell nothing about the hidden field either. Groups and NOT keep their shape. Returns the same rule when nothing is hidden.
 */
export function redactHiddenRule(actor: Actor, rule: Rule, ctx: FieldContext): Rule | HiddenCondition {
  const fields = customerFields(actor);
  const label = t(actor.locale, 'segment_rule.hidden_condition');
  let changed = false;
  const walk = (r: Rule): Rule | HiddenCondition => {
    if (isGroupAll(r)) return { all: r.all.map(walk) as Rule[] };
    if (isGroupAny(r)) return { any: r.any.map(walk) as Rule[] };
    if (isNot(r)) return { not: walk(r.not) as Rule };
    if (!isCondition(r)) return r;
    const hidden = !segmentFieldVisible(actor, segmentField(r.field, ctx)) || (r.field.startsWith('custom.') && !fields.visible(r.field));
    if (!hidden) return r;
    changed = true;
    return { hidden: true, label };
  };
  const out = walk(rule);
  return changed ? out : rule;
}

/** What checking a rule reads of the database: pass it on to compileSegmentRule rather than reading it twice. */
export type FieldContext = Awaited<ReturnType<typeof loadFieldContext>>;

/** The rule as one SQL condition over `c`, as of `now` (with the field context already read, when there is one). */
export async function compileSegmentRule(db: DbOrTx, rule: Rule, now: Date, known?: FieldContext): Promise<SQL> {
  return (await segmentCompiler(db, rule, now, known))();
}

/**
 * The rule's compiler for one clock: the condition over all customers, or over the customers of one id range (a
 * refresh slice, whose sets of customer ids are then cut to the range). Reads the clock and field context once.
 */
export async function segmentCompiler(
  db: DbOrTx,
  rule: Rule,
  now: Date,
  known?: FieldContext,
): Promise<(range?: { after: string | null; upTo: string | null }) => SQL> {
  const [fieldCtx, clock] = await Promise.all([known ?? loadFieldContext(db), companyClock(db, now)]);
  const base = { ...fieldCtx, now, zone: clock.zone, memberOf: (segmentId: string) => segmentMembership(segmentId, sql`c.id`) };
  return (range) => compileRule(rule, range ? { ...base, range } : base);
}

/** Where a count reads: the facts read model (`customer_facts`), or the live SQL and why not the facts. */
export type CountSource = { source: 'facts'; condition: SQL } | { source: 'live'; condition: SQL; why: 'rule' | 'off' | Extract<FactsUse, { ok: false }>['reason'] };

/**
 * The rule for a count as of `now`: over the facts (`customer_facts c`) when every condition can be answered from them
 * and they are current (`useFacts`: fresh, queued changes drained), else over `customer_directory c` — the same
 * customers either way. `facts: false` forces the live SQL (the benchmark's comparison, tests).
 */
export async function countSource(db: Db, rule: Rule, now: Date, known?: FieldContext, opts: { facts?: boolean } = {}): Promise<CountSource> {
  const [fieldCtx, clock] = await Promise.all([known ?? loadFieldContext(db), companyClock(db, now)]);
  const ctx = { ...fieldCtx, now, zone: clock.zone, memberOf: (segmentId: string) => segmentMembership(segmentId, sql`c.id`) };
  if (opts.facts === false) return { source: 'live', condition: compileRule(rule, ctx), why: 'off' };
  const onFacts = compileRuleOnFacts(rule, ctx);
  if (!onFacts) return { source: 'live', condition: compileRule(rule, ctx), why: 'rule' };
  const use = await useFacts(db, now);
  return use.ok ? { source: 'facts', condition: onFacts } : { source: 'live', condition: compileRule(rule, ctx), why: use.reason };
}

/** Live dynamic segments ordered so that a segment comes after the segments its rule refers to. */
export function dependencyOrder<S extends { id: string; rule: Rule | null }>(list: S[]): S[] {
  const byId = new Map(list.map((s) => [s.id, s]));
  const out: S[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: S) => {
    if (state.get(s.id)) return; // done, or a cycle (refused when saved): keep the order found
    state.set(s.id, 'visiting');
    for (const ref of s.rule ? referencedSegments(s.rule) : []) {
      const dep = byId.get(ref);
      if (dep) visit(dep);
    }
    state.set(s.id, 'done');
    out.push(s);
  };
  list.forEach(visit);
  return out;
}
