/**
 * The service's side of the rule language: checking a rule (fields, operators, values; references to other segments
 * and cycles among them) and compiling it to one condition over `c` (customer_directory) with the segment
 * membership reader and the company's clock. The language itself lives in rule.ts, fields.ts and compile.ts.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import type { Locale } from '../../platform/i18n/index.js';
import { companyClock } from '../settings/index.js';
import { checkRule, compileRule, referencedSegments } from './compile.js';
import { loadFieldContext } from './fields.js';
import type { Rule } from './rule.js';
import { liveSegments } from './segments.repository.js';
import { segmentMembership } from './schema.js';

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
