/**
 * 老带新 (issue #16 part 3): attribution, the fraud rules, the reward on the qualifying event, the list and the funnel.
 *
 * - **Attribution.** A new customer created with a member's referral code (the customers create body, the import's
 *   推荐码 column — both through the customers module's created hook — or the public join page `/s/j/<code>`), or an
 *   existing customer attributed by an agent (`POST /loyalty/referrals`: created in the last 30 days, no referral, no
 *   payment yet), gets one `loyalty_referrals` row (one per referee: a unique index). The fraud rules run first; a
 *   refusal is stored too (status `refused`, `refused_reason` a message key rendered in the reader's language): the
 *   referee is the referrer, shares a phone with the referrer (either one's own phones or its contacts' — 联系人 of an
 *   organisation), has the referrer's ID number or address (normalised, see
 *   `sameAddress`), the referrer is no active member, or the referrer reached the programme's monthly cap (referrals
 *   attributed and not refused in the company's calendar month; 0 = no cap). An accepted referee is enrolled and its
 *   member row names the referrer (`referred_by`). The referrer's member row is locked while counting, so two
 *   attributions at once cannot both take the last place under the cap.
 * - **Reward.** The referee's first live purchase or payment while the programme is on (the transactions written
 *   hook, earn.ts) credits the referrer `referral.referrerPoints` and the referee `referral.refereePoints` (bonus
 *   entries, source `referral`), marks the referral rewarded with the transaction — exactly once: the referral row is
 *   locked (FOR UPDATE, in id order) and must still be pending, and the ledger's dedupe keys
 *   (`referral:<id>:referrer`, `referral:<id>:referee`) are the last line of defence. A later refund of that payment
 *   does not take the reward back.
 * Other modules' data is read through their views (customer_directory, transaction_ledger) and exported functions.
 */
import { sql } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { AppError, type FieldIssue } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { isMessageKey, t, type Locale } from '../../platform/i18n/index.js';
import { dayRange, startOfDay, dayInZone } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { contactPhonesOf, customerAccess, customerInScope, type CustomerCreatedHook } from '../customers/index.js';
import { companyClock } from '../settings/index.js';
import { credit, lockMembers } from './ledger.js';
import type { Programme, ReferralStatus, ReferralView } from './loyalty.contract.js';
import { ensureMembers, REFERRAL_CODE } from './members.js';
import { expiryOf, readProgramme } from './programme.js';
import { iso, n, uuids } from './rows.js';

export const REFERRAL_REFUSALS = ['self', 'referrer_inactive', 'same_phone', 'same_id_number', 'same_address', 'over_cap'] as const;
export type ReferralRefusal = (typeof REFERRAL_REFUSALS)[number];
export const refusalKey = (r: ReferralRefusal) => `loyalty.referral_refused.${r}` as const;

/** An agent may attribute a customer created this many days ago at most. */
export const ATTRIBUTION_DAYS = 30;


/** A code as people type it: spaces and dashes dropped, upper case. */
export const normaliseCode = (s: string) => s.replace(/[\s\-－]/g, '').toUpperCase();

/** 李建国 → 李**: the first character and up to three stars (names of people outside the reader's reach, the join page). */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (!chars.length) return '*';
  return chars[0] + '*'.repeat(Math.max(1, Math.min(chars.length - 1, 3)));
}

// ---- the parties -------------------------------------------------------------------------------------------------

const ADDRESS_PARTS = ['province', 'city', 'district', 'street', 'compound', 'building', 'unit', 'room'] as const;
type AddressParts = Record<(typeof ADDRESS_PARTS)[number], string | null>;

export type Party = AddressParts & {
  id: string;
  name: string;
  phones: string[];
  /** The phones of the customer's contacts (联系人), compared as the customer's own (customers' contactPhonesOf). */
  contact_phones: string[];
  id_number: string | null;
  owner_id: string | null;
  team_id: string | null;
  deleted_at: Date | string | null;
  created_at: Date | string;
};

async function partiesById(db: DbOrTx, ids: readonly string[]): Promise<Map<string, Party>> {
  if (!ids.length) return new Map();
  const rows = rowsOf<Omit<Party, 'contact_phones'>>(
    await db.execute(sql`
      select id, name, phones, id_number, province, city, district, street, compound, building, unit, room, owner_id, team_id, deleted_at, created_at
      from customer_directory where id = any(${uuids([...new Set(ids)])})`),
  );
  const contacts = await contactPhonesOf(db, rows.map((r) => r.id));
  return new Map(rows.map((r) => [r.id, { ...r, contact_phones: contacts.get(r.id) ?? [] }]));
}

export type Referrer = { customerId: string; status: 'active' | 'left'; code: string };

/** The member whose referral code this is (null: no such code). */
export async function referrerByCode(db: DbOrTx, code: string): Promise<Referrer | null> {
  if (!REFERRAL_CODE.test(code)) return null;
  const [row] = rowsOf<{ customer_id: string; status: 'active' | 'left' }>(await db.execute(sql`select customer_id, status from loyalty_members where referral_code = ${code}`));
  return row ? { customerId: row.customer_id, status: row.status, code } : null;
}

/**
 * An address as one comparable string: every part joined, full-width folded (NFKC), lower case, the words for
 * building, unit and room dropped (3号楼2单元301室 = 3-2-301) and anything but letters and digits removed.
 */
export function addressKey(a: Partial<AddressParts>): string {
  const joined = ADDRESS_PARTS.map((k) => a[k] ?? '').join('');
  return joined
    .normalize('NFKC')
    .toLowerCase()
    .replace(/号楼|单元|栋|幢|楼|室|号|户/g, '')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * Two addresses are the same when their keys are equal, or one ends with the other (one of them was written without
 * the province, city or district) and the shorter one is a real dwelling: at least 6 characters with a number in it
 * (a compound's name alone matches no one).
 */
export function sameAddress(a: Partial<AddressParts>, b: Partial<AddressParts>): boolean {
  const x = addressKey(a);
  const y = addressKey(b);
  if (!x || !y) return false;
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return short.length >= 6 && /\d/.test(short) && long.endsWith(short);
}

/** The month (company zone) `now` falls in, as instants [from, to). */
function monthOf(zone: string, now: Date): { from: Date; to: Date } {
  const [y, m] = dayInZone(zone, now).split('-').map(Number) as [number, number];
  return { from: startOfDay(zone, y, m, 1), to: m === 12 ? startOfDay(zone, y + 1, 1, 1) : startOfDay(zone, y, m + 1, 1) };
}

/** The first fraud rule the pair breaks, or null. The referrer's member row is locked by the caller. */
async function fraudCheck(db: DbOrTx, p: Programme, zone: string, referrer: Referrer, from: Party, to: Party, now: Date): Promise<ReferralRefusal | null> {
  if (from.id === to.id) return 'self';
  if (referrer.status !== 'active' || from.deleted_at) return 'referrer_inactive';
  // Every phone of either party — its own and its contacts' — against every phone of the other.
  const fromPhones = new Set([...from.phones, ...from.contact_phones]);
  if ([...to.phones, ...to.contact_phones].some((ph) => fromPhones.has(ph))) return 'same_phone';
  if (to.id_number && from.id_number && to.id_number.toUpperCase() === from.id_number.toUpperCase()) return 'same_id_number';
  if (sameAddress(from, to)) return 'same_address';
  if (p.referral.monthlyCap > 0) {
    const month = monthOf(zone, now);
    const [row] = rowsOf<{ n: string }>(
      await db.execute(sql`
        select count(*) as n from loyalty_referrals
        where referrer_id = ${from.id} and status <> 'refused' and created_at >= ${month.from.toISOString()}::timestamptz and created_at < ${month.to.toISOString()}::timestamptz`),
    );
    if (n(row?.n) >= p.referral.monthlyCap) return 'over_cap';
  }
  return null;
}

/**
 * Attributes `refereeId` to the member of `referrer` (whose member row the caller has locked): the fraud rules, then
 * one referral row — pending (the referee enrolled, `referred_by` set) or refused with its reason. Answers the row's
 * id and status; null when the referee has a referral already (the unique index).
 */
export async function attribute(
  db: DbOrTx,
  p: Programme,
  zone: string,
  referrer: Referrer,
  refereeId: string,
  now: Date,
  createdBy: string | null,
): Promise<{ id: string; status: ReferralStatus; refusal: ReferralRefusal | null } | null> {
  const parties = await partiesById(db, [referrer.customerId, refereeId]);
  const from = parties.get(referrer.customerId);
  const to = parties.get(refereeId);
  if (!from || !to) throw new Error(`referral: customer ${from ? refereeId : referrer.customerId} not found`);
  const refusal = await fraudCheck(db, p, zone, referrer, from, to, now);
  const status: ReferralStatus = refusal ? 'refused' : 'pending';
  const [row] = rowsOf<{ id: string }>(
    await db.execute(sql`
      insert into loyalty_referrals (referrer_id, referee_id, code, status, refused_reason, created_at)
      values (${from.id}, ${to.id}, ${referrer.code}, ${status}, ${refusal ? refusalKey(refusal) : null}, ${now.toISOString()}::timestamptz)
      on conflict (referee_id) do nothing returning id`),
  );
  if (!row) return null;
  if (!refusal) {
    await ensureMembers(db, [to.id], p, now, createdBy);
    await db.execute(sql`update loyalty_members set referred_by = ${from.id}, updated_at = now() where customer_id = ${to.id}`);
  }
  return { id: row.id, status, refusal };
}

// ---- attribution through the customers module ---------------------------------------------------------------------

/** The customers module's created hook: codes checked before the customers are written, then attributed. */
export const loyaltyCustomerCreatedHook = (clock: () => Date): CustomerCreatedHook => ({
  async checkReferralCodes(db, codes) {
    const wellFormed = codes.filter((c) => REFERRAL_CODE.test(c));
    const known = new Set(
      wellFormed.length
        ? rowsOf<{ referral_code: string }>(await db.execute(sql`select referral_code from loyalty_members where referral_code = any(${`{${wellFormed.join(',')}}`}::text[])`)).map((r) => r.referral_code)
        : [],
    );
    return new Map(codes.filter((c) => !known.has(c)).map((c): [string, Omit<FieldIssue, 'field'>] => [c, { key: 'loyalty.referral_code_unknown', params: { code: c.slice(0, 40) } }]));
  },
  async created(db, actor, event) {
    const coded = event.customers.filter((c): c is { customerId: string; referralCode: string } => !!c.referralCode);
    if (!coded.length) return;
    const now = clock();
    const p = await readProgramme(db);
    const { zone } = await companyClock(db, now);
    const referrers = new Map<string, Referrer>();
    for (const c of coded) {
      if (referrers.has(c.referralCode)) continue;
      const r = await referrerByCode(db, c.referralCode);
      if (!r) throw AppError.field('referralCode', 'loyalty.referral_code_unknown', { code: c.referralCode.slice(0, 40) });
      referrers.set(c.referralCode, r);
    }
    // Every referrer of the batch locked at once, in id order (the cap is counted under the lock).
    await lockMembers(db, [...referrers.values()].map((r) => r.customerId));
    for (const c of coded) await attribute(db, p, zone, referrers.get(c.referralCode)!, c.customerId, now, actor.userId);
  },
});

/**
 * `POST /loyalty/referrals`: an agent attributes an existing customer — created in the last 30 days, without a
 * referral and without a purchase or payment — to the member of `code`. Answers the referral, pending or refused
 * with its reason (stored either way).
 */
export async function attributeExisting(db: DbOrTx, actor: Actor | null, input: { refereeId: string; code: string }, now: Date): Promise<ReferralView> {
  requireAccess(actor, 'loyalty:write');
  await customerInScope(db, actor, input.refereeId, { forWrite: true });
  const referrer = await referrerByCode(db, input.code);
  if (!referrer) throw AppError.field('code', 'loyalty.referral_code_unknown', { code: input.code.slice(0, 40) });
  const [referee] = rowsOf<{ created_at: Date | string; referred: boolean; paid: boolean }>(
    await db.execute(sql`
      select c.created_at,
             exists (select 1 from loyalty_referrals r where r.referee_id = c.id) as referred,
             exists (select 1 from transaction_ledger x where x.customer_id = c.id and x.type in ('purchase', 'payment') and x.deleted_at is null) as paid
      from customer_directory c where c.id = ${input.refereeId}`),
  );
  if (new Date(referee!.created_at).getTime() < now.getTime() - ATTRIBUTION_DAYS * 86_400_000) {
    throw AppError.conflict('loyalty.referral_too_late', { days: ATTRIBUTION_DAYS }, 'refereeId');
  }
  if (referee!.referred) throw AppError.conflict('loyalty.referral_exists', {}, 'refereeId');
  if (referee!.paid) throw AppError.conflict('loyalty.referral_has_payment', {}, 'refereeId');
  const p = await readProgramme(db);
  const { zone } = await companyClock(db, now);
  await lockMembers(db, [referrer.customerId]);
  const made = await attribute(db, p, zone, referrer, input.refereeId, now, actor.userId);
  if (!made) throw AppError.conflict('loyalty.referral_exists', {}, 'refereeId');
  await recordAudit(db, actor, {
    action: 'loyalty_referral_attribute',
    entityType: 'customer',
    entityId: input.refereeId,
    changes: { referrerId: referrer.customerId, code: referrer.code, status: made.status, refusedReason: made.refusal },
  });
  return referralById(db, actor, made.id);
}

// ---- the qualifying event ------------------------------------------------------------------------------------------

/** What the reward needs of a written transaction (earn.ts's rows). */
export type QualifyingRow = { id: string; customer_id: string; type: string; amount_fen: string | number; occurred_at: Date | string; deleted_at: Date | string | null };

/**
 * Rewards the pending referrals whose referee made its first live purchase or payment among `rows` (created in this
 * transaction): both parties credited once, the referral marked rewarded. Runs with the programme on only (a referral
 * stays pending while it is off). Answers how many referrals were rewarded.
 */
export async function qualifyReferrals(db: DbOrTx, p: Programme, zone: string, rows: readonly QualifyingRow[], createdBy: string | null, now: Date): Promise<number> {
  if (!p.enabled) return 0;
  const live = rows.filter((r) => !r.deleted_at && (r.type === 'purchase' || r.type === 'payment') && n(r.amount_fen) > 0);
  if (!live.length) return 0;
  // Locked in id order and still pending once the lock is ours: a second process on the same event waits here and
  // then finds the referral rewarded.
  const pending = rowsOf<{ id: string; referrer_id: string; referee_id: string }>(
    await db.execute(sql`
      select id, referrer_id, referee_id from loyalty_referrals
      where referee_id = any(${uuids([...new Set(live.map((r) => r.customer_id))])}) and status = 'pending' order by id for update`),
  );
  if (!pending.length) return 0;
  const parties = await partiesById(db, pending.flatMap((r) => [r.referrer_id, r.referee_id]));
  const locked = await lockMembers(db, pending.flatMap((r) => [r.referrer_id, r.referee_id]));
  const active = new Set(
    rowsOf<{ customer_id: string }>(await db.execute(sql`select customer_id from loyalty_members where customer_id = any(${uuids([...locked.keys()])}) and status = 'active'`)).map((r) => r.customer_id),
  );
  const expiresAt = expiryOf(p, zone, dayInZone(zone, now));
  let rewarded = 0;
  for (const r of pending) {
    const first = live
      .filter((x) => x.customer_id === r.referee_id)
      .sort((a, b) => new Date(a.occurred_at).getTime() - new Date(b.occurred_at).getTime() || a.id.localeCompare(b.id))[0]!;
    if (!active.has(r.referrer_id) || parties.get(r.referrer_id)?.deleted_at) {
      await db.execute(sql`update loyalty_referrals set status = 'refused', refused_reason = ${refusalKey('referrer_inactive')} where id = ${r.id}`);
      continue;
    }
    if (!locked.has(r.referee_id)) await ensureMembers(db, [r.referee_id], p, now, createdBy);
    const common = { kind: 'bonus' as const, sourceKind: 'referral' as const, sourceId: r.id, expiresAt, createdBy, occurredAt: now };
    const refereeName = maskName(parties.get(r.referee_id)?.name ?? '');
    const referrerName = maskName(parties.get(r.referrer_id)?.name ?? '');
    if (p.referral.referrerPoints > 0) {
      const c = { ...common, customerId: r.referrer_id, points: p.referral.referrerPoints, reason: 'loyalty.reason.referral_referrer', reasonParams: { name: refereeName } };
      await credit(db, { ...c, dedupeKey: `referral:${r.id}:referrer` }, now, locked.has(r.referrer_id) ? locked : undefined);
    }
    if (p.referral.refereePoints > 0) {
      const c = { ...common, customerId: r.referee_id, points: p.referral.refereePoints, reason: 'loyalty.reason.referral_referee', reasonParams: { name: referrerName } };
      await credit(db, { ...c, dedupeKey: `referral:${r.id}:referee` }, now, locked.has(r.referee_id) ? locked : undefined);
    }
    await db.execute(sql`
      update loyalty_referrals set status = 'rewarded', qualifying_transaction_id = ${first.id}, rewarded_at = ${now.toISOString()}::timestamptz
      where id = ${r.id} and status = 'pending'`);
    rewarded++;
  }
  return rewarded;
}

// ---- reading -------------------------------------------------------------------------------------------------------

type ReferralRow = {
  id: string;
  referrer_id: string;
  referrer_name: string;
  referrer_seen: boolean;
  referee_id: string;
  referee_name: string;
  referee_seen: boolean;
  code: string;
  status: ReferralStatus;
  refused_reason: string | null;
  qualifying_transaction_id: string | null;
  rewarded_at: Date | string | null;
  created_at: Date | string;
  sort: string;
};

/** The referrals with both names; a party outside the reader's data scope is named masked (李**). */
const referralSelect = (actor: Actor) => sql`
  select r.id, r.referrer_id, a.name as referrer_name, (${customerAccess.where(actor, 'a')}) as referrer_seen,
         r.referee_id, b.name as referee_name, (${customerAccess.where(actor, 'b')}) as referee_seen,
         r.code, r.status, r.refused_reason, r.qualifying_transaction_id, r.rewarded_at, r.created_at, r.created_at::text as sort
  from loyalty_referrals r join customer_directory a on a.id = r.referrer_id join customer_directory b on b.id = r.referee_id`;

/** Reached when the reader sees the referrer or the referee. */
const inScope = (actor: Actor) => sql`(${customerAccess.filter(actor, sql`r.referrer_id`)} or ${customerAccess.filter(actor, sql`r.referee_id`)})`;

/** A refusal's reason in the reader's language (a stored key; any other text as it is). */
export const refusalText = (locale: Locale, reason: string | null) => (reason === null ? null : isMessageKey(reason) ? t(locale, reason) : reason);

const referralView =
  (locale: Locale) =>
  (r: ReferralRow): ReferralView => ({
    id: r.id,
    referrerId: r.referrer_id,
    referrerName: r.referrer_seen ? r.referrer_name : maskName(r.referrer_name),
    refereeId: r.referee_id,
    refereeName: r.referee_seen ? r.referee_name : maskName(r.referee_name),
    code: r.code,
    status: r.status,
    refusedReason: refusalText(locale, r.refused_reason),
    qualifyingTransactionId: r.qualifying_transaction_id,
    rewardedAt: r.rewarded_at ? iso(r.rewarded_at) : null,
    createdAt: iso(r.created_at),
  });

async function referralById(db: DbOrTx, actor: Actor, id: string): Promise<ReferralView> {
  const [row] = rowsOf<ReferralRow>(await db.execute(sql`${referralSelect(actor)} where r.id = ${id}`));
  return referralView(actor.locale)(row!);
}

export type ReferralListQuery = { status?: ReferralStatus; referrerId?: string; refereeId?: string; from?: string; to?: string; cursor?: string; limit: number };

/**
 * The referrals, newest first (keyset on the attribution time), those whose referrer or referee the reader sees.
 * `from`/`to` (company days, both inclusive): attributed on those days — with `status=rewarded`, rewarded on them, as
 * the reports' funnel and the home tile count them (so the tile's 本月推荐成功 lists the referrals it counts).
 */
export async function listReferrals(db: DbOrTx, actor: Actor | null, q: ReferralListQuery): Promise<{ items: ReferralView[]; nextCursor: string | null }> {
  requireAccess(actor, 'loyalty:read');
  if (q.from && q.to && q.to < q.from) throw AppError.field('to', 'validation.invalid', { field: 'to' });
  const days: { from?: Date; to?: Date } = q.from || q.to ? dayRange((await companyClock(db)).zone, q.from, q.to) : {};
  const on = q.status === 'rewarded' ? sql`r.rewarded_at` : sql`r.created_at`;
  const after = q.cursor ? decodeCursor(q.cursor, 'timestamp') : null;
  const rows = rowsOf<ReferralRow>(
    await db.execute(sql`
      ${referralSelect(actor)}
      where ${inScope(actor)}
      ${q.status ? sql`and r.status = ${q.status}` : sql``}
      ${q.referrerId ? sql`and r.referrer_id = ${q.referrerId}` : sql``}
      ${q.refereeId ? sql`and r.referee_id = ${q.refereeId}` : sql``}
      ${days.from ? sql`and ${on} >= ${days.from.toISOString()}::timestamptz` : sql``}
      ${days.to ? sql`and ${on} < ${days.to.toISOString()}::timestamptz` : sql``}
      ${after ? sql`and (r.created_at, r.id) < (${after.value}::timestamptz, ${after.id}::uuid)` : sql``}
      order by r.created_at desc, r.id desc limit ${q.limit + 1}`),
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { items: page.map(referralView(actor.locale)), nextCursor: rows.length > q.limit && last ? encodeCursor(last.sort, last.id) : null };
}

/** The referral funnel of a period, for the reports. */
export type ReferralFunnel = {
  /** Referrals attributed in the period and not refused. */
  attributed: number;
  /** Referrals refused in the period, in all and by reason (the reason's code and its text in the reader's language). */
  refused: { total: number; byReason: { reason: string; label: string; count: number }[] };
  /** Referrals rewarded in the period (their referee's first purchase or payment). */
  rewarded: number;
  /** Points credited for referrals in the period, to referrers and referees. */
  pointsPaid: number;
};

/** The funnel of [from, to) over the referrals whose referrer or referee the reader sees. */
export async function referralFunnel(db: DbOrTx, actor: Actor | null, period: { from: Date; to: Date }): Promise<ReferralFunnel> {
  requireAccess(actor, 'loyalty:read');
  const from = period.from.toISOString();
  const to = period.to.toISOString();
  const counts = rowsOf<{ status: ReferralStatus; refused_reason: string | null; n: string }>(
    await db.execute(sql`
      select r.status, r.refused_reason, count(*) as n from loyalty_referrals r
      where r.created_at >= ${from}::timestamptz and r.created_at < ${to}::timestamptz and ${inScope(actor)}
      group by r.status, r.refused_reason`),
  );
  const [paid] = rowsOf<{ rewarded: string; points: string }>(
    await db.execute(sql`
      select (select count(*) from loyalty_referrals r where r.rewarded_at >= ${from}::timestamptz and r.rewarded_at < ${to}::timestamptz and ${inScope(actor)}) as rewarded,
             (select coalesce(sum(e.points), 0) from points_entries e join loyalty_referrals r on r.id::text = e.source_id
              where e.source_kind = 'referral' and e.occurred_at >= ${from}::timestamptz and e.occurred_at < ${to}::timestamptz and ${inScope(actor)}) as points`),
  );
  const refused = counts.filter((c) => c.status === 'refused');
  const byReason = refused
    .map((c) => ({ reason: (c.refused_reason ?? '').replace(/^loyalty\.referral_refused\./, ''), label: refusalText(actor.locale, c.refused_reason) ?? '', count: n(c.n) }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return {
    attributed: counts.filter((c) => c.status !== 'refused').reduce((s, c) => s + n(c.n), 0),
    refused: { total: byReason.reduce((s, c) => s + c.count, 0), byReason },
    rewarded: n(paid?.rewarded),
    pointsPaid: n(paid?.points),
  };
}

/** What the public join page shows of a code's member, or null when the code leads nowhere (unknown, inactive, off). */
export async function joinOffer(db: DbOrTx, code: string): Promise<{ referrer: Referrer; maskedName: string; ownerId: string | null; teamId: string | null; programme: Programme } | null> {
  const referrer = await referrerByCode(db, code);
  if (!referrer || referrer.status !== 'active') return null;
  const programme = await readProgramme(db);
  if (!programme.enabled) return null;
  const party = (await partiesById(db, [referrer.customerId])).get(referrer.customerId);
  if (!party || party.deleted_at) return null;
  return { referrer, maskedName: maskName(party.name), ownerId: party.owner_id, teamId: party.team_id, programme };
}

/** A referee's referral (the join page's answer after the create, and on a repeated submit). */
export async function referralOf(db: DbOrTx, refereeId: string): Promise<{ id: string; referrerId: string; code: string; status: ReferralStatus; refusedReason: string | null } | null> {
  const [row] = rowsOf<{ id: string; referrer_id: string; code: string; status: ReferralStatus; refused_reason: string | null }>(
    await db.execute(sql`select id, referrer_id, code, status, refused_reason from loyalty_referrals where referee_id = ${refereeId}`),
  );
  return row ? { id: row.id, referrerId: row.referrer_id, code: row.code, status: row.status, refusedReason: row.refused_reason } : null;
}
