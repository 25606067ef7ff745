/**
 * Built-in segment fields on behaviour and results kept by other modules: purchases (transaction_ledger views),
 * analytics results (through `analyticsFacts`), contacts (interaction_log) and tickets (through `ticketFacts`),
 * and membership of another segment. Purchases, contacts and analytics results are sets of customer ids
 * (`c.id in (…)`, see `customerIn`), which the planner can hash once for a million customers or probe per customer
 * when few remain; aggregates are grouped per customer with the customers who have no rows handled by the
 * condition's value at 0 (`aggregateSql`).
 *
 * Transactions of no stated type mean purchases and payments (not refunds); their sum is the net spend (refunds
 * subtract), like the customer's lifetime spend.
 */
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { MessageKey } from '../../platform/i18n/index.js';
import { analyticsFacts, RFM_GROUP_LABELS, RFM_GROUPS, type AnalyticsMetric } from '../analytics/index.js';
import { ticketFacts } from '../tickets/index.js';
import { columnSql, daysWindowStart, FACTS_DAYS, instant, numberSql, OPS, uuidArray, windowStart } from './fields.sql.js';
import { idValues } from './fields.customer.js';
import { registerSegmentField, type CheckedCondition, type CompileContext, type SegmentFieldDef, type SegmentFieldOption, type SegmentFieldType, type SegmentParamInfo } from './fields.registry.js';
import type { RuleOp } from './rule.js';

const TX_TYPES = ['purchase', 'payment', 'refund'] as const;
const TX_TYPE_OPTIONS: SegmentFieldOption[] = [
  { value: 'purchase', zh: '购买', en: 'Purchase' },
  { value: 'payment', zh: '缴费', en: 'Payment' },
  { value: 'refund', zh: '退款', en: 'Refund' },
];
const days = z.number().int().min(1).max(36_500);
const DAYS_INFO: SegmentParamInfo = { name: 'days', kind: 'days', required: false };
const TYPE_INFO: SegmentParamInfo = { name: 'type', kind: 'enum', required: false, options: TX_TYPE_OPTIONS };
const windowParams = z.strictObject({ days: days.optional(), type: z.enum(TX_TYPES).optional() });
const typeParams = z.strictObject({ type: z.enum(TX_TYPES).optional() });

/** The transactions a condition counts: not deleted, of the type (default purchases and payments), in the window. */
function txWhere(cond: CheckedCondition, ctx: CompileContext, opts: { net?: boolean } = {}): SQL {
  const type = cond.params.type as string | undefined;
  // Net spend counts refunds too (they subtract): no "not refunds" filter when no type is stated.
  const byType = type ? sql` and t.type = ${type}` : opts.net ? sql`` : sql` and t.type <> 'refund'`;
  const d = cond.params.days as number | undefined;
  const window = d ? sql` and t.occurred_at >= ${instant(daysWindowStart(ctx.now, d, ctx.zone))}` : sql``;
  return sql`t.deleted_at is null${byType}${window}`;
}

/**
 * "The customer is one of these": `c.id in (<customer ids>)`, never a subquery correlated with `c`. In an AND the
 * planner makes it a semi-join (hashed over one scan of the source, or an index probe per customer when few
 * customers remain); under OR and NOT it is a hashed subplan built once — where a correlated `exists` is evaluated
 * again for every customer (9 s for an OR of three conditions over a million households). Never NULL.
 */
function customerIn(ids: SQL, ctx: CompileContext): SQL {
  if (!ctx.range) return sql`c.id in (${ids})`;
  const { after, upTo } = ctx.range;
  const bounds = [after ? sql`x.id > ${after}::uuid` : null, upTo ? sql`x.id <= ${upTo}::uuid` : null].filter((b): b is SQL => b !== null);
  return bounds.length ? sql`c.id in (select x.id from (${ids}) x(id) where ${sql.join(bounds, sql` and `)})` : sql`c.id in (${ids})`;
}

/** Whether a number condition (a positive operator) holds for 0: the count or sum of a customer with no rows. */
function holdsForZero(cond: CheckedCondition): boolean {
  const v = cond.value;
  const n = Number(v);
  switch (cond.op) {
    case 'eq':
      return n === 0;
    case 'in':
      return (v as number[]).some((x) => Number(x) === 0);
    case 'gt':
      return 0 > n;
    case 'gte':
      return 0 >= n;
    case 'lt':
      return 0 < n;
    case 'lte':
      return 0 <= n;
    case 'between': {
      const [a, b] = (v as number[]).map(Number) as [number, number];
      return a <= 0 && 0 <= b;
    }
    default:
      throw new Error(`operator ${cond.op} on a count`);
  }
}

/**
 * A per-customer aggregate (count, sum) of transactions as a condition. Customers with no rows have the value 0 and
 * appear in no group: when the condition fails for 0 it is "in the groups that satisfy it", otherwise "not in the
 * groups that fail it". "At least one" and "none" need no grouping.
 */
function aggregateSql(agg: 'count' | SQL, where: SQL, cond: CheckedCondition, ctx: CompileContext): SQL {
  const v = Number(cond.value);
  const any = sql`select t.customer_id from transaction_ledger t where ${where}`;
  if (agg === 'count') {
    const some = (cond.op === 'gte' && v > 0 && v <= 1) || (cond.op === 'gt' && v >= 0 && v < 1);
    const none = (cond.op === 'eq' && v === 0) || (cond.op === 'lt' && v > 0 && v <= 1) || (cond.op === 'lte' && v >= 0 && v < 1);
    if (some) return customerIn(any, ctx);
    if (none) return sql`not ${customerIn(any, ctx)}`;
  }
  const test = numberSql(agg === 'count' ? sql`count(*)` : agg, cond);
  return holdsForZero(cond)
    ? sql`not ${customerIn(sql`${any} group by t.customer_id having not (${test})`, ctx)}`
    : customerIn(sql`${any} group by t.customer_id having ${test}`, ctx);
}

/** The latest date of rows as a condition (NULL for a customer with none, so no date test holds for them). */
function latestSql(rows: (since: Date | null) => SQL, maxExpr: SQL, cond: CheckedCondition, ctx: CompileContext): SQL {
  if (cond.op === 'withinDays') return customerIn(rows(windowStart(ctx.now, Number(cond.value))), ctx);
  if (cond.op === 'isEmpty') return sql`not ${customerIn(rows(null), ctx)}`;
  return customerIn(sql`${rows(null)} group by 1 having ${columnSql('timestamp', maxExpr, cond, ctx)}`, ctx);
}

// ---- over the facts read model (customer_facts as `c`): null where the facts cannot answer exactly --------------------

const TYPE_COLUMN = { purchase: 'purchase', payment: 'payment', refund: 'refund' } as const;
const factsCol = (type: string, what: 'count' | 'fen' | 'last') => {
  const t = TYPE_COLUMN[type as keyof typeof TYPE_COLUMN];
  if (!t) throw new Error(`transaction type ${type}`);
  return sql.raw(what === 'last' ? `c.last_${t}_at` : `coalesce(c.${t}_${what}, 0)`);
};
/** The facts hold counts and sums of the FACTS_DAYS window only (a `days` of exactly that; none means all time). */
const inFactsWindow = (cond: CheckedCondition) => cond.params.days === FACTS_DAYS;

function txCountOnFacts(cond: CheckedCondition): SQL | null {
  if (!inFactsWindow(cond)) return null;
  const type = cond.params.type as string | undefined;
  return numberSql(type ? factsCol(type, 'count') : sql`(${factsCol('purchase', 'count')} + ${factsCol('payment', 'count')})`, cond);
}

function txSumOnFacts(cond: CheckedCondition): SQL | null {
  if (!inFactsWindow(cond)) return null;
  const type = cond.params.type as string | undefined;
  const net = sql`(${factsCol('purchase', 'fen')} + ${factsCol('payment', 'fen')} - ${factsCol('refund', 'fen')})`;
  return numberSql(type ? factsCol(type, 'fen') : net, cond);
}

function txLastOnFacts(cond: CheckedCondition, ctx: CompileContext): SQL {
  const type = cond.params.type as string | undefined;
  // greatest() skips NULLs: the later of the two, or NULL when neither.
  const last = type ? factsCol(type, 'last') : sql`greatest(${factsCol('purchase', 'last')}, ${factsCol('payment', 'last')})`;
  return columnSql('timestamp', last, cond, ctx);
}

const purchase: SegmentFieldDef[] = [
  {
    key: 'tx.count',
    group: 'purchase',
    type: 'number',
    ops: OPS.number,
    params: windowParams,
    paramsInfo: [DAYS_INFO, TYPE_INFO],
    label: 'segment_field.tx.count',
    nullSafe: () => true,
    toSql: (cond, ctx) => aggregateSql('count', txWhere(cond, ctx), cond, ctx),
    facts: txCountOnFacts,
  },
  {
    key: 'tx.sumFen',
    group: 'purchase',
    type: 'money',
    ops: OPS.number,
    params: windowParams,
    paramsInfo: [DAYS_INFO, TYPE_INFO],
    label: 'segment_field.tx.sumFen',
    nullSafe: () => true,
    toSql: (cond, ctx) => {
      const amount = cond.params.type ? sql`t.amount_fen` : sql`case when t.type = 'refund' then -t.amount_fen else t.amount_fen end`;
      return aggregateSql(sql`sum(${amount})`, txWhere(cond, ctx, { net: !cond.params.type }), cond, ctx);
    },
    facts: txSumOnFacts,
  },
  {
    key: 'tx.lastDate',
    group: 'purchase',
    type: 'date',
    ops: [...OPS.date, ...OPS.empty],
    params: typeParams,
    paramsInfo: [TYPE_INFO],
    label: 'segment_field.tx.lastDate',
    nullSafe: () => true,
    toSql: (cond, ctx) =>
      latestSql(
        (since) => sql`select t.customer_id from transaction_ledger t where ${txWhere(cond, ctx)}${since ? sql` and t.occurred_at >= ${instant(since)}` : sql``}`,
        sql`max(t.occurred_at)`,
        cond,
        ctx,
      ),
    facts: txLastOnFacts,
  },
  {
    key: 'tx.product',
    group: 'purchase',
    type: 'enum',
    ops: ['in', 'notIn'],
    optionsSource: 'products',
    checkValue: idValues,
    params: windowParams,
    paramsInfo: [DAYS_INFO, TYPE_INFO],
    label: 'segment_field.tx.product',
    nullSafe: () => true,
    toSql: (cond, ctx) =>
      customerIn(sql`select t.customer_id from transaction_ledger t join transaction_line_ledger l on l.transaction_id = t.id
                     where ${txWhere(cond, ctx)} and l.product_id = any(${uuidArray(cond.value as string[])})`, ctx),
  },
];

const TIER_OPTIONS: SegmentFieldOption[] = [
  { value: 'high', zh: '高价值', en: 'High value' },
  { value: 'middle', zh: '中价值', en: 'Middle value' },
  { value: 'low', zh: '低价值', en: 'Low value' },
];
const CHURN_OPTIONS: SegmentFieldOption[] = [
  { value: 'low', zh: '低', en: 'Low' },
  { value: 'medium', zh: '中', en: 'Medium' },
  { value: 'high', zh: '高', en: 'High' },
];
const RFM_OPTIONS: SegmentFieldOption[] = RFM_GROUPS.map((g) => ({ value: g, ...RFM_GROUP_LABELS[g] }));

/** The facts read model's column of each analytics result a rule may name (segments.facts.ts fills them). */
export const ANALYTICS_FACT_COLUMNS = {
  valueTier: 'value_tier',
  rfmGroup: 'rfm_group',
  rScore: 'r_score',
  fScore: 'f_score',
  mScore: 'm_score',
  churnLevel: 'churn_level',
  churnRisk: 'churn_risk',
  clvFen: 'clv_fen',
  pAlive: 'p_alive',
  segment: 'segment',
} as const satisfies Partial<Record<AnalyticsMetric, string>>;
type FactsMetric = keyof typeof ANALYTICS_FACT_COLUMNS;

/** An analytics result: false for everyone (empty: true) before the first run. */
function analytics(key: FactsMetric, type: SegmentFieldType, ops: readonly RuleOp[], options?: SegmentFieldOption[]): SegmentFieldDef {
  return {
    key: `analytics.${key}`,
    group: 'analytics',
    type,
    ops,
    ...(options && type === 'enum' ? { options } : {}),
    label: `segment_field.analytics.${key}` as MessageKey,
    nullSafe: () => true,
    toSql: (cond, ctx) => {
      if (ctx.analyticsReady === false) return cond.op === 'isEmpty' ? sql`true` : sql`false`;
      if (cond.op === 'isEmpty') return sql`not ${customerIn(analyticsFacts.metricIds(key, (col) => sql`${col} is not null`), ctx)}`;
      return customerIn(analyticsFacts.metricIds(key, (col) => columnSql(type, col, cond, ctx)), ctx);
    },
    // The facts carry the results under the results' own column names (NULL: not scored).
    facts: (cond, ctx) => {
      if (ctx.analyticsReady === false) return cond.op === 'isEmpty' ? sql`true` : sql`false`;
      const col = sql.raw(`c.${ANALYTICS_FACT_COLUMNS[key]}`);
      return cond.op === 'isEmpty' ? sql`${col} is null` : columnSql(type, col, cond, ctx);
    },
  };
}

const withEmpty = (ops: readonly RuleOp[]): RuleOp[] => [...ops, ...OPS.empty];
const analyticsFields: SegmentFieldDef[] = [
  analytics('valueTier', 'enum', withEmpty(OPS.enum), TIER_OPTIONS),
  analytics('rfmGroup', 'enum', withEmpty(OPS.enum), RFM_OPTIONS),
  analytics('rScore', 'number', withEmpty(OPS.number)),
  analytics('fScore', 'number', withEmpty(OPS.number)),
  analytics('mScore', 'number', withEmpty(OPS.number)),
  analytics('churnLevel', 'enum', withEmpty(OPS.enum), CHURN_OPTIONS),
  analytics('churnRisk', 'number', withEmpty(OPS.number)),
  analytics('clvFen', 'money', withEmpty(OPS.number)),
  analytics('pAlive', 'number', withEmpty(OPS.number)),
  analytics('segment', 'number', withEmpty(['eq', 'ne', 'in', 'notIn'])),
];

const optionalDays = z.strictObject({ days: days.optional() });

const service: SegmentFieldDef[] = [
  {
    key: 'service.lastContact',
    group: 'service',
    type: 'date',
    ops: [...OPS.date, ...OPS.empty],
    label: 'segment_field.service.lastContact',
    nullSafe: () => true,
    toSql: (cond, ctx) =>
      latestSql(
        (since) => sql`select i.customer_id as customer_id from interaction_log i where i.deleted_at is null${since ? sql` and i.occurred_at >= ${instant(since)}` : sql``}`,
        sql`max(i.occurred_at)`,
        cond,
        ctx,
      ),
  },
  {
    key: 'service.openTickets',
    group: 'service',
    type: 'number',
    ops: OPS.number,
    label: 'segment_field.service.openTickets',
    nullSafe: () => true,
    toSql: (cond, ctx) => columnSql('number', ticketFacts.openCount(sql`c.id`), cond, ctx),
  },
  {
    key: 'service.complaints',
    group: 'service',
    type: 'number',
    ops: OPS.number,
    params: optionalDays,
    paramsInfo: [DAYS_INFO],
    label: 'segment_field.service.complaints',
    nullSafe: () => true,
    toSql: (cond, ctx) => {
      const d = cond.params.days as number | undefined;
      return columnSql('number', ticketFacts.countSince(sql`c.id`, d ? daysWindowStart(ctx.now, d, ctx.zone) : null), cond, ctx);
    },
  },
  {
    key: 'service.satisfaction',
    group: 'service',
    type: 'number',
    ops: withEmpty(OPS.number),
    params: optionalDays,
    paramsInfo: [DAYS_INFO],
    label: 'segment_field.service.satisfaction',
    nullSafe: (op) => op === 'isEmpty',
    toSql: (cond, ctx) => {
      const d = cond.params.days as number | undefined;
      return columnSql('number', ticketFacts.latestRating(sql`c.id`, d ? daysWindowStart(ctx.now, d, ctx.zone) : null), cond, ctx);
    },
  },
];

const member: SegmentFieldDef = {
  key: 'segment.member',
  group: 'segment',
  type: 'enum',
  ops: ['eq', 'ne', 'in', 'notIn'],
  optionsSource: 'segments',
  checkValue: idValues,
  label: 'segment_field.segment.member',
  toSql: (cond, ctx) => {
    const ids = Array.isArray(cond.value) ? cond.value.map(String) : [String(cond.value)];
    return sql`(${sql.join(
      ids.map((id) => ctx.memberOf(id)),
      sql` or `,
    )})`;
  },
  // Membership is read by `c.id`, which the facts have too.
  facts: (cond, ctx) => member.toSql(cond, ctx),
};

for (const f of [...purchase, ...analyticsFields, ...service, member]) registerSegmentField(f);
