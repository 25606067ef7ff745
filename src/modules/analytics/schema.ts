import { sql } from 'drizzle-orm';
import { bigint, date, doublePrecision, index, integer, json, jsonb, pgTable, primaryKey, real, smallint, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { runColumns } from '../../platform/runs/columns.js';
import type { ChurnReason, CustomerScores, RunCounts, RunDiagnostics, RunFits } from './analytics.contract.js';
import type { AnalyticsSettings } from './analytics.contract.js';

/**
 * One analytics run (价值分析): nightly or on demand, as of a date. At most one nightly run per date and at most one
 * run queued or running at any time — both guarded by unique indexes, so two server processes cannot double a run.
 * A durable run (`platform/runs`): claimed, beating its heartbeat, taken over when its process is gone. It keeps no
 * checkpoint (a taken-over run computes again from the start).
 */
export const analyticsRuns = pgTable(
  'analytics_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['nightly', 'manual', 'cli'] }).notNull(),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    ...runColumns<never>(),
    settings: jsonb('settings').$type<AnalyticsSettings>().notNull(),
    fits: jsonb('fits').$type<RunFits>(),
    diagnostics: jsonb('diagnostics').$type<RunDiagnostics>(),
    counts: jsonb('counts').$type<RunCounts>(),
    requestedBy: uuid('requested_by'),
    seconds: real('seconds'),
  },
  (t) => [
    uniqueIndex('analytics_runs_nightly_unique').on(t.asOf).where(sql`${t.kind} = 'nightly'`),
    uniqueIndex('analytics_runs_active_unique').on(sql`(true)`).where(sql`${t.status} in ('queued', 'running')`),
    index('analytics_runs_created_idx').on(t.createdAt, t.id),
  ],
);

/**
 * The latest finished run's results, one row per customer (other modules filter by value_tier / churn_level / segment).
 * Rebuilt by every run as a new table swapped in (see writeResults); the two documents are `json`, not `jsonb`: they are
 * only read whole, and `json` input costs a fraction of `jsonb`'s on a million rows.
 */
export const analyticsCustomerCurrent = pgTable(
  'analytics_customer_current',
  {
    // No foreign key: the table is rebuilt by every run (a fresh table swapped in), from customers read by that run.
    customerId: uuid('customer_id').primaryKey(),
    runId: uuid('run_id').notNull(),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    valueTier: text('value_tier', { enum: ['high', 'middle', 'low'] }).notNull(),
    valueScore: real('value_score').notNull(),
    rfmGroup: text('rfm_group').notNull(),
    rScore: smallint('r_score').notNull(),
    fScore: smallint('f_score').notNull(),
    mScore: smallint('m_score').notNull(),
    recencyDays: integer('recency_days'),
    frequency: integer('frequency').notNull(),
    monetaryFen: bigint('monetary_fen', { mode: 'number' }).notNull(),
    /** Purchase days and net spend of all time up to the as-of date (frequency and monetary are the RFM window's). */
    lifetimePurchases: integer('lifetime_purchases'),
    lifetimeFen: bigint('lifetime_fen', { mode: 'number' }),
    tenureDays: integer('tenure_days'),
    clvFormulaFen: bigint('clv_formula_fen', { mode: 'number' }).notNull(),
    clvFen: bigint('clv_fen', { mode: 'number' }).notNull(),
    clvServiceFen: bigint('clv_service_fen', { mode: 'number' }).notNull(),
    clvContractFen: bigint('clv_contract_fen', { mode: 'number' }).notNull(),
    pAlive: doublePrecision('p_alive'),
    expectedPurchases: doublePrecision('expected_purchases'),
    renewalProb: doublePrecision('renewal_prob'),
    churnRisk: smallint('churn_risk').notNull(),
    churnLevel: text('churn_level', { enum: ['low', 'medium', 'high'] }).notNull(),
    churnReasons: json('churn_reasons').$type<ChurnReason[]>().notNull(),
    loyalty: real('loyalty').notNull(),
    quadrant: text('quadrant').notNull(),
    segment: integer('segment'),
    scores: json('scores').$type<CustomerScores>().notNull(),
  },
  (t) => [
    index('analytics_current_tier_idx').on(t.valueTier),
    index('analytics_current_risk_idx').on(t.churnRisk, t.customerId),
    index('analytics_current_level_idx').on(t.churnLevel),
    // Every metric other modules filter on (analyticsFacts.metricIds), for index-only scans: a fifth of the table.
    index('analytics_current_metrics_idx').on(
      t.customerId, t.valueTier, t.churnLevel, t.churnRisk, t.rfmGroup, t.rScore, t.fScore, t.mScore, t.clvFen, t.pAlive, t.segment, t.valueScore, t.quadrant,
    ),
  ],
);

/** Every run's tier, scores and risk per customer: the movement between tiers over time (客户价值的动态性). */
export const analyticsCustomerHistory = pgTable(
  'analytics_customer_history',
  {
    // No foreign key to analytics_runs (runs are never deleted): its check per row doubled the COPY of a million rows.
    runId: uuid('run_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    valueTier: text('value_tier', { enum: ['high', 'middle', 'low'] }).notNull(),
    valueScore: real('value_score').notNull(),
    rfmGroup: text('rfm_group').notNull(),
    clvFen: bigint('clv_fen', { mode: 'number' }).notNull(),
    pAlive: real('p_alive'),
    churnRisk: smallint('churn_risk').notNull(),
    churnLevel: text('churn_level', { enum: ['low', 'medium', 'high'] }).notNull(),
    quadrant: text('quadrant').notNull(),
    segment: smallint('segment'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.customerId] }), index('analytics_history_customer_idx').on(t.customerId, t.asOf)],
);
