/**
 * The points ledger (积分流水), exact by construction:
 *
 * - Every movement is an append-only entry; the member's `balance` is the sum of its entries and is moved in the same
 *   statement sequence, under the member row's lock (`lockMembers`: always in customer-id order, so two writers
 *   never deadlock). A balance never goes negative (a CHECK as well).
 * - A credit opens a lot with its expiry; a debit takes from the lots earliest expiry first (FIFO) and records which
 *   (`points_allocations`; an expiry is recorded on the lots it empties). Before any debit (a debt paid from a
 *   credit too) the member's due lots are expired, so expired points are never spent. A reversal of a credit takes from that credit's own lots first (its points, not
 *   the member's earlier-expiring ones: a refund must not lengthen the life of the rest).
 * - A source's points are *settled* to a target (`settle`): a refund's target for the entries its original earned is
 *   their points less the refunded share; a deleted transaction's is zero; a restored one's is all again. Settling
 *   compares what the entry nets now (its points, its reversals, less what is still owed) with the target and writes
 *   the difference only — so a replay, or two processes on the same event, write nothing twice. Points that cannot be
 *   taken back because they were spent become a debt, settled from the member's next credits: the refund exploit
 *   (earn, spend, refund) nets zero. Points of a credit that expired unused in its lot are never charged as a debt
 *   (they never served the member) nor come back to life when the refund goes away (`settle`).
 * - `dedupe_key` makes first-time events (an earn for a transaction, a referral reward) exactly-once.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import type { LedgerKind, LedgerSource } from './loyalty.contract.js';
import { n, uuids } from './rows.js';

export type ReasonParams = Record<string, string | number>;

export type Credit = {
  customerId: string;
  kind: 'earn' | 'bonus' | 'adjust' | 'reverse';
  points: number;
  reason: string;
  reasonParams?: ReasonParams | null;
  sourceKind: LedgerSource | null;
  sourceId: string | null;
  dedupeKey?: string | null;
  reversesId?: number | null;
  expiresAt: Date;
  createdBy: string | null;
  occurredAt: Date;
};

export type Debit = {
  customerId: string;
  kind: 'redeem' | 'expire' | 'adjust' | 'reverse';
  /** Positive: how many points to take. */
  points: number;
  reason: string;
  reasonParams?: ReasonParams | null;
  sourceKind: LedgerSource | null;
  sourceId: string | null;
  dedupeKey?: string | null;
  reversesId?: number | null;
  createdBy: string | null;
  occurredAt: Date;
};

export type MemberLock = { customerId: string; balance: number; debt: number };


/** Locks the members' rows in customer-id order; answers their balances. Missing ids are simply not in the answer. */
export async function lockMembers(db: DbOrTx, customerIds: readonly string[]): Promise<Map<string, MemberLock>> {
  if (!customerIds.length) return new Map();
  const ids = [...new Set(customerIds)].sort();
  const rows = rowsOf<{ customer_id: string; balance: string; debt: string }>(
    await db.execute(sql`select customer_id, balance, debt from loyalty_members where customer_id = any(${uuids(ids)}) order by customer_id for update`),
  );
  return new Map(rows.map((r) => [r.customer_id, { customerId: r.customer_id, balance: n(r.balance), debt: n(r.debt) }]));
}

async function insertEntry(
  db: DbOrTx,
  e: { customerId: string; kind: LedgerKind; points: number; balanceAfter: number } & Pick<Credit, 'reason' | 'reasonParams' | 'sourceKind' | 'sourceId' | 'dedupeKey' | 'reversesId' | 'createdBy' | 'occurredAt'> & {
      expiresAt: Date | null;
    },
): Promise<number | null> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      insert into points_entries (customer_id, kind, points, balance_after, reason, reason_params, source_kind, source_id, dedupe_key, reverses_id, expires_at, created_by, occurred_at)
      values (${e.customerId}, ${e.kind}, ${e.points}, ${e.balanceAfter}, ${e.reason}, ${e.reasonParams ? JSON.stringify(e.reasonParams) : null}::jsonb, ${e.sourceKind}, ${e.sourceId},
              ${e.dedupeKey ?? null}, ${e.reversesId ?? null}, ${e.expiresAt ? e.expiresAt.toISOString() : null}::timestamptz, ${e.createdBy}, ${e.occurredAt.toISOString()}::timestamptz)
      on conflict (dedupe_key) where dedupe_key is not null do nothing
      returning id`),
  );
  return rows[0] ? n(rows[0].id) : null;
}

async function setBalance(db: DbOrTx, m: MemberLock): Promise<void> {
  await db.execute(sql`update loyalty_members set balance = ${m.balance}, debt = ${m.debt}, updated_at = now() where customer_id = ${m.customerId}`);
}

async function memberFor(db: DbOrTx, customerId: string, locked?: Map<string, MemberLock>): Promise<MemberLock> {
  const m = locked?.get(customerId) ?? (await lockMembers(db, [customerId])).get(customerId);
  if (!m) throw AppError.notFound('loyalty.member_not_found');
  return m;
}

/**
 * Credits points: an entry, its lot, the balance; then the member's open debts are paid from it, oldest first.
 * Answers the entry id, or null when `dedupeKey` was written before (nothing happens then). Pass `locked` when the
 * caller holds the member locks already (batches).
 */
export async function credit(db: DbOrTx, c: Credit, now: Date, locked?: Map<string, MemberLock>): Promise<number | null> {
  if (!Number.isInteger(c.points) || c.points <= 0) throw new Error(`credit of ${c.points} points`);
  const m = await memberFor(db, c.customerId, locked);
  const id = await insertEntry(db, { ...c, points: c.points, balanceAfter: m.balance + c.points });
  if (id === null) return null;
  await db.execute(sql`insert into points_lots (entry_id, customer_id, points, remaining, expires_at) values (${id}, ${c.customerId}, ${c.points}, ${c.points}, ${c.expiresAt.toISOString()}::timestamptz)`);
  m.balance += c.points;
  await setBalance(db, m);
  if (m.debt > 0) {
    // Paying a debt is a debit: points due at `now` must not pay it.
    await expireMember(db, m, now);
    await payDebts(db, m, c.createdBy, now);
  }
  return id;
}

/** Pays the member's debts from its balance, oldest first: one reversal per debt, against the entry owed. */
async function payDebts(db: DbOrTx, m: MemberLock, createdBy: string | null, now: Date): Promise<void> {
  const debts = rowsOf<{ id: string; entry_id: string; remaining: string; source_kind: string | null; source_id: string | null }>(
    await db.execute(sql`
      select d.id, d.entry_id, d.remaining, e.source_kind, e.source_id from points_debts d join points_entries e on e.id = d.entry_id
      where d.customer_id = ${m.customerId} and d.remaining > 0 order by d.id`),
  );
  for (const d of debts) {
    const pay = Math.min(n(d.remaining), m.balance);
    if (pay <= 0) break;
    await takeFromLots(db, m, {
      customerId: m.customerId,
      kind: 'reverse',
      points: pay,
      reason: 'loyalty.reason.debt_paid',
      sourceKind: 'debt',
      sourceId: d.id,
      reversesId: n(d.entry_id),
      createdBy,
      occurredAt: now,
    });
    await db.execute(sql`update points_debts set remaining = remaining - ${pay} where id = ${d.id}`);
    m.debt -= pay;
    await setBalance(db, m);
  }
}

/**
 * Debits points: the member's due lots expire first, then lots are taken earliest expiry first. Refuses with 409
 * `loyalty.insufficient_points` when the member has fewer points than asked. Answers the entry id (null: the
 * dedupe key was written before).
 */
export async function debit(db: DbOrTx, d: Debit, now: Date, locked?: Map<string, MemberLock>): Promise<number | null> {
  if (!Number.isInteger(d.points) || d.points <= 0) throw new Error(`debit of ${d.points} points`);
  const m = await memberFor(db, d.customerId, locked);
  // A replay (the dedupe key written before) writes nothing and is no error, whatever the balance is now.
  if (d.dedupeKey && rowsOf(await db.execute(sql`select 1 from points_entries where dedupe_key = ${d.dedupeKey}`)).length) return null;
  await expireMember(db, m, now);
  if (m.balance < d.points) throw AppError.conflict('loyalty.insufficient_points', { balance: m.balance, points: d.points }, 'points');
  const id = await takeFromLots(db, m, d);
  if (id !== null) await setBalance(db, m);
  return id;
}

/**
 * The debit itself: lots FIFO (locked), allocations, the entry; moves `m.balance` (the caller writes it). `ownOf`: a
 * reversal of that credit entry takes from its own lots first (the entry's and its given-back reversals'), then FIFO.
 */
async function takeFromLots(db: DbOrTx, m: MemberLock, d: Debit, ownOf?: number): Promise<number | null> {
  const own = ownOf === undefined ? sql`` : sql`(l.entry_id = ${ownOf} or coalesce(e.reverses_id, 0) = ${ownOf}) desc,`;
  const lots = rowsOf<{ entry_id: string; remaining: string }>(
    await db.execute(sql`
      select l.entry_id, l.remaining from points_lots l join points_entries e on e.id = l.entry_id
      where l.customer_id = ${m.customerId} and l.remaining > 0
      order by ${own} l.expires_at, l.entry_id for update of l`),
  );
  const id = await insertEntry(db, { ...d, points: -d.points, balanceAfter: m.balance - d.points, expiresAt: null });
  if (id === null) return null;
  let left = d.points;
  const taken: { lot: number; points: number }[] = [];
  for (const l of lots) {
    if (left <= 0) break;
    const take = Math.min(left, n(l.remaining));
    taken.push({ lot: n(l.entry_id), points: take });
    left -= take;
  }
  if (left > 0) throw new Error(`ledger out of balance for ${m.customerId}: lots short by ${left}`);
  await db.execute(sql`
    with t as (select * from unnest(${`{${taken.map((x) => x.lot).join(',')}}`}::bigint[], ${`{${taken.map((x) => x.points).join(',')}}`}::bigint[]) as t(lot, points)),
    a as (insert into points_allocations (debit_id, lot_id, points) select ${id}, t.lot, t.points from t)
    update points_lots l set remaining = l.remaining - t.points from t where l.entry_id = t.lot`);
  m.balance -= d.points;
  return id;
}

/** Expires the member's lots that are due at `now`: one expire entry for all of them, recorded on the lots (schema.ts). */
async function expireMember(db: DbOrTx, m: MemberLock, now: Date): Promise<void> {
  const due = rowsOf<{ entry_id: string; remaining: string }>(
    await db.execute(sql`select entry_id, remaining from points_lots where customer_id = ${m.customerId} and remaining > 0 and expires_at <= ${now.toISOString()}::timestamptz for update`),
  );
  const points = due.reduce((s, l) => s + n(l.remaining), 0);
  if (!points) return;
  const id = await insertEntry(db, {
    customerId: m.customerId,
    kind: 'expire',
    points: -points,
    balanceAfter: m.balance - points,
    reason: 'loyalty.reason.expired',
    sourceKind: 'expiry',
    sourceId: null,
    createdBy: null,
    occurredAt: now,
    expiresAt: null,
  });
  await db.execute(sql`update points_lots set expired = remaining, expired_by = ${id}, remaining = 0 where entry_id = any(${`{${due.map((l) => l.entry_id).join(',')}}`}::bigint[])`);
  m.balance -= points;
  await setBalance(db, m);
}

/**
 * Expires every lot due at `now` for up to `limit` members (the nightly upkeep calls it until it answers 0): the
 * members locked in id order, one expire entry per member, set-based. Answers how many members and points.
 */
export async function expireDue(db: DbOrTx, now: Date, limit: number): Promise<{ members: number; points: number; lots: number }> {
  // The members are picked before they are locked: a debit may expire theirs meanwhile. Answering 0 then would end the
  // caller's loop with others still due, so pick again (those are gone from the next pick) — after giving back the
  // locks of the empty pick (a savepoint rolled back): holding them while locking the next pick would lock members
  // out of id order, and two such runs could deadlock.
  for (;;) {
    const ids = rowsOf<{ customer_id: string }>(
      await db.execute(sql`select distinct customer_id from points_lots where remaining > 0 and expires_at <= ${now.toISOString()}::timestamptz limit ${limit}`),
    ).map((r) => r.customer_id);
    if (!ids.length) return { members: 0, points: 0, lots: 0 };
    const done = await (db as Db)
      .transaction(async (sp) => {
        const r = await expireMembers(sp, ids, now);
        if (!r.members) throw new EmptyPick();
        return r;
      })
      .catch((e: unknown) => {
        if (e instanceof EmptyPick) return null;
        throw e;
      });
    if (done) return done;
  }
}

class EmptyPick extends Error {}

async function expireMembers(db: DbOrTx, ids: string[], now: Date): Promise<{ members: number; points: number; lots: number }> {
  await lockMembers(db, ids);
  const at = now.toISOString();
  const [row] = rowsOf<{ members: string; points: string; lots: string }>(
    await db.execute(sql`
      with due as (
        select entry_id, customer_id, remaining from points_lots
        where customer_id = any(${uuids(ids)}) and remaining > 0 and expires_at <= ${at}::timestamptz for update
      ),
      per as (select customer_id, sum(remaining)::bigint as points from due group by customer_id),
      ins as (
        insert into points_entries (customer_id, kind, points, balance_after, reason, source_kind, occurred_at)
        select p.customer_id, 'expire', -p.points, m.balance - p.points, 'loyalty.reason.expired', 'expiry', ${at}::timestamptz
        from per p join loyalty_members m on m.customer_id = p.customer_id
        returning id, customer_id
      ),
      lots as (update points_lots l set expired = due.remaining, expired_by = ins.id, remaining = 0 from due join ins on ins.customer_id = due.customer_id where l.entry_id = due.entry_id),
      bal as (update loyalty_members m set balance = m.balance - per.points, updated_at = now() from per where m.customer_id = per.customer_id)
      select (select count(*) from per) as members, (select coalesce(sum(points), 0) from per) as points, (select count(*) from due) as lots`),
  );
  return { members: n(row?.members), points: n(row?.points), lots: n(row?.lots) };
}

export type Standing = { customerId: string; net: number; owed: number; expired: number; spent: number };

/**
 * Where an entry stands: what it nets now (its points and every reversal of it), what is still owed on it, and what
 * became of its own lot (a credit's; a debit has none): how much of it expired unused, how much was spent (taken by
 * any debit but expiry and the entry's own reversals).
 */
async function standing(db: DbOrTx, entryId: number): Promise<Standing | null> {
  const [row] = rowsOf<{ customer_id: string; net: string; owed: string; expired: string; spent: string }>(
    await db.execute(sql`
      select e.customer_id,
             e.points + coalesce((select sum(r.points) from points_entries r where r.reverses_id = e.id), 0) as net,
             (select coalesce(sum(remaining), 0) from points_debts where entry_id = e.id) as owed,
             coalesce(l.expired, 0) as expired, coalesce(u.spent, 0) as spent
      from points_entries e
      left join points_lots l on l.entry_id = e.id
      left join lateral (
        select sum(a.points) filter (where x.reverses_id is distinct from e.id) as spent
        from points_allocations a join points_entries x on x.id = a.debit_id where a.lot_id = e.id
      ) u on true
      where e.id = ${entryId}`),
  );
  return row ? { customerId: row.customer_id, net: n(row.net), owed: n(row.owed), expired: n(row.expired), spent: n(row.spent) } : null;
}

/**
 * What an entry is worth to the member now — what it nets, less what is owed on it and less its points that expired
 * unused — and what it should be worth at `target`. A target below the entry's points takes back its points still in
 * its lot first, then forgives its expired ones, and only then charges its spent ones (as if the lot had been that
 * much smaller from the start): worth max(target − expired, min(target, spent)). For a debit (no lot) that is the
 * target itself; for a credit settled to all its points it is what it is worth already (never-refunded entries stand).
 */
export function worth(s: Pick<Standing, 'net' | 'owed' | 'expired' | 'spent'>, target: number): { now: number; due: number } {
  return { now: s.net - s.owed - s.expired, due: Math.max(target - s.expired, Math.min(target, s.spent)) };
}

export type SettleReason = { reason: string; reasonParams?: ReasonParams; sourceKind: LedgerSource; sourceId: string; createdBy: string | null };

/**
 * Brings what an entry nets (less what is owed on it) to `target`: for a credit (earn, bonus) a target below takes
 * points back — from the entry's own lots first; what the balance cannot cover becomes a debt — and a target above
 * cancels debts first and gives the rest back; for a debit (redeem) a target above (less negative) gives points back
 * and one below takes them again. Measured by `worth`: points of the credit's lot that expired unused are never
 * charged as a debt, nor given back alive when the target rises again.
 * Writes nothing when the entry stands at its target already. The member must be locked (`locked`). Points given
 * back open a lot expiring at `entry.giveBackExpiresAt` (the caller's choice: the original lot's expiry while it is
 * ahead, else the programme's expiry from today).
 */
export async function settle(
  db: DbOrTx,
  entry: { id: number; customerId: string; giveBackExpiresAt: Date },
  target: number,
  why: SettleReason,
  now: Date,
  locked: Map<string, MemberLock>,
): Promise<void> {
  if (!Number.isInteger(target)) throw new Error(`settle to ${target} points`);
  const m = await memberFor(db, entry.customerId, locked);
  await expireMember(db, m, now);
  const s = await standing(db, entry.id);
  if (!s || s.customerId !== entry.customerId) throw new Error(`settle: entry ${entry.id} is not ${entry.customerId}'s`);
  const { owed } = s;
  const w = worth(s, target);
  const diff = w.due - w.now;
  if (diff < 0) {
    const take = Math.min(-diff, m.balance);
    if (take > 0) await takeFromLots(db, m, { customerId: m.customerId, kind: 'reverse', points: take, ...why, reversesId: entry.id, occurredAt: now }, entry.id);
    const rest = -diff - take;
    if (rest > 0) {
      await db.execute(sql`insert into points_debts (customer_id, entry_id, points, remaining) values (${m.customerId}, ${entry.id}, ${rest}, ${rest})`);
      m.debt += rest;
    }
    await setBalance(db, m);
  } else if (diff > 0) {
    let give = diff;
    if (owed > 0) {
      const cancel = Math.min(owed, give);
      await cancelDebts(db, entry.id, cancel);
      m.debt -= cancel;
      give -= cancel;
      await setBalance(db, m);
    }
    if (give > 0) await credit(db, { customerId: m.customerId, kind: 'reverse', points: give, ...why, reversesId: entry.id, expiresAt: entry.giveBackExpiresAt, occurredAt: now }, now, locked);
  }
}

async function cancelDebts(db: DbOrTx, entryId: number, points: number): Promise<void> {
  let left = points;
  const debts = rowsOf<{ id: string; remaining: string }>(await db.execute(sql`select id, remaining from points_debts where entry_id = ${entryId} and remaining > 0 order by id desc`));
  for (const d of debts) {
    if (left <= 0) break;
    const c = Math.min(left, n(d.remaining));
    await db.execute(sql`update points_debts set remaining = remaining - ${c} where id = ${d.id}`);
    left -= c;
  }
}
