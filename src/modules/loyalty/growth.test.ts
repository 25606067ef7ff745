/**
 * Growth value (成长值) on each base, against the real database: the 12-month window, reversals of earned points,
 * spend in whole yuan with refunds and deleted transactions, tenure in whole years, the analytics value tier rank; the
 * small-set form (growthFor) and the set-based form over an id range give the same answers.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type Db } from '../../platform/db/client.js';
import { createTestContext, type TestContext } from '../../test/harness.js';
import type { GrowthBase } from './loyalty.contract.js';
import { credit, debit } from './ledger.js';
import { ensureMembers } from './members.js';
import { defaultProgramme } from './programme.js';
import { growthFor, growthSource, growthWindowStart, idRange } from './growth.js';

/**
 * Stands in for an analytics run's results (the run rebuilds `analytics_customer_current`; only `value_tier` matters
 * here, the other required columns get neutral values).
 */
async function scoreValueTiers(db: Db, tiers: Record<string, 'high' | 'middle' | 'low'>): Promise<void> {
  for (const [customerId, tier] of Object.entries(tiers)) {
    await db.execute(sql`
      insert into analytics_customer_current (customer_id, run_id, as_of, value_tier, value_score, rfm_group, r_score, f_score, m_score, frequency, monetary_fen,
        clv_formula_fen, clv_fen, clv_service_fen, clv_contract_fen, churn_risk, churn_level, churn_reasons, loyalty, quadrant, scores)
      values (${customerId}, gen_random_uuid(), '2026-12-31', ${tier}, 0, 'new', 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 'low', '[]'::json, 0, 'q', '{}'::json)
      on conflict (customer_id) do update set value_tier = excluded.value_tier`);
  }
}

/** 2027-01-01 02:00 in Shanghai: the window is (2026-01-01 02:00, now]. */
const NOW = new Date('2027-01-01T02:00:00+08:00');
const FAR = new Date('2030-01-01T00:00:00Z');
const at = (s: string) => new Date(`${s}+08:00`);

describe('growth value', () => {
  let ctx: TestContext;
  let db: Db;
  const id: Record<string, string> = {};
  const programme = (growthBase: GrowthBase) => ({ ...defaultProgramme('heating'), growthBase });

  const earn = (customerId: string, kind: 'earn' | 'bonus', points: number, occurredAt: Date) =>
    credit(db, { customerId, kind, points, reason: 'test', sourceKind: 'manual', sourceId: null, expiresAt: FAR, createdBy: null, occurredAt }, occurredAt);
  const tx = (customerId: string, type: 'purchase' | 'payment' | 'refund', amountFen: number, occurredAt: Date, deleted = false) =>
    db.execute(sql`
      insert into transactions (customer_id, occurred_at, type, amount_fen, deleted_at)
      values (${customerId}, ${occurredAt.toISOString()}::timestamptz, ${type}, ${amountFen}, ${deleted ? sql`now()` : sql`null`})`);

  beforeAll(async () => {
    ctx = await createTestContext();
    db = ctx.database.db;
    for (const name of ['points', 'spend', 'refunds', 'five', 'four', 'high', 'middle', 'low', 'unscored', 'outsider']) {
      id[name] = (await ctx.newCustomer({ name: `成长 ${name}` })).id as string;
    }
    const members = Object.entries(id).filter(([k]) => k !== 'outsider');
    await ensureMembers(db, members.map(([, v]) => v), programme('points'), at('2020-05-01T00:00:00'));
  });
  afterAll(() => ctx.close());

  it('counts points earned in the 12 months, less their reversals (a give-back counts again); not redemptions, adjustments or older earnings', async () => {
    const c = id.points!;
    const june = await earn(c, 'earn', 1000, at('2026-06-01T10:00:00'));
    await debit(db, { customerId: c, kind: 'reverse', points: 300, reason: 'refund', sourceKind: 'refund', sourceId: 'r1', reversesId: june, createdBy: null, occurredAt: at('2026-07-01T10:00:00') }, at('2026-07-01T10:00:00'));
    await credit(db, { customerId: c, kind: 'reverse', points: 100, reason: 'giveback', sourceKind: 'refund', sourceId: 'r1', reversesId: june, expiresAt: FAR, createdBy: null, occurredAt: at('2026-08-01T10:00:00') }, at('2026-08-01T10:00:00'));
    await earn(c, 'bonus', 200, at('2027-01-01T01:59:59'));
    // Before the window: neither the earning nor its later reversal counts.
    const old = await earn(c, 'earn', 5000, at('2026-01-01T01:59:59'));
    await debit(db, { customerId: c, kind: 'reverse', points: 400, reason: 'refund', sourceKind: 'refund', sourceId: 'r2', reversesId: old, createdBy: null, occurredAt: at('2026-09-01T10:00:00') }, at('2026-09-01T10:00:00'));
    await debit(db, { customerId: c, kind: 'redeem', points: 500, reason: 'gift', sourceKind: 'redemption', sourceId: 'g1', createdBy: null, occurredAt: at('2026-10-01T10:00:00') }, at('2026-10-01T10:00:00'));
    await credit(db, { customerId: c, kind: 'adjust', points: 50, reason: 'manual', sourceKind: 'manual', sourceId: null, expiresAt: FAR, createdBy: null, occurredAt: at('2026-10-02T10:00:00') }, at('2026-10-02T10:00:00'));
    // After `now`: not yet.
    await earn(c, 'earn', 70, at('2027-01-01T03:00:00'));

    expect(growthWindowStart(NOW).toISOString()).toBe('2025-12-31T18:00:00.000Z');
    const g = await growthFor(db, programme('points'), [c, id.spend!, id.outsider!], NOW);
    expect(Object.fromEntries(g)).toEqual({ [c]: 1000 - 300 + 100 + 200, [id.spend!]: 0, [id.outsider!]: 0 });
    // A year on, only what was earned after 2027-01-01 02:00 counts.
    expect((await growthFor(db, programme('points'), [c], new Date('2028-01-01T02:00:00+08:00'))).get(c)).toBe(70);
  });

  it('counts purchases and payments less refunds in whole yuan, deleted transactions and older ones left out, never below 0', async () => {
    await tx(id.spend!, 'purchase', 300_050, at('2026-03-01T10:00:00'));
    await tx(id.spend!, 'payment', 150_049, at('2026-10-01T10:00:00'));
    await tx(id.spend!, 'refund', 50_000, at('2026-11-01T10:00:00'));
    await tx(id.spend!, 'payment', 1_000_000, at('2026-05-01T10:00:00'), true);
    await tx(id.spend!, 'purchase', 999_900, at('2025-12-01T10:00:00'));
    await tx(id.refunds!, 'refund', 10_000, at('2026-11-01T10:00:00'));
    const g = await growthFor(db, programme('spend'), [id.spend!, id.refunds!, id.points!], NOW);
    expect(Object.fromEntries(g)).toEqual({ [id.spend!]: 4000, [id.refunds!]: 0, [id.points!]: 0 });
  });

  it('counts whole years of membership', async () => {
    await db.execute(sql`update loyalty_members set joined_at = ${at('2022-01-01T01:00:00').toISOString()}::timestamptz where customer_id = ${id.five}`);
    await db.execute(sql`update loyalty_members set joined_at = ${at('2022-01-01T03:00:00').toISOString()}::timestamptz where customer_id = ${id.four}`);
    const g = await growthFor(db, programme('tenure'), [id.five!, id.four!, id.outsider!], NOW);
    expect(Object.fromEntries(g)).toEqual({ [id.five!]: 5, [id.four!]: 4, [id.outsider!]: 0 });
  });

  it('ranks the analytics value tier (0 before any result, and for a customer without one)', async () => {
    const asked = [id.high!, id.middle!, id.low!, id.unscored!];
    expect([...(await growthFor(db, programme('value_tier'), asked, NOW)).values()]).toEqual([0, 0, 0, 0]);
    await scoreValueTiers(db, { [id.high!]: 'high', [id.middle!]: 'middle', [id.low!]: 'low' });
    const g = await growthFor(db, programme('value_tier'), asked, NOW);
    expect(asked.map((c) => g.get(c))).toEqual([3, 2, 1, 0]);
  });

  it('answers the same over an id range (the review) as for a few ids', async () => {
    const members = Object.entries(id)
      .filter(([k]) => k !== 'outsider')
      .map(([, v]) => v)
      .sort();
    for (const base of ['points', 'spend', 'tenure', 'value_tier'] as const) {
      const few = await growthFor(db, programme(base), members, NOW);
      const source = await growthSource(db, programme(base), NOW);
      // Two ranges: (−∞, 4th] and (4th, ∞).
      const split = members[3]!;
      const rows = [
        ...rowsOf<{ customer_id: string; growth: string }>(await db.execute(source(idRange(null, split)))),
        ...rowsOf<{ customer_id: string; growth: string }>(await db.execute(source(idRange(split, null)))),
      ];
      const everyone = rows.filter((r) => members.includes(r.customer_id));
      expect(everyone.length, base).toBe(members.length);
      expect(Object.fromEntries(everyone.map((r) => [r.customer_id, Number(r.growth)])), base).toEqual(Object.fromEntries(few));
    }
  });
});
