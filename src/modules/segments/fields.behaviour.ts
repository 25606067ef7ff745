/**
 * Built-in segment fields on behaviour and results kept by other modules: purchases (transaction_ledger views),
 * analytics results (through `analyticsFacts`), contacts (interaction_log) and tickets (through `ticketFacts`),
 * and membership of another segment. Each is a correlated subquery on `c.id` that an index on (customer_id, …)
 * answers; "has any in the window" conditions are `exists`, which stops at the first row.
 *
 * Transactions of no stated type mean purchases and payments (not refunds); their sum is the net spend (refunds
 * subtract), like the customer's lifetime spend.
 */
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { MessageKey } from '../../platform/i18n/index.js';
import { analyticsFacts, RFM_GROUP_LABELS, RFM_GROUPS, type AnalyticsMetric } from '../analytics/index.js';
import { ticketFacts } from '../tickets/index.js';
import { columnSql, instant, OPS, uuidArray, windowStart } from './fields.sql.js';
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

/** The transactions of `c` a condition counts: not deleted, of the type (default purchases and payments), in the window. */
function txFilter(cond: CheckedCondition, ctx: CompileContext): SQL {
  const type = cond.params.type as string | undefined;
  const byType = type ? sql` and t.type = ${type}` : sql` and t.type <> 'refund'`;
  const d = cond.params.days as number | undefined;
  const window = d ? sql` and t.occurred_at >= ${instant(windowStart(ctx.now, d))}` : sql``;
  return sql`t.customer_id = c.id and t.deleted_at is null${byType}${window}`;
}

/**
 * A number of rows as a condition: "at least one" is an `exists` and "none" a `not exists` (a semi- or anti-join
 * over the index, instead of counting per customer); other thresholds count.
 */
function countSql(countExpr: SQL, existsExpr: SQL, cond: CheckedCondition, ctx: CompileContext): SQL {
  const v = Number(cond.value);
  const some = (cond.op === 'gte' && v > 0 && v <= 1) || (cond.op === 'gt' && v >= 0 && v < 1);
  const none = (cond.op === 'eq' && v === 0) || (cond.op === 'lt' && v > 0 && v <= 1) || (cond.op === 'lte' && v >= 0 && v < 1);
  if (some) return existsExpr;
  if (none) return sql`not ${existsExpr}`;
  return columnSql('number', countExpr, cond, ctx);
}

/** The latest date of rows as a condition: within N days and empty become `exists` over the index. */
function latestSql(maxExpr: SQL, existsSince: (since: Date | null) => SQL, cond: CheckedCondition, ctx: CompileContext): SQL {
  if (cond.op === 'withinDays') return existsSince(windowStart(ctx.now, Number(cond.value)));
  if (cond.op === 'isEmpty') return sql`not ${existsSince(null)}`;
  return columnSql('timestamp', maxExpr, cond, ctx);
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
    toSql: (cond, ctx) =>
      countSql(
        sql`(select count(*) from transaction_ledger t where ${txFilter(cond, ctx)})`,
        sql`exists (select 1 from transaction_ledger t where ${txFilter(cond, ctx)})`,
        cond,
        ctx,
      ),
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
      // Net spend counts refunds too (they subtract): no "not refunds" filter when no type is stated.
      const where = cond.params.type ? txFilter(cond, ctx) : netFilter(cond, ctx);
      return columnSql('money', sql`(select coalesce(sum(${amount}), 0) from transaction_ledger t where ${where})`, cond, ctx);
    },
  },
  {
    key: 'tx.lastDate',
    group: 'purchase',
    type: 'date',
    ops: [...OPS.date, ...OPS.empty],
    params: typeParams,
    paramsInfo: [TYPE_INFO],
    label: 'segment_field.tx.lastDate',
    nullSafe: (op) => op === 'withinDays' || op === 'isEmpty',
    toSql: (cond, ctx) =>
      latestSql(
        sql`(select max(t.occurred_at) from transaction_ledger t where ${txFilter(cond, ctx)})`,
        (since) => sql`exists (select 1 from transaction_ledger t where ${txFilter(cond, ctx)}${since ? sql` and t.occurred_at >= ${instant(since)}` : sql``})`,
        cond,
        ctx,
      ),
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
      sql`exists (select 1 from transaction_ledger t join transaction_line_ledger l on l.transaction_id = t.id
                  where ${txFilter(cond, ctx)} and l.product_id = any(${uuidArray(cond.value as string[])}))`,
  },
];

function netFilter(cond: CheckedCondition, ctx: CompileContext): SQL {
  const d = cond.params.days as number | undefined;
  const window = d ? sql` and t.occurred_at >= ${instant(windowStart(ctx.now, d))}` : sql``;
  return sql`t.customer_id = c.id and t.deleted_at is null${window}`;
}

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

/** An analytics result: false for everyone (empty: true) before the first run. */
function analytics(key: AnalyticsMetric, type: SegmentFieldType, ops: readonly RuleOp[], options?: SegmentFieldOption[]): SegmentFieldDef {
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
      if (cond.op === 'isEmpty') return sql`not ${analyticsFacts.metricWhere(sql`c.id`, key, (col) => sql`${col} is not null`)}`;
      return analyticsFacts.metricWhere(sql`c.id`, key, (col) => columnSql(type, col, cond, ctx));
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
    nullSafe: (op) => op === 'withinDays' || op === 'isEmpty',
    toSql: (cond, ctx) =>
      latestSql(
        sql`(select max(i.occurred_at) from interaction_log i where i.customer_id = c.id and i.deleted_at is null)`,
        (since) => sql`exists (select 1 from interaction_log i where i.customer_id = c.id and i.deleted_at is null${since ? sql` and i.occurred_at >= ${instant(since)}` : sql``})`,
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
      return columnSql('number', ticketFacts.countSince(sql`c.id`, d ? windowStart(ctx.now, d) : null), cond, ctx);
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
      return columnSql('number', ticketFacts.latestRating(sql`c.id`, d ? windowStart(ctx.now, d) : null), cond, ctx);
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
};

for (const f of [...purchase, ...analyticsFields, ...service, member]) registerSegmentField(f);
