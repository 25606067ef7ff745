/**
 * Points from transactions: the transactions module's written hook (inside the transaction that wrote them).
 *
 * - Created purchases and payments earn by the programme's first matching rule, times the member's tier multiplier,
 *   plus the birthday bonus on the member's birthday (solar or lunar, company day) — each exactly once per transaction
 *   (`tx:<id>:earn`, `tx:<id>:birthday`), so an import run twice earns nothing twice. A whole import batch is credited
 *   set-based (a few statements per batch, not per row): earning must add little to a large import.
 * - A refund that names its original, a deleted transaction and a restored one *settle* the original's entries
 *   (ledger.settle): the points it earned come back down to its unrefunded share (zero when deleted), and points spent
 *   on it (a fee deduction redeemed against the bill) go back to the member in the same share.
 * With the programme off nothing is earned, but refunds still take back what was earned while it was on.
 */
import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { dayInZone } from '../../platform/time.js';
import { campaignPointsMultipliers } from '../campaigns/index.js';
import { lunarBirthdaysOn } from '../care/index.js';
import { companyClock } from '../settings/index.js';
import type { TransactionWrittenEvent, TransactionWrittenHook } from '../transactions/index.js';
import { growthFor, growthWindowStart } from './growth.js';
import { credit, lockMembers, settle, type Credit, type MemberLock } from './ledger.js';
import type { Programme } from './loyalty.contract.js';
import { changeTier, ensureMembers } from './members.js';
import { basePoints, expiryOf, readProgramme, ruleFor, tierForGrowth, tierOf, tierRank } from './programme.js';
import { qualifyReferrals } from './referrals.js';
import { uuids } from './rows.js';

/** What a transaction can earn, each once: its dedupe keys are `tx:<id>:<key>` (settling finds them by these). */
const EARN_KEYS = ['earn', 'birthday', 'campaign'] as const;

type TxRow = {
  id: string;
  customer_id: string;
  type: 'purchase' | 'payment' | 'refund';
  amount_fen: string;
  occurred_at: Date | string;
  heating_season: string | null;
  refund_of_id: string | null;
  deleted_at: Date | string | null;
};

/** The company day (YYYY-MM-DD) of an instant. */
export const dayIn = dayInZone;

async function transactionsById(db: DbOrTx, ids: readonly string[]): Promise<TxRow[]> {
  return rowsOf<TxRow>(
    await db.execute(sql`select id, customer_id, type, amount_fen, occurred_at, heating_season, refund_of_id, deleted_at from transaction_ledger where id = any(${uuids(ids)})`),
  );
}

/** The hook registered with the transactions module, on the server's clock. */
export const loyaltyTransactionHook =
  (clock: () => Date): TransactionWrittenHook =>
  (db, actor, event) =>
    onTransactionsWritten(db, actor, event, clock());

async function onTransactionsWritten(db: DbOrTx, actor: Actor, event: TransactionWrittenEvent, now: Date): Promise<void> {
  const rows = await transactionsById(db, event.ids);
  const programme = await readProgramme(db);
  const { zone } = await companyClock(db, now);
  // Every member this event moves is locked once, up front and in id order (a second lockMembers on a later, other
  // set could take locks out of order and deadlock with another writer). New members are enrolled first.
  const customers = [...new Set(rows.map((r) => r.customer_id))];
  if (programme.enabled && programme.enrolment === 'all' && event.change === 'created') {
    await ensureMembers(db, earners(programme, zone, rows), programme, now);
  }
  const earning = programme.enabled && event.change === 'created';
  // Earning reads what it needs of the members (tier, debt, birthday) with their locks: one statement per batch.
  const { locked, members } = earning ? await lockAndRead(db, customers) : { locked: await lockMembers(db, customers), members: undefined };
  if (event.change === 'created') {
    // Created in this very database transaction: nothing can have earned on them yet (no dedupe lookup needed).
    if (earning) await earnFor(db, programme, zone, rows.filter((r) => r.type !== 'refund'), actor.userId, now, locked, true, members);
    await qualifyReferrals(db, programme, zone, rows, actor.userId, now); // 老带新: a referee's first purchase or payment rewards both, once
    for (const r of rows) if (r.type === 'refund' && r.refund_of_id) await settleTransaction(db, programme, zone, r.refund_of_id, { reason: 'loyalty.reason.refund', amountFen: Number(r.amount_fen), sourceId: r.id }, actor.userId, now);
    return;
  }
  for (const r of rows) {
    if (r.type === 'refund') {
      if (!r.refund_of_id) continue;
      const reason = event.change === 'deleted' ? 'loyalty.reason.refund_deleted' : 'loyalty.reason.refund';
      await settleTransaction(db, programme, zone, r.refund_of_id, { reason, amountFen: Number(r.amount_fen), sourceId: r.id }, actor.userId, now);
    } else {
      const reason = event.change === 'deleted' ? 'loyalty.reason.tx_deleted' : 'loyalty.reason.tx_restored';
      await settleTransaction(db, programme, zone, r.id, { reason, amountFen: Number(r.amount_fen), sourceId: r.id }, actor.userId, now);
    }
  }
}

/**
 * The customers whose transactions earn points (a rule matches and gives at least one point at the lowest tier):
 * with enrolment 'all' they become members now — a customer whose payments earn nothing does not join.
 */
function earners(p: Programme, zone: string, rows: TxRow[]): string[] {
  const out = new Set<string>();
  for (const r of rows) {
    if (r.deleted_at || (r.type !== 'purchase' && r.type !== 'payment') || out.has(r.customer_id)) continue;
    const rule = ruleFor(p, { type: r.type, heatingSeason: r.heating_season, day: dayIn(zone, new Date(r.occurred_at)) });
    if (rule && basePoints(Number(r.amount_fen), rule, p.tiers[0]!) > 0) out.add(r.customer_id);
  }
  return [...out];
}

type MemberRow = { customer_id: string; tier: string; debt: string; birthday: string | null; lunar_birthday: { month: number; day: number; leap: boolean } | null };

/**
 * Locks the members as `lockMembers` does (customer-id order) and reads, in the same statement, what earning needs
 * of the active ones: their tier, debt and birthday.
 */
async function lockAndRead(db: DbOrTx, customerIds: readonly string[]): Promise<{ locked: Map<string, MemberLock>; members: Map<string, MemberRow> }> {
  const locked = new Map<string, MemberLock>();
  const members = new Map<string, MemberRow>();
  if (!customerIds.length) return { locked, members };
  const rows = rowsOf<MemberRow & { balance: string; status: string; listed: boolean }>(
    await db.execute(sql`
      select m.customer_id, m.balance, m.debt, m.status, m.tier, c.id is not null as listed, c.birthday::text as birthday, c.lunar_birthday
      from loyalty_members m left join customer_directory c on c.id = m.customer_id
      where m.customer_id = any(${uuids([...new Set(customerIds)].sort())}) order by m.customer_id for update of m`),
  );
  for (const r of rows) {
    locked.set(r.customer_id, { customerId: r.customer_id, balance: Number(r.balance), debt: Number(r.debt) });
    if (r.status === 'active' && r.listed) members.set(r.customer_id, r);
  }
  return { locked, members };
}

/** Whether the company day is the member's birthday on the programme's calendar. */
function isBirthday(p: Programme, m: MemberRow, day: string): boolean {
  if (p.birthdayCalendar === 'lunar') {
    if (!m.lunar_birthday) return false;
    return !!lunarBirthdaysOn(day)?.keys.includes(`${m.lunar_birthday.month}-${m.lunar_birthday.day}`);
  }
  return !!m.birthday && m.birthday.slice(5) === day.slice(5);
}

/**
 * Credits a batch of purchases and payments. Members locked in id order; the credits of members without a debt go in
 * set-based (entries, lots, balances), those of members with a debt one by one through the ledger (their debt is paid
 * from the new points). Then members whose growth reached a higher tier move up at once. `held`: the caller enrolled
 * and locked the customers already. `created`: the transactions were written in this same database transaction, so
 * no entry of theirs can exist and the dedupe lookup is skipped (the unique dedupe keys still guard the insert).
 */
export async function earnFor(
  db: DbOrTx,
  p: Programme,
  zone: string,
  rows: TxRow[],
  createdBy: string | null,
  now: Date,
  held?: Map<string, MemberLock>,
  created = false,
  known?: Map<string, MemberRow>,
): Promise<number> {
  const live = rows.filter((r) => !r.deleted_at && (r.type === 'purchase' || r.type === 'payment'));
  if (!live.length) return 0;
  const customerIds = [...new Set(live.map((r) => r.customer_id))];
  if (!held && p.enrolment === 'all') await ensureMembers(db, earners(p, zone, live), p, now);
  const locked = held ?? (await lockMembers(db, customerIds));
  if (!locked.size) return 0;
  const members =
    known ??
    new Map(
      rowsOf<MemberRow>(
        await db.execute(sql`
          select m.customer_id, m.tier, m.debt, c.birthday::text as birthday, c.lunar_birthday
          from loyalty_members m join customer_directory c on c.id = m.customer_id
          where m.customer_id = any(${uuids([...locked.keys()])}) and m.status = 'active'`),
      ).map((m) => [m.customer_id, m]),
    );
  const campaign = await campaignPointsMultipliers(db, live.map((r) => ({ customerId: r.customer_id, at: new Date(r.occurred_at) })));
  const expiries = new Map<string, Date>();
  const expiryOn = (day: string) => expiries.get(day) ?? expiries.set(day, expiryOf(p, zone, day)).get(day)!;
  const credits: Credit[] = [];
  for (const r of live) {
    const m = members.get(r.customer_id);
    if (!m) continue;
    const at = new Date(r.occurred_at);
    const day = dayIn(zone, at);
    const rule = ruleFor(p, { type: r.type, heatingSeason: r.heating_season, day });
    if (!rule) continue;
    const points = basePoints(Number(r.amount_fen), rule, tierOf(p, m.tier));
    if (points <= 0) continue;
    const common = { customerId: r.customer_id, sourceKind: 'transaction' as const, sourceId: r.id, expiresAt: expiryOn(day), createdBy, occurredAt: at };
    const amount = (Number(r.amount_fen) / 100).toFixed(2);
    credits.push({ ...common, kind: 'earn', points, reason: 'loyalty.reason.earn', reasonParams: { rule: rule.name.zh, ruleEn: rule.name.en, amount }, dedupeKey: `tx:${r.id}:earn` });
    if (p.birthdayMultiplierX100 > 100 && isBirthday(p, m, day)) {
      const bonus = Math.floor((points * (p.birthdayMultiplierX100 - 100)) / 100);
      const multiplier = p.birthdayMultiplierX100 / 100;
      if (bonus > 0) credits.push({ ...common, kind: 'bonus', points: bonus, reason: 'loyalty.reason.birthday', reasonParams: { multiplier }, dedupeKey: `tx:${r.id}:birthday` });
    }
    const campaignX100 = campaign.size ? (campaign.get(`${r.customer_id}@${at.toISOString()}`) ?? 100) : 100;
    if (campaignX100 > 100) {
      const bonus = Math.floor((points * (campaignX100 - 100)) / 100);
      if (bonus > 0) credits.push({ ...common, kind: 'bonus', points: bonus, reason: 'loyalty.reason.campaign', reasonParams: { multiplier: campaignX100 / 100 }, dedupeKey: `tx:${r.id}:campaign` });
    }
  }
  const fresh = created ? credits : await withoutWritten(db, credits);
  const inDebt = fresh.filter((c) => Number(members.get(c.customerId)!.debt) > 0);
  await creditBatch(db, fresh.filter((c) => Number(members.get(c.customerId)!.debt) <= 0), locked);
  for (const c of inDebt) await credit(db, c, now, locked);
  await upgradeAtOnce(db, p, [...new Set(fresh.filter((c) => movesGrowth(p, c, now)).map((c) => c.customerId))], members, now);
  return fresh.reduce((s, c) => s + c.points, 0);
}

/**
 * Whether a credit can move its member's growth value as of `now`: on points and spend only what happened in the 12
 * months before `now` counts (growth.ts), so the payment history of past years, most of a utility's import, asks no
 * member's growth again. (Tenure and value tiers do not move with earning; they are asked as before.)
 */
function movesGrowth(p: Programme, c: Credit, now: Date): boolean {
  if (p.growthBase !== 'points' && p.growthBase !== 'spend') return true;
  return c.occurredAt > growthWindowStart(now) && c.occurredAt <= now;
}

/** The credits whose dedupe key is not in the ledger yet (the members are locked, so nobody writes them meanwhile). */
async function withoutWritten(db: DbOrTx, credits: Credit[]): Promise<Credit[]> {
  const keys = credits.map((c) => c.dedupeKey).filter((k): k is string => !!k);
  if (!keys.length) return credits;
  const written = new Set(
    rowsOf<{ dedupe_key: string }>(await db.execute(sql`select dedupe_key from points_entries where dedupe_key = any(${`{${keys.map((k) => `"${k}"`).join(',')}}`}::text[])`)).map((r) => r.dedupe_key),
  );
  return credits.filter((c) => !c.dedupeKey || !written.has(c.dedupeKey));
}

/** An array literal's element: quoted, escaped only when it must be (most values here are ids, keys and times). */
const element = (x: string | null): string => (x === null ? 'NULL' : x.includes('"') || x.includes('\\') ? `"${x.replace(/["\\]/g, '\\$&')}"` : `"${x}"`);

/**
 * Credits set-based: balances after each entry computed here, then two statements for the whole batch (entries with
 * their lots, the balances). The rows go as one array per column, zipped (`rows from`), and the reasons' parameters as
 * one JSON array: PostgreSQL reads these several times faster than it populates records from a JSON array of rows,
 * which was half of this insert's time on a large import.
 */
async function creditBatch(db: DbOrTx, credits: Credit[], locked: Awaited<ReturnType<typeof lockMembers>>): Promise<void> {
  if (!credits.length) return;
  const balanceAfter = credits.map((c) => {
    const m = locked.get(c.customerId)!;
    m.balance += c.points;
    return m.balance;
  });
  const col = (f: (c: Credit) => string | null) => `{${credits.map((c) => element(f(c))).join(',')}}`;
  const touched = [...new Set(credits.map((c) => c.customerId))].map((id) => locked.get(id)!);
  await db.execute(sql`
    with ins as (
      insert into points_entries (customer_id, kind, points, balance_after, reason, reason_params, source_kind, source_id, dedupe_key, expires_at, created_by, occurred_at)
      select customer_id, kind, points, balance_after, reason, nullif(reason_params, 'null'::jsonb), source_kind, source_id, dedupe_key, expires_at, created_by, occurred_at
      from rows from (
        unnest(${uuids(credits.map((c) => c.customerId))}), unnest(${col((c) => c.kind)}::text[]), unnest(${`{${credits.map((c) => c.points).join(',')}}`}::bigint[]),
        unnest(${`{${balanceAfter.join(',')}}`}::bigint[]), unnest(${col((c) => c.reason)}::text[]), jsonb_array_elements(${JSON.stringify(credits.map((c) => c.reasonParams ?? null))}::jsonb),
        unnest(${col((c) => c.sourceKind)}::text[]), unnest(${col((c) => c.sourceId)}::text[]), unnest(${col((c) => c.dedupeKey ?? null)}::text[]),
        unnest(${col((c) => c.expiresAt.toISOString())}::timestamptz[]), unnest(${col((c) => c.createdBy)}::uuid[]), unnest(${col((c) => c.occurredAt.toISOString())}::timestamptz[])
      ) as t(customer_id, kind, points, balance_after, reason, reason_params, source_kind, source_id, dedupe_key, expires_at, created_by, occurred_at)
      returning id, customer_id, points, expires_at
    )
    insert into points_lots (entry_id, customer_id, points, remaining, expires_at) select id, customer_id, points, points, expires_at from ins`);
  await db.execute(sql`
    update loyalty_members m set balance = t.balance, updated_at = now()
    from unnest(${uuids(touched.map((m) => m.customerId))}, ${`{${touched.map((m) => m.balance).join(',')}}`}::bigint[]) as t(id, balance)
    where m.customer_id = t.id`);
}

/** Members whose growth now reaches a higher tier's threshold move up at once (upgrades never wait for the review). */
async function upgradeAtOnce(db: DbOrTx, p: Programme, ids: string[], members: Map<string, MemberRow>, now: Date): Promise<void> {
  if (!ids.length || p.tiers.length < 2) return;
  const growth = await growthFor(db, p, ids, now);
  const ups = ids.flatMap((id) => {
    const m = members.get(id)!;
    const g = growth.get(id) ?? 0;
    const to = tierForGrowth(p, g);
    return tierRank(p, to.key) > tierRank(p, m.tier) ? [{ customerId: id, from: m.tier, to: to.key, growth: g }] : [];
  });
  await changeTier(db, ups, 'upgrade', now);
}

/**
 * Settles what a purchase or payment earned, and what was spent on it, to its unrefunded share: all of it while it
 * stands unrefunded, none when it is deleted or refunded in full.
 */
async function settleTransaction(
  db: DbOrTx,
  p: Programme,
  zone: string,
  originalId: string,
  why: { reason: string; amountFen: number; sourceId: string },
  createdBy: string | null,
  now: Date,
): Promise<void> {
  const [original] = await transactionsById(db, [originalId]);
  if (!original) return;
  const entries = rowsOf<{ id: string; customer_id: string; points: string; expires_at: Date | string | null }>(
    await db.execute(sql`
      select e.id, e.customer_id, e.points, l.expires_at from points_entries e join points_lots l on l.entry_id = e.id
      where e.dedupe_key = any(${`{${EARN_KEYS.map((k) => `tx:${originalId}:${k}`).join(',')}}`}::text[])`),
  );
  const spent = rowsOf<{ entry_id: string; customer_id: string; points: string; expires_at: Date | string | null }>(
    await db.execute(sql`
      select r.entry_id, r.customer_id, e.points, (select max(l.expires_at) from points_allocations a join points_lots l on l.entry_id = a.lot_id where a.debit_id = r.entry_id) as expires_at
      from loyalty_redemptions r join points_entries e on e.id = r.entry_id
      where r.transaction_id = ${originalId} and r.status = 'done'`),
  );
  if (!entries.length && !spent.length) return;
  const amount = Number(original.amount_fen);
  const [row] = rowsOf<{ fen: string }>(
    await db.execute(sql`select coalesce(sum(amount_fen), 0) as fen from transaction_ledger where refund_of_id = ${originalId} and type = 'refund' and deleted_at is null`),
  );
  const refunded = Math.min(amount, Number(row?.fen ?? 0));
  const kept = (points: number) => (original.deleted_at || amount <= 0 ? 0 : points - Math.floor((points * refunded) / amount));
  const locked = await lockMembers(db, [...entries.map((e) => e.customer_id), ...spent.map((s) => s.customer_id)]);
  const fallback = expiryOf(p, zone, dayIn(zone, now));
  const ahead = (at: Date | string | null) => (at && new Date(at) > now ? new Date(at) : fallback);
  const settleWhy = { reason: why.reason, reasonParams: { amount: (why.amountFen / 100).toFixed(2) }, sourceKind: why.reason.includes('refund') ? ('refund' as const) : ('transaction' as const), sourceId: why.sourceId, createdBy };
  for (const e of entries) await settle(db, { id: Number(e.id), customerId: e.customer_id, giveBackExpiresAt: ahead(e.expires_at) }, kept(Number(e.points)), settleWhy, now, locked);
  const giveBack = { ...settleWhy, reason: why.reason === 'loyalty.reason.refund' ? 'loyalty.reason.refund_giveback' : why.reason };
  for (const s of spent) await settle(db, { id: Number(s.entry_id), customerId: s.customer_id, giveBackExpiresAt: ahead(s.expires_at) }, -kept(-Number(s.points)), giveBack, now, locked);
}
