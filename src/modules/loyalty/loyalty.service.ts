/**
 * 会员与积分 use cases: the programme (read by everyone with loyalty:read, changed by loyalty:manage), members (one
 * member, the member list, enrolment at the desk), the ledger (a member's entries, newest first) and manual
 * adjustments — at once up to the programme's approval limit, above it a request a second person approves
 * (loyalty:manage, not the requester). Which members a user sees is which customers they see (customerAccess).
 */
import { sql, type SQL } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { dayInZone } from '../../platform/time.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { isMessageKey, t, type Locale } from '../../platform/i18n/index.js';
import { recordAudit } from '../audit/index.js';
import { customerAccess, customerInScope } from '../customers/index.js';
import { companyClock } from '../settings/index.js';
import { growthFor } from './growth.js';
import { credit, debit } from './ledger.js';
import type { AdjustmentView, LedgerEntryView, MemberView, Programme, TierChangeView } from './loyalty.contract.js';
import type { AdjustInput, MemberListQuery, LedgerQuery } from './loyalty.types.js';
import { changeTier, ensureMembers } from './members.js';
import { expiryOf, readProgramme, tierOf, tierRank, writeProgramme } from './programme.js';
import { iso, n } from './rows.js';


/** A ledger reason in the reader's language: a `loyalty.reason.*` key with its parameters, or a person's own words. */
export function reasonText(locale: Locale, reason: string, params: Record<string, string | number> | null): string {
  if (!isMessageKey(reason)) return reason;
  const p = { ...(params ?? {}) };
  // Names kept in both languages (a rule's, a reward's) travel as `x` and `xEn`.
  if (locale === 'en') for (const [k, v] of Object.entries(p)) if (k.endsWith('En') && typeof v === 'string' && v) p[k.slice(0, -2)] = v;
  return t(locale, reason, p);
}

export const tierName = (p: Programme, key: string, locale: Locale) => {
  const tier = tierOf(p, key);
  return locale === 'en' && tier.name.en ? tier.name.en : tier.name.zh;
};

// ---- programme ---------------------------------------------------------------------------------------------------

export async function getProgramme(db: DbOrTx, actor: Actor | null): Promise<Programme> {
  requireAccess(actor, 'loyalty:read');
  return readProgramme(db);
}

/** Saves the programme. A tier that members hold cannot be removed (they would have no tier): 409 naming it. */
export async function saveProgramme(db: DbOrTx, actor: Actor | null, programme: Programme): Promise<Programme> {
  requireAccess(actor, 'loyalty:manage');
  const keys = programme.tiers.map((x) => x.key);
  const [held] = rowsOf<{ tier: string }>(await db.execute(sql`select tier from loyalty_members where tier <> all(${`{${keys.join(',')}}`}::text[]) limit 1`));
  if (held) throw AppError.conflict('loyalty.tier_in_use', { tier: held.tier }, 'tiers');
  const before = await readProgramme(db);
  await writeProgramme(db, programme);
  await recordAudit(db, actor, { action: 'loyalty_programme_update', entityType: 'loyalty_programme', changes: { before, after: programme } });
  return programme;
}

// ---- members -----------------------------------------------------------------------------------------------------

type MemberRow = {
  customer_id: string;
  member_no: string;
  name: string;
  tier: string;
  tier_since: Date | string;
  joined_at: Date | string;
  balance: string;
  debt: string;
  referral_code: string;
  referred_by: string | null;
  status: 'active' | 'left';
  links_valid_from: Date | string | null;
  version: number;
};

const memberSelect = sql`
  select m.customer_id, m.member_no, c.name, m.tier, m.tier_since, m.joined_at, m.balance, m.debt, m.referral_code, m.referred_by, m.status, m.links_valid_from, m.version
  from loyalty_members m join customer_directory c on c.id = m.customer_id`;

async function memberView(db: DbOrTx, p: Programme, row: MemberRow, locale: Locale, now: Date): Promise<MemberView> {
  const growth = (await growthFor(db, p, [row.customer_id], now)).get(row.customer_id) ?? 0;
  const next = p.tiers[tierRank(p, row.tier) + 1];
  const soon = rowsOf<{ expires_at: Date | string; points: string }>(
    await db.execute(sql`
      select expires_at, sum(remaining) as points from points_lots
      where customer_id = ${row.customer_id} and remaining > 0 and expires_at > ${now.toISOString()}::timestamptz and expires_at <= ${now.toISOString()}::timestamptz + interval '90 days'
      group by expires_at order by expires_at`),
  );
  return {
    customerId: row.customer_id,
    memberNo: `M${String(row.member_no).padStart(8, '0')}`,
    name: row.name,
    tier: row.tier,
    tierName: tierName(p, row.tier, locale),
    tierSince: iso(row.tier_since),
    joinedAt: iso(row.joined_at),
    balance: n(row.balance),
    debt: n(row.debt),
    growth,
    nextTier: next ? { key: next.key, name: locale === 'en' && next.name.en ? next.name.en : next.name.zh, threshold: next.threshold } : null,
    expiringSoon: soon.map((s) => ({ points: n(s.points), expiresAt: iso(s.expires_at) })),
    referralCode: row.referral_code,
    referredBy: row.referred_by,
    status: row.status,
    linksRevokedAt: row.links_valid_from === null ? null : iso(row.links_valid_from),
    version: row.version,
  };
}

/** One member (404 when the customer is out of scope or not a member). */
export async function getMember(db: DbOrTx, actor: Actor | null, customerId: string, now = new Date()): Promise<MemberView> {
  requireAccess(actor, 'loyalty:read');
  await customerInScope(db, actor, customerId);
  return loadMember(db, customerId, actor.locale, now);
}

/** A member's view without an access check: the member's own page (a signed link) and the services above. */
export async function loadMember(db: DbOrTx, customerId: string, locale: Locale, now = new Date()): Promise<MemberView> {
  const [row] = rowsOf<MemberRow>(await db.execute(sql`${memberSelect} where m.customer_id = ${customerId}`));
  if (!row) throw AppError.notFound('loyalty.member_not_found');
  return memberView(db, await readProgramme(db), row, locale, now);
}

/** Enrols a customer at the desk (a member already: the member as is). */
export async function enrolMember(db: DbOrTx, actor: Actor | null, customerId: string, now = new Date()): Promise<MemberView> {
  requireAccess(actor, 'loyalty:write');
  await customerInScope(db, actor, customerId, { forWrite: true });
  const joined = await ensureMembers(db, [customerId], await readProgramme(db), now, actor.userId);
  if (joined.length) await recordAudit(db, actor, { action: 'loyalty_enrol', entityType: 'customer', entityId: customerId });
  return loadMember(db, customerId, actor.locale, now);
}

export type MemberListItem = Pick<MemberView, 'customerId' | 'memberNo' | 'name' | 'tier' | 'tierName' | 'balance' | 'debt' | 'joinedAt' | 'status'>;

/** The member list: by tier, by name or member number; newest members first (keyset). */
export async function listMembers(db: DbOrTx, actor: Actor | null, q: MemberListQuery): Promise<{ items: MemberListItem[]; nextCursor: string | null }> {
  requireAccess(actor, 'loyalty:read');
  const p = await readProgramme(db);
  const conds: SQL[] = [customerAccess.filter(actor, sql`m.customer_id`)];
  if (q.tier) conds.push(sql`m.tier = ${q.tier}`);
  if (q.q) {
    const digits = q.q.replace(/^M0*/i, '');
    conds.push(/^\d+$/.test(digits) ? sql`(m.member_no = ${Number(digits)} or c.name ilike ${`%${q.q}%`})` : sql`c.name ilike ${`%${q.q}%`}`);
  }
  if (q.cursor) {
    const after = decodeCursor(q.cursor, 'number');
    conds.push(sql`m.member_no < ${Number(after.value)}`);
  }
  const rows = rowsOf<MemberRow>(await db.execute(sql`${memberSelect} where ${sql.join(conds, sql` and `)} order by m.member_no desc limit ${q.limit + 1}`));
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      customerId: r.customer_id,
      memberNo: `M${String(r.member_no).padStart(8, '0')}`,
      name: r.name,
      tier: r.tier,
      tierName: tierName(p, r.tier, actor.locale),
      balance: n(r.balance),
      debt: n(r.debt),
      joinedAt: iso(r.joined_at),
      status: r.status,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(String(last.member_no), last.customer_id) : null,
  };
}

// ---- ledger ------------------------------------------------------------------------------------------------------

type EntryRow = {
  id: string;
  customer_id: string;
  kind: LedgerEntryView['kind'];
  points: string;
  balance_after: string;
  reason: string;
  reason_params: Record<string, string | number> | null;
  source_kind: LedgerEntryView['sourceKind'];
  source_id: string | null;
  expires_at: Date | string | null;
  created_by: string | null;
  created_by_name: string | null;
  occurred_at: Date | string;
  created_at: Date | string;
};

export const entryView = (locale: Locale) => (r: EntryRow): LedgerEntryView => ({
  id: n(r.id),
  customerId: r.customer_id,
  kind: r.kind,
  points: n(r.points),
  balance: n(r.balance_after),
  reason: reasonText(locale, r.reason, r.reason_params),
  sourceKind: r.source_kind,
  sourceId: r.source_id,
  expiresAt: r.expires_at ? iso(r.expires_at) : null,
  createdBy: r.created_by,
  createdByName: r.created_by_name,
  occurredAt: iso(r.occurred_at),
  createdAt: iso(r.created_at),
});

/** A member's entries, newest first (keyset on id). No access check: callers check. */
export async function ledgerOf(db: DbOrTx, customerId: string, q: LedgerQuery, locale: Locale): Promise<{ items: LedgerEntryView[]; nextCursor: string | null }> {
  const after = q.cursor ? Number(decodeCursor(q.cursor, 'number').value) : null;
  const rows = rowsOf<EntryRow>(
    await db.execute(sql`
      select e.*, u.display_name as created_by_name from points_entries e left join user_directory u on u.id = e.created_by
      where e.customer_id = ${customerId} ${q.kind ? sql`and e.kind = ${q.kind}` : sql``} ${after !== null ? sql`and e.id < ${after}` : sql``}
      order by e.id desc limit ${q.limit + 1}`),
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { items: page.map(entryView(locale)), nextCursor: rows.length > q.limit && last ? encodeCursor(String(last.id), last.customer_id) : null };
}

export async function getLedger(db: DbOrTx, actor: Actor | null, customerId: string, q: LedgerQuery) {
  requireAccess(actor, 'loyalty:read');
  await customerInScope(db, actor, customerId);
  return ledgerOf(db, customerId, q, actor.locale);
}

export async function tierHistory(db: DbOrTx, actor: Actor | null, customerId: string): Promise<{ items: TierChangeView[] }> {
  requireAccess(actor, 'loyalty:read');
  await customerInScope(db, actor, customerId);
  const rows = rowsOf<{ id: string; customer_id: string; from_tier: string | null; to_tier: string; reason: TierChangeView['reason']; growth: string; at: Date | string }>(
    await db.execute(sql`select id, customer_id, from_tier, to_tier, reason, growth, at from loyalty_tier_changes where customer_id = ${customerId} order by at desc, id desc limit 100`),
  );
  return { items: rows.map((r) => ({ id: n(r.id), customerId: r.customer_id, fromTier: r.from_tier, toTier: r.to_tier, reason: r.reason, growth: n(r.growth), at: iso(r.at) })) };
}

/** Sets a member's tier by hand (a manager's decision), recorded as a manual tier change. */
export async function setTier(db: DbOrTx, actor: Actor | null, customerId: string, tier: string, now = new Date()): Promise<MemberView> {
  requireAccess(actor, 'loyalty:manage');
  await customerInScope(db, actor, customerId, { forWrite: true });
  const p = await readProgramme(db);
  if (!p.tiers.some((x) => x.key === tier)) throw AppError.field('tier', 'loyalty.tier_unknown', { tier });
  const member = await loadMember(db, customerId, actor.locale, now);
  if (member.tier !== tier) {
    await changeTier(db, [{ customerId, from: member.tier, to: tier, growth: member.growth }], 'manual', now, actor.userId);
    await recordAudit(db, actor, { action: 'loyalty_tier_set', entityType: 'customer', entityId: customerId, changes: { tier: [member.tier, tier] } });
  }
  return loadMember(db, customerId, actor.locale, now);
}

// ---- manual adjustments ------------------------------------------------------------------------------------------

/**
 * A manual adjustment: within the approval limit it is booked at once (loyalty:write); above it a request waits for
 * a second person (loyalty:manage, not the requester). A negative adjustment needs the points (409 otherwise).
 */
export async function adjustPoints(db: DbOrTx, actor: Actor | null, customerId: string, input: AdjustInput, now = new Date()): Promise<AdjustmentView> {
  requireAccess(actor, 'loyalty:write');
  await customerInScope(db, actor, customerId, { forWrite: true });
  const p = await readProgramme(db);
  await loadMember(db, customerId, actor.locale, now);
  const pending = Math.abs(input.points) > p.adjustApprovalLimit;
  const [row] = rowsOf<{ id: string }>(
    await db.execute(sql`insert into loyalty_adjustments (customer_id, points, reason, status, requested_by) values (${customerId}, ${input.points}, ${input.reason}, 'pending', ${actor.userId}) returning id`),
  );
  await recordAudit(db, actor, { action: 'loyalty_adjust_request', entityType: 'customer', entityId: customerId, changes: { points: input.points, reason: input.reason } });
  if (!pending) return bookAdjustment(db, actor, row!.id, p, now);
  return adjustmentById(db, row!.id);
}

/** Approves (books) or rejects a pending adjustment: loyalty:manage, and not the person who asked. */
export async function decideAdjustment(db: DbOrTx, actor: Actor | null, id: string, approve: boolean, now = new Date()): Promise<AdjustmentView> {
  requireAccess(actor, 'loyalty:manage');
  const [row] = rowsOf<{ customer_id: string; status: string; requested_by: string }>(await db.execute(sql`select customer_id, status, requested_by from loyalty_adjustments where id = ${id} for update`));
  if (!row) throw AppError.notFound('loyalty.adjustment_not_found');
  await customerInScope(db, actor, row.customer_id, { forWrite: true });
  if (row.status !== 'pending') throw AppError.conflict('loyalty.adjustment_decided');
  if (row.requested_by === actor.userId) throw AppError.forbidden('loyalty.adjustment_own');
  if (!approve) {
    await db.execute(sql`update loyalty_adjustments set status = 'rejected', decided_by = ${actor.userId}, decided_at = ${now.toISOString()}::timestamptz where id = ${id}`);
    await recordAudit(db, actor, { action: 'loyalty_adjust_reject', entityType: 'customer', entityId: row.customer_id, changes: { adjustmentId: id } });
    return adjustmentById(db, id);
  }
  return bookAdjustment(db, actor, id, await readProgramme(db), now);
}

async function bookAdjustment(db: DbOrTx, actor: Actor, id: string, p: Programme, now: Date): Promise<AdjustmentView> {
  const [a] = rowsOf<{ customer_id: string; points: string; reason: string }>(await db.execute(sql`select customer_id, points, reason from loyalty_adjustments where id = ${id}`));
  const points = n(a!.points);
  const common = { customerId: a!.customer_id, kind: 'adjust' as const, reason: a!.reason, sourceKind: 'manual' as const, sourceId: id, dedupeKey: `adjust:${id}`, createdBy: actor.userId, occurredAt: now };
  const { zone } = await companyClock(db, now);
  const entryId =
    points > 0 ? await credit(db, { ...common, points, expiresAt: expiryOf(p, zone, dayInZone(zone, now)) }, now) : await debit(db, { ...common, points: -points }, now);
  await db.execute(sql`update loyalty_adjustments set status = 'approved', decided_by = ${actor.userId}, decided_at = ${now.toISOString()}::timestamptz, entry_id = ${entryId} where id = ${id}`);
  await recordAudit(db, actor, { action: 'loyalty_adjust', entityType: 'customer', entityId: a!.customer_id, changes: { adjustmentId: id, points } });
  return adjustmentById(db, id);
}

const adjustmentSelect = sql`
  select a.id, a.customer_id, c.name as customer_name, a.points, a.reason, a.status, a.requested_by, r.display_name as requested_by_name, d.display_name as decided_by_name, a.entry_id, a.created_at, a.decided_at
  from loyalty_adjustments a join customer_directory c on c.id = a.customer_id
  left join user_directory r on r.id = a.requested_by left join user_directory d on d.id = a.decided_by`;

type AdjustmentRow = {
  id: string;
  customer_id: string;
  customer_name: string;
  points: string;
  reason: string;
  status: AdjustmentView['status'];
  requested_by: string;
  requested_by_name: string | null;
  decided_by_name: string | null;
  entry_id: string | null;
  created_at: Date | string;
  decided_at: Date | string | null;
};

const adjustmentView = (r: AdjustmentRow): AdjustmentView => ({
  id: r.id,
  customerId: r.customer_id,
  customerName: r.customer_name,
  points: n(r.points),
  reason: r.reason,
  status: r.status,
  requestedBy: r.requested_by,
  requestedByName: r.requested_by_name,
  decidedByName: r.decided_by_name,
  entryId: r.entry_id === null ? null : n(r.entry_id),
  createdAt: iso(r.created_at),
  decidedAt: r.decided_at ? iso(r.decided_at) : null,
});

async function adjustmentById(db: DbOrTx, id: string): Promise<AdjustmentView> {
  const [row] = rowsOf<AdjustmentRow>(await db.execute(sql`${adjustmentSelect} where a.id = ${id}`));
  return adjustmentView(row!);
}

/** Adjustments waiting for approval (or all of a status), oldest first, within the user's scope. */
export async function listAdjustments(db: DbOrTx, actor: Actor | null, status: AdjustmentView['status']): Promise<{ items: AdjustmentView[] }> {
  requireAccess(actor, 'loyalty:read');
  const rows = rowsOf<AdjustmentRow>(await db.execute(sql`${adjustmentSelect} where a.status = ${status} and ${customerAccess.filter(actor, sql`a.customer_id`)} order by a.created_at limit 200`));
  return { items: rows.map(adjustmentView) };
}
