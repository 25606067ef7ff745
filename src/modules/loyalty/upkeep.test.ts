/**
 * The nightly loyalty upkeep against the real database (PGlite and PostgreSQL): expiry of due lots (in several short
 * transactions, idempotent), the yearly review keeping, downgrading and upgrading on each growth base, the upgrade
 * sweep on other days for bases that move without earning, a run stopped mid-review that resumes (or is continued
 * by the next night's run) without reviewing anyone twice, and a review that writes only the members it changes.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rowsOf, type Db } from '../../platform/db/client.js';
import { createTestContext, type TestContext } from '../../test/harness.js';
import type { Programme, TierDef } from './loyalty.contract.js';
import { credit, debit } from './ledger.js';
import { ensureMembers } from './members.js';
import { defaultProgramme, writeProgramme } from './programme.js';
import { executeUpkeep, queueLoyaltyUpkeep, unfinishedUpkeepIds, upkeepNow } from './upkeep.js';

/** The heating programme's review day is 01-01: 2027-01-01 02:00 in Shanghai is the night of the review. */
const REVIEW_NIGHT = new Date('2027-01-01T02:00:00+08:00');
const FAR = new Date('2030-01-01T00:00:00Z');
const at = (s: string) => new Date(`${s}+08:00`);
const tier = (key: string, threshold: number, keepThreshold: number): TierDef => ({
  key,
  name: { zh: key, en: key },
  threshold,
  keepThreshold,
  earnMultiplierX100: 100,
  benefits: { zh: '', en: '' },
});

describe('loyalty upkeep', () => {
  let ctx: TestContext;
  let db: Db;
  let seq = 0;

  const setProgramme = (p: Partial<Programme>) => writeProgramme(db, { ...defaultProgramme('heating'), ...p });
  /** New members (joined 2024-06-01 unless said) at the given tiers. */
  const members = async (tiers: string[], joinedAt = at('2024-06-01T09:00:00')): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < tiers.length; i++) ids.push((await ctx.newCustomer({ name: `会员 ${++seq}` })).id as string);
    await ensureMembers(db, ids, defaultProgramme('heating'), joinedAt);
    for (const [i, id] of ids.entries()) await db.execute(sql`update loyalty_members set tier = ${tiers[i]!} where customer_id = ${id}`);
    return ids;
  };
  const earn = (customerId: string, points: number, occurredAt: Date, expiresAt = FAR) =>
    credit(db, { customerId, kind: 'earn', points, reason: 'test', sourceKind: 'manual', sourceId: null, expiresAt, createdBy: null, occurredAt }, occurredAt);
  const tiersOf = async (ids: string[]) => {
    const rows = rowsOf<{ customer_id: string; tier: string }>(await db.execute(sql`select customer_id, tier from loyalty_members where customer_id = any(${`{${ids.join(',')}}`}::uuid[])`));
    const m = new Map(rows.map((r) => [r.customer_id, r.tier]));
    return ids.map((id) => m.get(id));
  };
  const changes = async (ids: string[]) =>
    rowsOf<{ customer_id: string; from_tier: string; to_tier: string; reason: string; growth: string }>(
      await db.execute(sql`select customer_id, from_tier, to_tier, reason, growth from loyalty_tier_changes where reason <> 'join' and customer_id = any(${`{${ids.join(',')}}`}::uuid[]) order by id`),
    )
      .map((r) => [ids.indexOf(r.customer_id), r.from_tier, r.to_tier, r.reason, Number(r.growth)] as const)
      .sort((x, y) => x[0] - y[0]);
  /** Queues the night's run and executes it. */
  const night = async (now: Date, opts: Parameters<typeof executeUpkeep>[2] = {}) => {
    const id = await queueLoyaltyUpkeep(db, now);
    expect(id).not.toBeNull();
    return executeUpkeep(db, id!, { now, ...opts });
  };

  beforeAll(async () => {
    ctx = await createTestContext();
    db = ctx.database.db;
  });
  afterAll(() => ctx.close());
  // Each scenario has its own members: earlier ones leave (the walk takes active members only), runs start afresh.
  beforeEach(async () => {
    await db.execute(sql`update loyalty_members set status = 'left'`);
    await db.execute(sql`delete from loyalty_runs`);
    await db.execute(sql`delete from loyalty_reviews`); // every scenario reviews 2027 again, with its own members
  });

  it('expires every due lot in short transactions, one entry per member, and does it once', async () => {
    await setProgramme({ reviewMonthDay: '06-01' });
    const now = at('2027-01-01T00:30:00');
    const [a, b, c] = await members(['regular', 'regular', 'regular']);
    await earn(a!, 100, at('2025-03-01T10:00:00'), at('2027-01-01T00:00:00'));
    await earn(a!, 50, at('2026-03-01T10:00:00'), at('2028-01-01T00:00:00'));
    await earn(b!, 30, at('2025-04-01T10:00:00'), at('2027-01-01T00:00:00'));
    await debit(db, { customerId: b!, kind: 'redeem', points: 10, reason: 'gift', sourceKind: 'redemption', sourceId: 'g', createdBy: null, occurredAt: at('2026-05-01T10:00:00') }, at('2026-05-01T10:00:00'));
    await earn(c!, 40, at('2026-03-01T10:00:00'), at('2027-01-01T00:30:01'));
    const slices: string[] = [];
    const run = await night(now, { sliceSize: 1, onSlice: (cp) => slices.push(cp.phase) });
    expect(run).toMatchObject({ status: 'done', day: '2027-01-01', summary: { expiredMembers: 2, expiredPoints: 120, expiredLots: 2, reviewed: 0 } });
    expect(slices.filter((p) => p === 'expire').length).toBeGreaterThanOrEqual(2); // one member a transaction
    const balances = rowsOf<{ customer_id: string; balance: string }>(await db.execute(sql`select customer_id, balance from loyalty_members where customer_id in (${a}, ${b}, ${c})`));
    expect(Object.fromEntries(balances.map((r) => [r.customer_id, Number(r.balance)]))).toEqual({ [a!]: 50, [b!]: 0, [c!]: 40 });
    const expiries = async () =>
      rowsOf<{ customer_id: string; points: string }>(await db.execute(sql`select customer_id, points from points_entries where kind = 'expire' and customer_id in (${a}, ${b}, ${c})`)).map(
        (r) => [[a, b, c].indexOf(r.customer_id), Number(r.points)],
      );
    expect((await expiries()).sort()).toEqual([
      [0, -100],
      [1, -20],
    ]);
    // The same night again: the day's run is done (nothing queued, nothing written). The next night expires what
    // fell due since (c's lot, a second after the first run) and nothing twice.
    expect(await queueLoyaltyUpkeep(db, now)).toBeNull();
    expect(await upkeepNow(db, { now })).toMatchObject({ executed: false, run: { id: run.id, status: 'done' } });
    const next = await night(at('2027-01-02T00:30:00'));
    expect(next.summary).toMatchObject({ expiredMembers: 1, expiredPoints: 40, expiredLots: 1 });
    expect((await expiries()).sort()).toEqual([
      [0, -100],
      [1, -20],
      [2, -40],
    ]);
    expect(await unfinishedUpkeepIds(db)).toEqual([]);
  });

  it('reviews on points: keeps, downgrades to the tier kept, upgrades; skips members who joined after the review day', async () => {
    await setProgramme({ growthBase: 'points', reviewMonthDay: '01-01' });
    const [keep, toSilver, toRegular, up, reversed] = await members(['gold', 'gold', 'gold', 'regular', 'silver']);
    await earn(keep!, 4500, at('2026-05-01T10:00:00'));
    await earn(toSilver!, 3000, at('2026-05-01T10:00:00'));
    await earn(toRegular!, 6000, at('2025-11-01T10:00:00')); // before the window
    await earn(toRegular!, 100, at('2026-11-01T10:00:00'));
    await earn(up!, 2500, at('2026-12-01T10:00:00'));
    const e = await earn(reversed!, 2500, at('2026-03-01T10:00:00'));
    await debit(db, { customerId: reversed!, kind: 'reverse', points: 1200, reason: 'refund', sourceKind: 'refund', sourceId: 'r', reversesId: e, createdBy: null, occurredAt: at('2026-04-01T10:00:00') }, at('2026-04-01T10:00:00'));
    const [late] = await members(['gold'], at('2027-01-01T01:00:00'));
    const ids = [keep!, toSilver!, toRegular!, up!, reversed!, late!];

    const run = await night(REVIEW_NIGHT);
    expect(run.summary).toMatchObject({ reviewed: 5, kept: 1, downgraded: 3, upgraded: 1 });
    expect(await tiersOf(ids)).toEqual(['gold', 'silver', 'regular', 'silver', 'regular', 'gold']);
    expect(await changes(ids)).toEqual([
      [1, 'gold', 'silver', 'review_downgrade', 3000],
      [2, 'gold', 'regular', 'review_downgrade', 100],
      [3, 'regular', 'silver', 'upgrade', 2500],
      [4, 'silver', 'regular', 'review_downgrade', 1300],
    ]);
    // The year's watermark: the walk finished, so the review is over for 2027.
    const [mark] = rowsOf<{ finished: boolean }>(await db.execute(sql`select finished_at is not null as finished from loyalty_reviews where year = '2027'`));
    expect(mark?.finished).toBe(true);
    // The next night reviews nobody again.
    const next = await night(at('2027-01-02T02:00:00'));
    expect(next.summary).toMatchObject({ reviewed: 0, kept: 0, downgraded: 0, upgraded: 0 });
    expect((await changes(ids)).length).toBe(4);
  });

  it('on the review night expires and reviews a range together, and expires the due lots of members it does not review', async () => {
    await setProgramme({ growthBase: 'points', reviewMonthDay: '01-01' });
    const [kept, down] = await members(['gold', 'gold']);
    const [gone] = await members(['silver']);
    const [late] = await members(['regular'], at('2027-01-01T01:00:00')); // joined after the review day began
    await earn(kept!, 4500, at('2026-05-01T10:00:00'));
    await earn(kept!, 700, at('2025-05-01T10:00:00'), at('2027-01-01T00:00:00')); // due at the review
    await earn(down!, 900, at('2025-02-01T10:00:00'), at('2026-12-31T23:00:00')); // due, and outside the growth window
    await earn(gone!, 300, at('2025-03-01T10:00:00'), at('2027-01-01T00:00:00'));
    await earn(late!, 50, at('2025-03-01T10:00:00'), at('2027-01-01T00:00:00'));
    await db.execute(sql`update loyalty_members set status = 'left' where customer_id = ${gone}`);
    const phases: string[] = [];
    const run = await night(REVIEW_NIGHT, { sliceSize: 1, onSlice: (cp) => phases.push(cp.phase) });
    expect(run.summary).toMatchObject({ reviewed: 2, kept: 1, downgraded: 1, expiredMembers: 4, expiredPoints: 1950, expiredLots: 4 });
    // The review's ranges come first (two members, one a transaction), then the expiry of the other two.
    const review = phases.indexOf('expire');
    expect(review).toBeGreaterThanOrEqual(2);
    expect(phases.slice(0, review).every((p) => p === 'review')).toBe(true);
    const ids = [kept!, down!, gone!, late!];
    const rows = rowsOf<{ customer_id: string; balance: string; entries: string; last: string }>(
      await db.execute(sql`
        select m.customer_id, m.balance, (select coalesce(sum(points), 0) from points_entries e where e.customer_id = m.customer_id) as entries,
               (select balance_after from points_entries e where e.customer_id = m.customer_id order by id desc limit 1) as last
        from loyalty_members m where m.customer_id = any(${`{${ids.join(',')}}`}::uuid[])`),
    );
    const by = new Map(rows.map((r) => [r.customer_id, r]));
    expect(ids.map((id) => [Number(by.get(id)!.balance), Number(by.get(id)!.entries), Number(by.get(id)!.last)])).toEqual([
      [4500, 4500, 4500],
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(await tiersOf([kept!, down!])).toEqual(['gold', 'regular']);
    const lots = rowsOf<{ remaining: string; expired: string; by_expire: boolean }>(
      await db.execute(sql`
        select l.remaining, l.expired, e.kind = 'expire' and e.customer_id = l.customer_id as by_expire
        from points_lots l join points_entries e on e.id = l.expired_by where l.customer_id = any(${`{${ids.join(',')}}`}::uuid[])`),
    );
    expect(lots.map((l) => [Number(l.remaining), Number(l.expired), l.by_expire]).sort()).toEqual([
      [0, 300, true],
      [0, 50, true],
      [0, 700, true],
      [0, 900, true],
    ]);
  });

  it('reviews on spend (whole yuan, refunds and deleted transactions out)', async () => {
    await setProgramme({ growthBase: 'spend', reviewMonthDay: '01-01' });
    const [keep, down, up] = await members(['gold', 'gold', 'regular']);
    const tx = (customerId: string, type: string, amountFen: number, occurredAt: Date, deleted = false) =>
      db.execute(sql`insert into transactions (customer_id, occurred_at, type, amount_fen, deleted_at) values (${customerId}, ${occurredAt.toISOString()}::timestamptz, ${type}, ${amountFen}, ${deleted ? sql`now()` : sql`null`})`);
    await tx(keep!, 'payment', 450_000, at('2026-10-01T10:00:00'));
    await tx(keep!, 'refund', 50_001, at('2026-10-05T10:00:00')); // 3,999.99 yuan …
    await tx(keep!, 'purchase', 1, at('2026-10-06T10:00:00')); // … and a fen: exactly gold's keep threshold (4,000)
    await tx(down!, 'payment', 900_000, at('2026-10-01T10:00:00'), true);
    await tx(down!, 'payment', 200_000, at('2026-10-01T10:00:00'));
    await tx(up!, 'payment', 1_200_000, at('2026-10-01T10:00:00'));
    const run = await night(REVIEW_NIGHT);
    expect(run.summary).toMatchObject({ reviewed: 3, kept: 1, downgraded: 1, upgraded: 1 });
    expect(await tiersOf([keep!, down!, up!])).toEqual(['gold', 'silver', 'diamond']);
  });

  it('reviews on tenure, and on other days only upgrades (years grow without earning)', async () => {
    const tiers = [tier('regular', 0, 0), tier('silver', 2, 1), tier('gold', 5, 4)];
    await setProgramme({ growthBase: 'tenure', reviewMonthDay: '01-01', tiers });
    const [up] = await members(['silver'], at('2022-01-01T01:00:00')); // 5 years at the review
    const [keep] = await members(['gold'], at('2022-01-01T03:00:00')); // 4 years
    const [down] = await members(['gold'], at('2025-12-01T10:00:00')); // 1 year
    const [later] = await members(['regular'], at('2025-03-01T10:00:00')); // 2 years on 2027-03-01
    const run = await night(REVIEW_NIGHT);
    expect(run.summary).toMatchObject({ reviewed: 4, kept: 2, downgraded: 1, upgraded: 1 });
    expect(await tiersOf([up!, keep!, down!, later!])).toEqual(['gold', 'gold', 'silver', 'regular']);
    const sweep = await night(at('2027-03-02T02:00:00'));
    expect(sweep.summary).toMatchObject({ reviewed: 0, upgraded: 1 });
    expect(await tiersOf([later!])).toEqual(['silver']);
    expect((await changes([later!]))[0]).toEqual([0, 'regular', 'silver', 'upgrade', 2]);
  });

  it('reviews on the analytics value tier, and upgrades on other days when it rises', async () => {
    const tiers = [tier('regular', 0, 0), tier('silver', 2, 2), tier('gold', 3, 3)];
    await setProgramme({ growthBase: 'value_tier', reviewMonthDay: '01-01', tiers });
    const [up, down, unscored, later] = await members(['regular', 'gold', 'silver', 'regular']);
    await scoreValueTiers(db, { [up!]: 'high', [down!]: 'middle', [later!]: 'low' });
    const run = await night(REVIEW_NIGHT);
    expect(run.summary).toMatchObject({ reviewed: 4, kept: 1, downgraded: 2, upgraded: 1 });
    expect(await tiersOf([up!, down!, unscored!, later!])).toEqual(['gold', 'silver', 'regular', 'regular']);
    await scoreValueTiers(db, { [later!]: 'middle' });
    const sweep = await night(at('2027-02-01T02:00:00'));
    expect(sweep.summary).toMatchObject({ reviewed: 0, upgraded: 1 });
    expect(await tiersOf([later!])).toEqual(['silver']);
  });

  it('resumes a review stopped midway without reviewing anyone twice', async () => {
    await setProgramme({ growthBase: 'points', reviewMonthDay: '01-01' });
    const ids = await members(['gold', 'gold', 'silver', 'silver', 'regular', 'gold', 'silver']);
    for (const [i, id] of ids.entries()) await earn(id, [4500, 100, 1600, 0, 2100, 9000, 600][i]! || 1, at('2026-06-01T10:00:00'));
    const id = (await queueLoyaltyUpkeep(db, REVIEW_NIGHT))!;
    const stop = new AbortController();
    const first = await executeUpkeep(db, id, {
      now: REVIEW_NIGHT,
      sliceSize: 2,
      signal: stop.signal,
      onSlice: (cp) => {
        if (cp.phase === 'review' && cp.after) stop.abort(); // the process stops after the first committed range
      },
    });
    expect(first.status).toBe('running'); // released: any process may resume it at once
    expect(first.summary.reviewed).toBe(2);
    expect(await unfinishedUpkeepIds(db)).toEqual([id]);
    const done = await executeUpkeep(db, id, { now: REVIEW_NIGHT, sliceSize: 2 });
    expect(done.status).toBe('done');
    expect(done.summary).toMatchObject({ reviewed: 7, kept: 3, downgraded: 3, upgraded: 1 });
    expect(await tiersOf(ids)).toEqual(['gold', 'regular', 'silver', 'regular', 'silver', 'gold', 'regular']);
    const perMember = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from loyalty_tier_changes where reason <> 'join' and customer_id = any(${`{${ids.join(',')}}`}::uuid[]) group by customer_id`),
    );
    expect(perMember.every((r) => r.n === 1)).toBe(true);
    expect(perMember.length).toBe(4);
  });

  it('writes only what changes: a member who keeps the tier with nothing due is not rewritten; exactly the due lots expire', async () => {
    await setProgramme({ growthBase: 'points', reviewMonthDay: '01-01' });
    const [keep, keepDue, down] = await members(['gold', 'gold', 'gold']);
    await earn(keep!, 4500, at('2026-05-01T10:00:00'));
    await earn(keepDue!, 4500, at('2026-05-01T10:00:00'));
    await earn(keepDue!, 70, at('2025-05-01T10:00:00'), REVIEW_NIGHT); // due at the run's very instant
    await earn(keepDue!, 30, at('2025-05-01T10:00:00'), new Date(REVIEW_NIGHT.getTime() + 1000)); // due a second later: stays
    await earn(down!, 100, at('2026-05-01T10:00:00'));
    const state = async () =>
      new Map(
        rowsOf<{ customer_id: string; row: string; version: number; updated_at: string; balance: string }>(
          await db.execute(sql`select customer_id, xmin::text as row, version, updated_at::text, balance from loyalty_members where customer_id in (${keep}, ${keepDue}, ${down})`),
        ).map((r) => [r.customer_id, r]),
      );
    const before = await state();
    const run = await night(REVIEW_NIGHT);
    expect(run.summary).toMatchObject({ reviewed: 3, kept: 2, downgraded: 1, upgraded: 0, expiredMembers: 1, expiredPoints: 70, expiredLots: 1 });
    const after = await state();
    // The keeper with nothing due: the very same row version (not even an UPDATE that changes nothing).
    expect(after.get(keep!)).toEqual(before.get(keep!));
    // The keeper with a due lot: its balance only (no tier change, so no new version number).
    expect([after.get(keepDue!)!.version, Number(after.get(keepDue!)!.balance)]).toEqual([before.get(keepDue!)!.version, 4500 + 30]);
    expect(after.get(keepDue!)!.row).not.toBe(before.get(keepDue!)!.row);
    // The downgraded member: tier, version and a history row.
    expect(after.get(down!)!.version).toBe(before.get(down!)!.version + 1);
    expect(await tiersOf([keep!, keepDue!, down!])).toEqual(['gold', 'gold', 'regular']);
    expect((await changes([keep!, keepDue!, down!])).map((c) => c[0])).toEqual([2]);
    const lots = rowsOf<{ points: string; remaining: string; expired: string }>(
      await db.execute(sql`select points, remaining, expired from points_lots where customer_id = ${keepDue} order by points`),
    ).map((l) => [Number(l.points), Number(l.remaining), Number(l.expired)]);
    expect(lots).toEqual([
      [30, 30, 0],
      [70, 0, 70],
      [4500, 4500, 0],
    ]);
    const [sum] = rowsOf<{ s: string }>(await db.execute(sql`select sum(points) as s from points_entries where customer_id = ${keepDue}`));
    expect(Number(sum!.s)).toBe(4530);
  });

  it("continues a review left unfinished by the night before in the next night's run, and the first run resumed reviews nobody again", async () => {
    await setProgramme({ growthBase: 'points', reviewMonthDay: '01-01' });
    const ids = await members(['gold', 'gold', 'silver', 'silver', 'regular', 'gold']);
    for (const [i, id] of ids.entries()) await earn(id, [4500, 100, 1600, 1, 2100, 9000][i]!, at('2026-06-01T10:00:00'));
    const firstId = (await queueLoyaltyUpkeep(db, REVIEW_NIGHT))!;
    const stop = new AbortController();
    const first = await executeUpkeep(db, firstId, {
      now: REVIEW_NIGHT,
      sliceSize: 2,
      signal: stop.signal,
      onSlice: (cp) => {
        if (cp.phase === 'review' && cp.after) stop.abort();
      },
    });
    expect(first.summary.reviewed).toBe(2);
    const next = await night(at('2027-01-02T02:00:00'), { sliceSize: 2 });
    expect(next.summary.reviewed).toBe(4);
    const resumed = await executeUpkeep(db, firstId, { now: REVIEW_NIGHT, sliceSize: 2 });
    expect(resumed.status).toBe('done');
    expect(resumed.summary.reviewed).toBe(2);
    expect(await tiersOf(ids)).toEqual(['gold', 'regular', 'silver', 'regular', 'silver', 'gold']);
    const perMember = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from loyalty_tier_changes where reason <> 'join' and customer_id = any(${`{${ids.join(',')}}`}::uuid[]) group by customer_id`),
    );
    expect(perMember.map((r) => r.n)).toEqual([1, 1, 1]);
  });
});

/** Stands in for an analytics run's results (only `value_tier` matters here; the other required columns are neutral). */
async function scoreValueTiers(db: Db, tiers: Record<string, 'high' | 'middle' | 'low'>): Promise<void> {
  for (const [customerId, t] of Object.entries(tiers)) {
    await db.execute(sql`
      insert into analytics_customer_current (customer_id, run_id, as_of, value_tier, value_score, rfm_group, r_score, f_score, m_score, frequency, monetary_fen,
        clv_formula_fen, clv_fen, clv_service_fen, clv_contract_fen, churn_risk, churn_level, churn_reasons, loyalty, quadrant, scores)
      values (${customerId}, gen_random_uuid(), '2026-12-31', ${t}, 0, 'new', 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 'low', '[]'::json, 0, 'q', '{}'::json)
      on conflict (customer_id) do update set value_tier = excluded.value_tier`);
  }
}
