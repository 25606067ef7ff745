/**
 * The ledger's invariants under random load (issue #16, Must show): random earn / redeem / refund (settle) /
 * redemption-cancel / expire operations, replays of earns and redemptions among them, over a few dozen members on a
 * fixed clock that moves forward about three years (lots really expire) — on PostgreSQL 10,000 of them from 20
 * concurrent clients (each operation its own transaction on its own pooled connection), on PGlite a smaller
 * sequential run. Afterwards, from the rows alone:
 * - every member's balance = the sum of its entries = the sum of its lots' remaining; each entry's balance_after is
 *   the running sum (so the last one is the balance); no balance or debt is negative; a member in debt has no points;
 * - each lot's points − remaining = its allocations; each debit's allocations = its points;
 * - FIFO: replaying every member's entries in order against a model of its lots, each debit took exactly what
 *   "earliest expiry first" takes (a refund's take-back: the refunded credit's own lots first), no debit found a due
 *   lot still open, and each expiry took exactly the lots due at its time;
 * - the refund exploit nets zero: every fully refunded earn is worth nothing to the member — its points, with all its
 *   reversals, less what is still owed on it and less its points that expired unused, sum to 0 — and every settled
 *   entry is worth what its last target says (ledger.ts `worth`, recomputed here), unsettled ones all their points.
 * No operation may fail with a serialization failure or a deadlock (members are locked in id order).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database, type Db } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { createTestContext, migratedPostgresDatabase, TEST_DB_KIND, type TestContext } from '../../test/harness.js';
import { credit, debit, expireDue, lockMembers, settle } from './ledger.js';
import { ensureMembers } from './members.js';
import { defaultProgramme } from './programme.js';

const PG = TEST_DB_KIND === 'postgres';
const OPS = Number(process.env.LEDGER_OPS ?? (PG ? 10_000 : 1_000));
const MEMBERS = PG ? 36 : 12;
const CLIENTS = PG ? 20 : 1;
const SEED = Number(process.env.LEDGER_SEED ?? 20261206);
const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const STEP = (3 * 365 * DAY) / OPS; // the clock moves three years over the run

/** mulberry32: a small seeded generator, so a failing run can be repeated (LEDGER_SEED). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Earned = { id: number; customerId: string; points: number; expiresAt: Date; dedupeKey: string };
type Redeemed = { id: number; customerId: string; points: number; dedupeKey: string };
const num = (v: unknown) => Number(v);
const pgCode = (e: unknown): string | undefined => {
  for (let x = e as { code?: unknown; cause?: unknown } | undefined, i = 0; x && i < 5; x = x.cause as typeof x, i++) if (typeof x.code === 'string') return x.code;
  return undefined;
};

describe(`points ledger under ${OPS} random operations (${CLIENTS} client${CLIENTS > 1 ? 's' : ''}, ${TEST_DB_KIND})`, () => {
  let ctx: TestContext | null = null;
  let scratch: { drop: () => Promise<void> } | null = null;
  let database: Database;
  let db: Db;
  let members: string[] = [];

  beforeAll(async () => {
    if (PG) {
      const s = await migratedPostgresDatabase('hearth_ledger');
      scratch = s;
      database = await openDatabase({ kind: 'postgres', url: s.url, poolSize: CLIENTS });
    } else {
      ctx = await createTestContext({ setup: false });
      database = ctx.database;
    }
    db = database.db;
    members = rowsOf<{ id: string }>(
      await db.execute(sql`insert into customers (name, consent) select '会员' || g, '{}'::jsonb from generate_series(1, ${MEMBERS}) g returning id`),
    ).map((r) => r.id);
    await ensureMembers(db, members, defaultProgramme('heating'), new Date(T0));
    // The test's own record of each settle's target, written in the settle's transaction (so its order is the order
    // the settles took the member's lock in): the last one per entry is where the entry must stand.
    await db.execute(sql`create table ledger_test_targets (seq bigserial primary key, entry_id bigint not null, target bigint not null)`);
  });
  afterAll(async () => {
    if (ctx) await ctx.close();
    else {
      await database?.close();
      await scratch?.drop();
    }
  });

  it('keeps every invariant', async () => {
    const rand = prng(SEED);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
    // Recent entries more often (refunds follow their purchases), any of them sometimes.
    const pickRecent = <T,>(xs: readonly T[]): T => (rand() < 0.7 ? xs[Math.max(0, xs.length - 1 - Math.floor(rand() * Math.min(xs.length, 150)))]! : pick(xs));
    const earns: Earned[] = [];
    const redeems: Redeemed[] = [];
    const stats = { earn: 0, earnReplay: 0, redeem: 0, refused: 0, redeemReplay: 0, refund: 0, cancel: 0, expireRuns: 0, expiredMembers: 0, retries: 0 };
    const failures: string[] = [];

    const inTx = async <T,>(work: (tx: Db) => Promise<T>): Promise<T> => {
      for (;;) {
        try {
          return await db.transaction((tx) => work(tx as unknown as Db));
        } catch (e) {
          if (pgCode(e) === '40001' || pgCode(e) === '40P01') {
            stats.retries++;
            if (process.env.LEDGER_DEBUG) console.log(pgCode(e), (e as { cause?: { message?: string; detail?: string } }).cause?.message, (e as { cause?: { detail?: string } }).cause?.detail, String((e as Error).message).slice(0, 300));
            continue;
          }
          throw e;
        }
      }
    };
    const giveBackFor = (expiresAt: Date, now: Date) => (expiresAt > now ? expiresAt : new Date(now.getTime() + 365 * DAY));
    const why = (kind: 'refund' | 'redemption', i: number) => ({ reason: kind === 'refund' ? 'loyalty.reason.refund' : 'loyalty.reason.redeem_cancelled', sourceKind: kind, sourceId: `op${i}`, createdBy: null });

    const op = async (i: number) => {
      const now = new Date(T0 + i * STEP);
      const r = rand();
      if (r < 0.36 || !earns.length) {
        const customerId = pick(members);
        const points = int(1, 300);
        // Now and then an old transaction imported late: its lot is due already.
        const expiresAt = new Date(now.getTime() + (rand() < 0.05 ? -int(1, 60) : int(20, 400)) * DAY);
        const dedupeKey = `earn:${i}`;
        const id = await inTx((tx) => credit(tx, { customerId, kind: 'earn', points, reason: 'loyalty.reason.earn', sourceKind: 'transaction', sourceId: `t${i}`, dedupeKey, expiresAt, createdBy: null, occurredAt: now }, now));
        if (id === null) failures.push(`op ${i}: a new earn wrote nothing`);
        else earns.push({ id, customerId, points, expiresAt, dedupeKey });
        stats.earn++;
      } else if (r < 0.4) {
        const e = pickRecent(earns);
        const id = await inTx((tx) => credit(tx, { customerId: e.customerId, kind: 'earn', points: e.points, reason: 'loyalty.reason.earn', sourceKind: 'transaction', sourceId: 'replay', dedupeKey: e.dedupeKey, expiresAt: e.expiresAt, createdBy: null, occurredAt: now }, now));
        if (id !== null) failures.push(`op ${i}: a replayed earn wrote entry ${id}`);
        stats.earnReplay++;
      } else if (r < 0.66 || !redeems.length) {
        const customerId = pick(members);
        const points = int(1, 400);
        const dedupeKey = `redeem:${i}`;
        try {
          const id = await inTx((tx) => debit(tx, { customerId, kind: 'redeem', points, reason: 'loyalty.reason.redeem', sourceKind: 'redemption', sourceId: `x${i}`, dedupeKey, createdBy: null, occurredAt: now }, now));
          if (id === null) failures.push(`op ${i}: a new redemption wrote nothing`);
          else redeems.push({ id, customerId, points, dedupeKey });
          stats.redeem++;
        } catch (e) {
          if (!(e instanceof AppError && e.status === 409 && e.key === 'loyalty.insufficient_points')) throw e;
          stats.refused++;
        }
      } else if (r < 0.68) {
        const x = pickRecent(redeems);
        // A replay answers null whatever the balance is now (no 409).
        const id = await inTx((tx) => debit(tx, { customerId: x.customerId, kind: 'redeem', points: x.points, reason: 'loyalty.reason.redeem', sourceKind: 'redemption', sourceId: 'replay', dedupeKey: x.dedupeKey, createdBy: null, occurredAt: now }, now));
        if (id !== null) failures.push(`op ${i}: a replayed redemption wrote entry ${id}`);
        stats.redeemReplay++;
      } else if (r < 0.88) {
        const e = pickRecent(earns);
        const k = rand();
        const target = k < 0.45 ? 0 : k < 0.7 ? Math.floor((e.points * int(1, 3)) / 4) : e.points;
        await inTx(async (tx) => {
          await settle(tx, { id: e.id, customerId: e.customerId, giveBackExpiresAt: giveBackFor(e.expiresAt, now) }, target, why('refund', i), now, await lockMembers(tx, [e.customerId]));
          await tx.execute(sql`insert into ledger_test_targets (entry_id, target) values (${e.id}, ${target})`);
        });
        stats.refund++;
      } else if (r < 0.93) {
        const x = pickRecent(redeems);
        const target = -Math.floor((x.points * int(0, 4)) / 4);
        await inTx(async (tx) => {
          await settle(tx, { id: x.id, customerId: x.customerId, giveBackExpiresAt: new Date(now.getTime() + 365 * DAY) }, target, why('redemption', i), now, await lockMembers(tx, [x.customerId]));
          await tx.execute(sql`insert into ledger_test_targets (entry_id, target) values (${x.id}, ${target})`);
        });
        stats.cancel++;
      } else {
        const done = await inTx((tx) => expireDue(tx, now, int(1, 20)));
        stats.expireRuns++;
        stats.expiredMembers += done.members;
      }
    };

    const started = Date.now();
    let next = 0;
    const client = async () => {
      while (next < OPS) await op(next++);
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const seconds = (Date.now() - started) / 1000;

    const problems = [...failures, ...(await checkInvariants(db, members))];
    const coverage = await coverageOf(db);
    console.log(`ledger property (${TEST_DB_KIND}, seed ${SEED}): ${OPS} ops by ${CLIENTS} clients in ${seconds.toFixed(1)} s`, JSON.stringify({ ...stats, ...coverage }));
    expect(problems.slice(0, 20)).toEqual([]);
    expect(stats.retries).toBe(0);
    // The run went where it should: points spent and refunded into debt, debts paid, refunds undone, lots expired.
    expect(stats.refused).toBeGreaterThan(0);
    expect(coverage.fullyRefundedSpent).toBeGreaterThan(0);
    expect(coverage.debtsPaid).toBeGreaterThan(0);
    expect(coverage.givenBack).toBeGreaterThan(0);
    expect(coverage.expireEntries).toBeGreaterThan(0);
    expect(coverage.expiredThenRefunded).toBeGreaterThan(0);
  }, 300_000); // 10,000 operations from 20 clients: ~20 s alone, over a minute beside the rest of CI on two cores
});

type EntryRow = { id: number; customerId: string; kind: string; points: number; balanceAfter: number; reversesId: number | null; sourceKind: string | null; at: number };
type LotRow = { entryId: number; customerId: string; points: number; remaining: number; expiresAt: number };

async function load(db: Db) {
  const q = async <T,>(query: ReturnType<typeof sql>) => rowsOf<T>(await db.execute(query));
  const entries = (
    await q<{ id: string; customer_id: string; kind: string; points: string; balance_after: string; reverses_id: string | null; source_kind: string | null; occurred_at: Date | string }>(
      sql`select id, customer_id, kind, points, balance_after, reverses_id, source_kind, occurred_at from points_entries order by id`,
    )
  ).map<EntryRow>((e) => ({
    id: num(e.id),
    customerId: e.customer_id,
    kind: e.kind,
    points: num(e.points),
    balanceAfter: num(e.balance_after),
    reversesId: e.reverses_id === null ? null : num(e.reverses_id),
    sourceKind: e.source_kind,
    at: new Date(e.occurred_at).getTime(),
  }));
  const lots = new Map(
    (await q<{ entry_id: string; customer_id: string; points: string; remaining: string; expires_at: Date | string }>(sql`select entry_id, customer_id, points, remaining, expires_at from points_lots`)).map((l) => [
      num(l.entry_id),
      { entryId: num(l.entry_id), customerId: l.customer_id, points: num(l.points), remaining: num(l.remaining), expiresAt: new Date(l.expires_at).getTime() } satisfies LotRow,
    ]),
  );
  const allocations = new Map<number, Map<number, number>>();
  for (const a of await q<{ debit_id: string; lot_id: string; points: string }>(sql`select debit_id, lot_id, points from points_allocations`)) {
    const m = allocations.get(num(a.debit_id)) ?? new Map<number, number>();
    m.set(num(a.lot_id), num(a.points));
    allocations.set(num(a.debit_id), m);
  }
  // An expiry is recorded on the lots it emptied: read as the expire entry's allocations.
  for (const l of await q<{ entry_id: string; expired: string; expired_by: string }>(sql`select entry_id, expired, expired_by from points_lots where expired_by is not null`)) {
    const m = allocations.get(num(l.expired_by)) ?? new Map<number, number>();
    m.set(num(l.entry_id), num(l.expired));
    allocations.set(num(l.expired_by), m);
  }
  const debts = (await q<{ customer_id: string; entry_id: string; points: string; remaining: string }>(sql`select customer_id, entry_id, points, remaining from points_debts`)).map((d) => ({
    customerId: d.customer_id,
    entryId: num(d.entry_id),
    points: num(d.points),
    remaining: num(d.remaining),
  }));
  const members = new Map((await q<{ customer_id: string; balance: string; debt: string }>(sql`select customer_id, balance, debt from loyalty_members`)).map((m) => [m.customer_id, { balance: num(m.balance), debt: num(m.debt) }]));
  const targets = new Map((await q<{ entry_id: string; target: string }>(sql`select entry_id, target from ledger_test_targets order by seq`)).map((t) => [num(t.entry_id), num(t.target)]));
  return { entries, lots, allocations, debts, members, targets };
}

/** Every invariant of the module comment, as a list of what is wrong (empty: all hold). */
async function checkInvariants(db: Db, memberIds: string[]): Promise<string[]> {
  const { entries, lots, allocations, debts, members, targets } = await load(db);
  const out: string[] = [];
  const sum = (xs: Iterable<number>) => [...xs].reduce((s, x) => s + x, 0);
  const byMember = new Map<string, EntryRow[]>(memberIds.map((id) => [id, []]));
  for (const e of entries) byMember.get(e.customerId)!.push(e);
  const byId = new Map(entries.map((e) => [e.id, e]));

  // Balances, running sums, debts.
  for (const [id, es] of byMember) {
    const m = members.get(id)!;
    const lotSum = sum([...lots.values()].filter((l) => l.customerId === id).map((l) => l.remaining));
    const debtSum = sum(debts.filter((d) => d.customerId === id).map((d) => d.remaining));
    if (sum(es.map((e) => e.points)) !== m.balance || lotSum !== m.balance) out.push(`${id}: balance ${m.balance}, entries ${sum(es.map((e) => e.points))}, lots ${lotSum}`);
    if (m.balance < 0 || m.debt < 0 || debtSum !== m.debt) out.push(`${id}: balance ${m.balance}, debt ${m.debt}, open debts ${debtSum}`);
    if (m.debt > 0 && m.balance > 0) out.push(`${id}: owes ${m.debt} with ${m.balance} points`);
    let running = 0;
    for (const e of es) {
      running += e.points;
      if (e.balanceAfter !== running) out.push(`entry ${e.id}: balance_after ${e.balanceAfter}, running sum ${running}`);
    }
    if (es.length && es.at(-1)!.balanceAfter !== m.balance) out.push(`${id}: last balance_after ${es.at(-1)!.balanceAfter} ≠ balance ${m.balance}`);
  }
  // Lots and allocations.
  const allocatedOf = new Map<number, number>();
  for (const [debitId, m] of allocations) {
    const d = byId.get(debitId)!;
    if (d.points >= 0 || sum(m.values()) !== -d.points) out.push(`debit ${debitId} (${d.points}) allocated ${sum(m.values())}`);
    for (const [lot, p] of m) allocatedOf.set(lot, (allocatedOf.get(lot) ?? 0) + p);
  }
  for (const e of entries) {
    const lot = lots.get(e.id);
    if (e.points > 0 && lot?.points !== e.points) out.push(`credit ${e.id} has lot ${JSON.stringify(lot)}`);
    if (e.points < 0 && (lot || !allocations.has(e.id))) out.push(`debit ${e.id}: a lot, or no allocations`);
  }
  for (const l of lots.values()) if (l.points - l.remaining !== (allocatedOf.get(l.entryId) ?? 0) || l.remaining < 0) out.push(`lot ${l.entryId}: ${l.points} − ${l.remaining} ≠ allocated ${allocatedOf.get(l.entryId) ?? 0}`);

  out.push(...replayFifo(byMember, lots, allocations));
  out.push(...checkWorth(entries, allocations, debts, targets, byId));
  return out;
}

/** Replays each member's entries against a model of its lots: every debit took what FIFO takes (see the file comment). */
function replayFifo(byMember: Map<string, EntryRow[]>, lots: Map<number, LotRow>, allocations: Map<number, Map<number, number>>): string[] {
  const out: string[] = [];
  const show = (m: Map<number, number>) => JSON.stringify([...m].sort((a, b) => a[0] - b[0]));
  for (const es of byMember.values()) {
    const open = new Map<number, { remaining: number; expiresAt: number; reversesId: number | null }>();
    for (const e of es) {
      if (e.points > 0) {
        open.set(e.id, { remaining: e.points, expiresAt: lots.get(e.id)!.expiresAt, reversesId: e.reversesId });
        continue;
      }
      const live = [...open].filter(([, l]) => l.remaining > 0);
      const expected = new Map<number, number>();
      if (e.kind === 'expire') {
        for (const [id, l] of live) if (l.expiresAt <= e.at) expected.set(id, l.remaining);
      } else {
        const due = live.filter(([, l]) => l.expiresAt <= e.at);
        if (due.length) out.push(`debit ${e.id} at ${new Date(e.at).toISOString()}: lots ${due.map(([id]) => id).join(',')} were due and still open`);
        const own = (id: number, l: { reversesId: number | null }) => e.kind === 'reverse' && e.sourceKind !== 'debt' && e.reversesId !== null && (id === e.reversesId || l.reversesId === e.reversesId);
        const order = live.sort(([a, x], [b, y]) => Number(own(b, y)) - Number(own(a, x)) || x.expiresAt - y.expiresAt || a - b);
        let left = -e.points;
        for (const [id, l] of order) {
          if (left <= 0) break;
          const take = Math.min(left, l.remaining);
          expected.set(id, take);
          left -= take;
        }
      }
      const actual = allocations.get(e.id) ?? new Map<number, number>();
      if (show(actual) !== show(expected)) out.push(`debit ${e.id} (${e.kind} ${e.points}): took ${show(actual)}, FIFO takes ${show(expected)}`);
      for (const [id, p] of actual) {
        const l = open.get(id);
        if (!l) out.push(`debit ${e.id} took from lot ${id} before it was credited`);
        else l.remaining -= p;
      }
    }
    for (const [id, l] of open) if (l.remaining !== lots.get(id)!.remaining) out.push(`lot ${id}: model ${l.remaining}, table ${lots.get(id)!.remaining}`);
  }
  return out;
}

/** The refund exploit nets zero, and every entry is worth what its last target says. */
function checkWorth(
  entries: EntryRow[],
  allocations: Map<number, Map<number, number>>,
  debts: { entryId: number; remaining: number }[],
  targets: Map<number, number>,
  byId: Map<number, EntryRow>,
): string[] {
  const out: string[] = [];
  const reversals = new Map<number, number>();
  for (const e of entries) if (e.reversesId !== null) reversals.set(e.reversesId, (reversals.get(e.reversesId) ?? 0) + e.points);
  const owed = new Map<number, number>();
  for (const d of debts) owed.set(d.entryId, (owed.get(d.entryId) ?? 0) + d.remaining);
  const lotUse = new Map<number, { expired: number; spent: number }>();
  for (const [debitId, m] of allocations) {
    const d = byId.get(debitId)!;
    for (const [lot, p] of m) {
      const u = lotUse.get(lot) ?? { expired: 0, spent: 0 };
      if (d.kind === 'expire') u.expired += p;
      else if (d.reversesId !== lot) u.spent += p;
      lotUse.set(lot, u);
    }
  }
  for (const e of entries) {
    if (e.kind !== 'earn' && e.kind !== 'redeem') continue;
    const { expired, spent } = lotUse.get(e.id) ?? { expired: 0, spent: 0 };
    const worth = e.points + (reversals.get(e.id) ?? 0) - (owed.get(e.id) ?? 0) - expired;
    const target = targets.get(e.id) ?? e.points;
    const due = Math.max(target - expired, Math.min(target, spent));
    if (worth !== due) out.push(`${e.kind} ${e.id} (${e.points}, target ${target}, expired ${expired}, spent ${spent}): worth ${worth}, should be ${due}`);
    if (e.kind === 'earn' && target === 0 && worth !== 0) out.push(`refund exploit: fully refunded earn ${e.id} still worth ${worth}`);
  }
  return out;
}

/** What the run went through (so a run that never reached a case cannot pass unnoticed). */
async function coverageOf(db: Db) {
  const [row] = rowsOf<Record<string, string>>(
    await db.execute(sql`
      with last as (select distinct on (entry_id) entry_id, target from ledger_test_targets order by entry_id, seq desc)
      select
        (select count(*) from last join points_entries e on e.id = last.entry_id
          where e.kind = 'earn' and last.target = 0 and exists (select 1 from points_debts d where d.entry_id = e.id)) as "fullyRefundedSpent",
        (select count(*) from points_entries where kind = 'reverse' and source_kind = 'debt') as "debtsPaid",
        (select count(*) from points_entries where kind = 'reverse' and points > 0) as "givenBack",
        (select count(*) from points_entries where kind = 'expire') as "expireEntries",
        (select count(*) from last join points_entries e on e.id = last.entry_id where e.kind = 'earn' and last.target < e.points
          and exists (select 1 from points_lots l where l.entry_id = e.id and l.expired > 0)) as "expiredThenRefunded",
        (select count(*) from points_entries) as entries,
        (select coalesce(sum(points), 0) from points_debts) as "debtPoints"`),
  );
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, num(v)])) as Record<'fullyRefundedSpent' | 'debtsPaid' | 'givenBack' | 'expireEntries' | 'expiredThenRefunded' | 'entries' | 'debtPoints', number>;
}
