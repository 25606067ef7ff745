/**
 * The points ledger (ledger.ts) on a real database, one case at a time: a credit opens a lot; a debit spends the
 * earliest-expiring lots first (the allocations show which; an expiry's are on its lots) and is refused whole (409)
 * beyond the balance; due lots expire before a debit; the nightly expiry (expireDue) expires exactly the due lots, one entry per member, once;
 * dedupe keys make credits (and debits) exactly-once; settle takes an unspent earn back from its own lot, turns the
 * spent part into a debt that the next credits pay, cancels the debt first when the refund goes away, gives spent
 * points back for a redemption, and neither charges nor gives back points that expired unused.
 * The 10,000-operation property test is ledger.property.test.ts.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type Db } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { credit, debit, expireDue, lockMembers, settle, type Credit } from './ledger.js';
import { ensureMembers } from './members.js';
import { defaultProgramme } from './programme.js';

const DAY = 86_400_000;
const T0 = new Date('2026-03-01T02:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const num = (v: unknown) => Number(v);

describe('points ledger', () => {
  let ctx: TestContext;
  let db: Db;
  let seq = 0;

  const member = async () => {
    const c = await ctx.newCustomer({ name: `会员${++seq}`, phones: [`1390000${String(5000 + seq)}`] });
    await ensureMembers(db, [c.id], defaultProgramme('heating'), T0);
    return c.id as string;
  };
  const earn = (customerId: string, points: number, expiresInDays: number, now = T0, extra: Partial<Credit> = {}) =>
    db.transaction((tx) =>
      credit(
        tx,
        { customerId, kind: 'earn', points, reason: 'loyalty.reason.earn', sourceKind: 'transaction', sourceId: `t${++seq}`, expiresAt: new Date(now.getTime() + expiresInDays * DAY), createdBy: null, occurredAt: now, ...extra },
        now,
      ),
    );
  const redeem = (customerId: string, points: number, now = T0, dedupeKey: string | null = null) =>
    db.transaction((tx) => debit(tx, { customerId, kind: 'redeem', points, reason: 'loyalty.reason.redeem', sourceKind: 'redemption', sourceId: null, dedupeKey, createdBy: null, occurredAt: now }, now));
  const settleTo = (customerId: string, id: number, target: number, now = T0, giveBackExpiresAt = at(400)) =>
    db.transaction(async (tx) =>
      settle(tx, { id, customerId, giveBackExpiresAt }, target, { reason: 'loyalty.reason.refund', sourceKind: 'refund', sourceId: `r${++seq}`, createdBy: null }, now, await lockMembers(tx, [customerId])),
    );
  const q = async <T,>(query: ReturnType<typeof sql>) => rowsOf<T>(await db.execute(query));
  const state = async (customerId: string) => (await q<{ balance: string; debt: string }>(sql`select balance, debt from loyalty_members where customer_id = ${customerId}`)).map((r) => ({ balance: num(r.balance), debt: num(r.debt) }))[0]!;
  const entries = async (customerId: string) =>
    (await q<{ id: string; kind: string; points: string; balance_after: string; reverses_id: string | null; source_kind: string | null }>(sql`select id, kind, points, balance_after, reverses_id, source_kind from points_entries where customer_id = ${customerId} order by id`)).map((e) => ({
      id: num(e.id),
      kind: e.kind,
      points: num(e.points),
      balanceAfter: num(e.balance_after),
      reversesId: e.reverses_id === null ? null : num(e.reverses_id),
      sourceKind: e.source_kind,
    }));
  const lots = async (customerId: string) =>
    Object.fromEntries((await q<{ entry_id: string; points: string; remaining: string }>(sql`select entry_id, points, remaining from points_lots where customer_id = ${customerId}`)).map((l) => [num(l.entry_id), { points: num(l.points), remaining: num(l.remaining) }]));
  const allocations = async (debitId: number) =>
    Object.fromEntries((await q<{ lot_id: string; points: string }>(sql`select lot_id, points from points_allocations where debit_id = ${debitId} union all select entry_id, expired from points_lots where expired_by = ${debitId}`)).map((a) => [num(a.lot_id), num(a.points)]));
  const debts = async (customerId: string) =>
    (await q<{ entry_id: string; points: string; remaining: string }>(sql`select entry_id, points, remaining from points_debts where customer_id = ${customerId} order by id`)).map((d) => ({ entryId: num(d.entry_id), points: num(d.points), remaining: num(d.remaining) }));
  const count = async (table: string) => num((await q<{ n: number }>(sql`select count(*)::int as n from ${sql.raw(table)}`))[0]!.n);

  beforeAll(async () => {
    ctx = await createTestContext();
    db = ctx.database.db;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('a credit writes an entry, opens a lot with its expiry and moves the balance', async () => {
    const m = await member();
    const id = (await earn(m, 120, 30))!;
    expect(await entries(m)).toEqual([{ id, kind: 'earn', points: 120, balanceAfter: 120, reversesId: null, sourceKind: 'transaction' }]);
    const [lot] = await q<{ points: string; remaining: string; expires_at: Date | string }>(sql`select points, remaining, expires_at from points_lots where entry_id = ${id}`);
    expect({ points: num(lot!.points), remaining: num(lot!.remaining), expiresAt: new Date(lot!.expires_at).toISOString() }).toEqual({ points: 120, remaining: 120, expiresAt: at(30).toISOString() });
    expect(await state(m)).toEqual({ balance: 120, debt: 0 });
  });

  it('a debit spends the earliest-expiring lots first, whatever order they were credited in', async () => {
    const m = await member();
    const a = (await earn(m, 100, 200))!;
    const b = (await earn(m, 100, 50))!;
    const c = (await earn(m, 100, 300))!;
    const d = (await redeem(m, 150))!;
    expect(await allocations(d)).toEqual({ [b]: 100, [a]: 50 });
    expect(await lots(m)).toEqual({ [a]: { points: 100, remaining: 50 }, [b]: { points: 100, remaining: 0 }, [c]: { points: 100, remaining: 100 } });
    expect((await entries(m)).at(-1)).toMatchObject({ id: d, kind: 'redeem', points: -150, balanceAfter: 150 });
    expect(await state(m)).toEqual({ balance: 150, debt: 0 });
  });

  it('a debit larger than the balance is refused with 409 loyalty.insufficient_points and writes nothing', async () => {
    const m = await member();
    await earn(m, 80, 100);
    const before = { entries: await count('points_entries'), allocations: await count('points_allocations'), lots: await lots(m) };
    const err = await redeem(m, 81).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect({ status: (err as AppError).status, key: (err as AppError).key, params: (err as AppError).params }).toEqual({ status: 409, key: 'loyalty.insufficient_points', params: { balance: 80, points: 81 } });
    expect({ entries: await count('points_entries'), allocations: await count('points_allocations'), lots: await lots(m) }).toEqual(before);
    expect(await state(m)).toEqual({ balance: 80, debt: 0 });
  });

  it('due lots expire before a debit: they are neither spent nor counted as available', async () => {
    const m = await member();
    const old = (await earn(m, 100, 10))!;
    const live = (await earn(m, 50, 100))!;
    // On day 20 the first lot is due: 150 on the balance, only 50 alive.
    const refused = await redeem(m, 60, at(20)).catch((e: unknown) => e);
    expect((refused as AppError).params).toEqual({ balance: 50, points: 60 });
    expect(await entries(m)).toHaveLength(2); // the refusal rolled its expiry back with it
    const d = (await redeem(m, 30, at(20)))!;
    const [, , expire, redeemed] = await entries(m);
    expect(expire).toMatchObject({ kind: 'expire', points: -100, balanceAfter: 50 });
    expect(redeemed).toMatchObject({ id: d, kind: 'redeem', points: -30, balanceAfter: 20 });
    expect(await allocations(expire!.id)).toEqual({ [old]: 100 });
    expect(await allocations(d)).toEqual({ [live]: 30 });
    expect(await state(m)).toEqual({ balance: 20, debt: 0 });
  });

  it('expireDue expires exactly the due lots, one entry per member, and a second run expires nothing', async () => {
    const [m1, m2, m3] = [await member(), await member(), await member()];
    const due1 = [(await earn(m1, 10, 5))!, (await earn(m1, 20, 6))!];
    const keep1 = (await earn(m1, 30, 90))!;
    const due2 = (await earn(m2, 40, 7))!;
    const keep3 = (await earn(m3, 50, 90))!;
    await redeem(m1, 5); // the 10-point lot is half spent: 5 of it expire
    // Members elsewhere in this file have due lots too: a limit of 1 000 takes all of them; count ours.
    const run = await db.transaction((tx) => expireDue(tx, at(8), 1000));
    expect(run.members).toBeGreaterThanOrEqual(2);
    const expires = async (m: string) => (await entries(m)).filter((e) => e.kind === 'expire');
    const [e1] = await expires(m1);
    const [e2] = await expires(m2);
    expect(await expires(m1)).toHaveLength(1);
    expect(e1).toMatchObject({ points: -25, balanceAfter: 30 });
    expect(await allocations(e1!.id)).toEqual({ [due1[0]!]: 5, [due1[1]!]: 20 });
    expect(e2).toMatchObject({ points: -40, balanceAfter: 0 });
    expect(await allocations(e2!.id)).toEqual({ [due2]: 40 });
    expect(await expires(m3)).toEqual([]);
    expect((await lots(m1))[keep1]).toEqual({ points: 30, remaining: 30 });
    expect((await lots(m3))[keep3]).toEqual({ points: 50, remaining: 50 });
    expect([await state(m1), await state(m2), await state(m3)]).toEqual([
      { balance: 30, debt: 0 },
      { balance: 0, debt: 0 },
      { balance: 50, debt: 0 },
    ]);
    const entriesBefore = await count('points_entries');
    expect(await db.transaction((tx) => expireDue(tx, at(8), 1000))).toEqual({ members: 0, points: 0, lots: 0 });
    expect(await count('points_entries')).toBe(entriesBefore);
  });

  it('expireDue in batches of a limit: every due member once, then 0', async () => {
    await db.transaction((tx) => expireDue(tx, at(1000), 100_000)); // nothing else due later in this file's past
    const ms = [await member(), await member(), await member()];
    for (const m of ms) await earn(m, 7, 1001 - 0.5);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await db.transaction((tx) => expireDue(tx, at(1001), 2)));
    expect(runs).toEqual([
      { members: 2, points: 14, lots: 2 },
      { members: 1, points: 7, lots: 1 },
      { members: 0, points: 0, lots: 0 },
    ]);
  });

  it('a dedupe key makes a credit exactly-once, and a replayed debit writes nothing (no 409 either)', async () => {
    const m = await member();
    const first = await earn(m, 60, 100, T0, { dedupeKey: `tx:${m}:earn` });
    const again = await earn(m, 60, 100, T0, { dedupeKey: `tx:${m}:earn` });
    expect(first).toBeGreaterThan(0);
    expect(again).toBeNull();
    expect(await entries(m)).toHaveLength(1);
    expect(Object.keys(await lots(m))).toHaveLength(1);
    expect(await state(m)).toEqual({ balance: 60, debt: 0 });
    expect(await redeem(m, 50, T0, `redeem:${m}`)).toBeGreaterThan(0);
    expect(await redeem(m, 50, T0, `redeem:${m}`)).toBeNull(); // 10 left: a replay is still no error
    expect(await state(m)).toEqual({ balance: 10, debt: 0 });
  });

  it('settle: a refund of an earn whose points are unspent takes them back from its own lot; a replay writes nothing', async () => {
    const m = await member();
    const early = (await earn(m, 100, 20))!;
    const e = (await earn(m, 80, 300))!;
    await settleTo(m, e, 0);
    const r = (await entries(m)).at(-1)!;
    expect(r).toMatchObject({ kind: 'reverse', points: -80, balanceAfter: 100, reversesId: e, sourceKind: 'refund' });
    // From the refunded earn's own lot, not from the earlier-expiring one (that would lengthen the rest's life).
    expect(await allocations(r.id)).toEqual({ [e]: 80 });
    expect((await lots(m))[early]).toEqual({ points: 100, remaining: 100 });
    expect(await state(m)).toEqual({ balance: 100, debt: 0 });
    const n = (await entries(m)).length;
    await settleTo(m, e, 0);
    expect(await entries(m)).toHaveLength(n);
    expect(await debts(m)).toEqual([]);
  });

  it('settle: spent points become a debt that the next credits pay with reversals of the refunded earn', async () => {
    const m = await member();
    const e = (await earn(m, 100, 300))!;
    await redeem(m, 80);
    await settleTo(m, e, 0);
    const taken = (await entries(m)).at(-1)!;
    expect(taken).toMatchObject({ kind: 'reverse', points: -20, balanceAfter: 0, reversesId: e });
    expect(await debts(m)).toEqual([{ entryId: e, points: 80, remaining: 80 }]);
    expect(await state(m)).toEqual({ balance: 0, debt: 80 });

    const c1 = (await earn(m, 50, 300))!;
    const paid1 = (await entries(m)).at(-1)!;
    expect(paid1).toMatchObject({ kind: 'reverse', points: -50, balanceAfter: 0, reversesId: e, sourceKind: 'debt' });
    expect(await allocations(paid1.id)).toEqual({ [c1]: 50 });
    expect(await state(m)).toEqual({ balance: 0, debt: 30 });

    await earn(m, 100, 300);
    expect((await entries(m)).at(-1)).toMatchObject({ kind: 'reverse', points: -30, balanceAfter: 70, reversesId: e, sourceKind: 'debt' });
    expect(await debts(m)).toEqual([{ entryId: e, points: 80, remaining: 0 }]);
    expect(await state(m)).toEqual({ balance: 70, debt: 0 });
    // The exploit nets zero: the earn with all its reversals is worth nothing to the member.
    const net = (await entries(m)).filter((x) => x.id === e || x.reversesId === e).reduce((s, x) => s + x.points, 0);
    expect(net).toBe(0);
    expect((await entries(m)).map((x) => x.balanceAfter)).toEqual([100, 20, 0, 50, 0, 100, 70]);
  });

  it('settle back up (the refund deleted) cancels the debt first, then gives the rest back as a new lot', async () => {
    const m = await member();
    const e = (await earn(m, 100, 300))!;
    await redeem(m, 100);
    await settleTo(m, e, 0);
    expect(await state(m)).toEqual({ balance: 0, debt: 100 });
    await earn(m, 40, 300); // pays 40 of the debt
    expect(await state(m)).toEqual({ balance: 0, debt: 60 });
    await settleTo(m, e, 100, T0, at(250));
    const back = (await entries(m)).at(-1)!;
    expect(back).toMatchObject({ kind: 'reverse', points: 40, balanceAfter: 40, reversesId: e });
    expect(await debts(m)).toEqual([{ entryId: e, points: 100, remaining: 0 }]);
    const [lot] = await q<{ points: string; remaining: string; expires_at: Date | string }>(sql`select points, remaining, expires_at from points_lots where entry_id = ${back.id}`);
    expect({ points: num(lot!.points), remaining: num(lot!.remaining), expiresAt: new Date(lot!.expires_at).toISOString() }).toEqual({ points: 40, remaining: 40, expiresAt: at(250).toISOString() });
    expect(await state(m)).toEqual({ balance: 40, debt: 0 });
    const n = (await entries(m)).length;
    await settleTo(m, e, 100);
    expect(await entries(m)).toHaveLength(n);
  });

  it('settle of a redeem entry to a less negative target gives points back; back down takes them again', async () => {
    const m = await member();
    await earn(m, 100, 300);
    const r = (await redeem(m, 60))!;
    await settleTo(m, r, -20);
    expect((await entries(m)).at(-1)).toMatchObject({ kind: 'reverse', points: 40, balanceAfter: 80, reversesId: r });
    await settleTo(m, r, -20);
    await settleTo(m, r, 0);
    expect((await entries(m)).at(-1)).toMatchObject({ kind: 'reverse', points: 20, balanceAfter: 100, reversesId: r });
    await settleTo(m, r, -60);
    expect((await entries(m)).at(-1)).toMatchObject({ kind: 'reverse', points: -60, balanceAfter: 40, reversesId: r });
    expect(await state(m)).toEqual({ balance: 40, debt: 0 });
    expect((await entries(m)).map((x) => x.kind)).toEqual(['earn', 'redeem', 'reverse', 'reverse', 'reverse']);
  });

  it('settle neither charges nor gives back points of the earn that expired unused', async () => {
    const m = await member();
    const e = (await earn(m, 100, 10))!;
    await db.transaction((tx) => expireDue(tx, at(11), 100_000));
    expect(await state(m)).toEqual({ balance: 0, debt: 0 });
    const n = (await entries(m)).length;
    await settleTo(m, e, 0, at(12)); // the refund: the 100 points already died unused, nothing is owed
    await settleTo(m, e, 100, at(13)); // the refund deleted: nothing comes back to life
    expect(await entries(m)).toHaveLength(n);
    expect(await debts(m)).toEqual([]);

    // Half spent, half expired: only the spent half is owed.
    const m2 = await member();
    const e2 = (await earn(m2, 100, 10))!;
    await redeem(m2, 40);
    await settleTo(m2, e2, 0, at(12)); // expires the 60 first, then owes 40
    expect(await state(m2)).toEqual({ balance: 0, debt: 40 });
    await settleTo(m2, e2, 60, at(13)); // refund partly undone: 60 of the earn kept covers the 40 spent, 20 expired
    expect(await state(m2)).toEqual({ balance: 0, debt: 0 });
    expect(await debts(m2)).toEqual([{ entryId: e2, points: 40, remaining: 0 }]);
  });

  it('a debt is not paid with points that are already due (an old transaction imported late)', async () => {
    const m = await member();
    const e = (await earn(m, 50, 300))!;
    await redeem(m, 50);
    await settleTo(m, e, 0);
    expect(await state(m)).toEqual({ balance: 0, debt: 50 });
    const late = (await earn(m, 70, -30))!; // its lot expired a month ago
    const expire = (await entries(m)).at(-1);
    expect((await entries(m)).map((x) => x.kind)).toEqual(['earn', 'redeem', 'earn', 'expire']); // no reversal: the debt stays
    expect(expire).toMatchObject({ kind: 'expire', points: -70, balanceAfter: 0 });
    expect(await allocations(expire!.id)).toEqual({ [late]: 70 });
    expect(await state(m)).toEqual({ balance: 0, debt: 50 });
  });

  it('settle refuses an entry that is not the member’s', async () => {
    const [a, b] = [await member(), await member()];
    const e = (await earn(a, 10, 100))!;
    await expect(settleTo(b, e, 0)).rejects.toThrow(/is not/);
    await expect(settleTo(b, 987654321, 0)).rejects.toThrow(/is not/);
    expect(await state(a)).toEqual({ balance: 10, debt: 0 });
  });
});
