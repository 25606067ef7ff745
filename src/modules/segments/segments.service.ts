/**
 * Use cases of segments (客户细分): CRUD with versions and the trash, the builder's preview and field list, members and
 * daily counts, and static lists kept by hand. Membership is computed over every customer (segments.refresh.ts);
 * whatever a user is shown — counts, samples, members, history — is under the user's data scope (customerAccess).
 */
import { sql } from 'drizzle-orm';
import { reachesAll } from '../../platform/auth/access.js';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { isUniqueViolation, rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { recordAudit } from '../audit/index.js';
import { userDirectory } from '../accounts/index.js';
import { customerAccess, customerFields } from '../customers/index.js';
import { listSegmentFields, loadFieldContext, segmentField } from './fields.js';
import { referencedSegments } from './compile.js';
import type { Rule } from './rule.js';
import type {
  SegmentAddReport,
  SegmentFieldItem,
  SegmentFieldList,
  SegmentHistory,
  SegmentListItem,
  SegmentMemberPage,
  SegmentPage,
  SegmentPreview,
  SegmentRemoveReport,
  SegmentView,
} from './segments.contract.js';
import { SEGMENT_LIMITS } from './segments.contract.js';
import * as repo from './segments.repository.js';
import type { SegmentWithNames } from './segments.repository.js';
import { latestRefresh } from './segments.refresh.js';
import { checkSegmentRule, countSource, redactHiddenRule, refuseHiddenRuleFields, segmentFieldVisible, type CountSource } from './segments.rules.js';
import { companyClock } from '../settings/index.js';
import type { CreateSegmentInput, MemberListQuery, SegmentListQuery, UpdateSegmentInput } from './segments.types.js';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function toListItem(r: SegmentWithNames): SegmentListItem {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    kind: r.kind,
    memberCount: r.memberCount,
    refreshedAt: iso(r.refreshedAt),
    owner: r.ownerId ? { id: r.ownerId, name: r.ownerName ?? '' } : null,
    version: r.version,
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
    deletedAt: iso(r.deletedAt),
  };
}

/** The scope condition over `c` for counts, or null when the actor sees every customer (stored counts are then exact). */
const scopedCount = (actor: Actor) => (reachesAll(actor) ? null : customerAccess.where(actor, 'c'));

/**
 * Field grants (issue #18): a segment is readable by every reader (shared), members and counts included — membership
 * tells no field's value by itself — but its rule's conditions on fields the reader's role does not see are shown as
 * 「（无权查看的条件）」, without field, operator or value (redactHiddenRule).
 */
async function shownRule(db: DbOrTx, actor: Actor, rule: Rule | null): Promise<SegmentView['rule']> {
  if (!rule) return rule;
  // No grants set (every field visible): nothing to read for the redaction.
  if (!actor.fieldGrants) return rule;
  return redactHiddenRule(actor, rule, await loadFieldContext(db));
}

async function view(db: DbOrTx, actor: Actor, r: SegmentWithNames): Promise<SegmentView> {
  const scope = scopedCount(actor);
  const memberCount = scope ? await repo.scopedMemberCount(db, r.id, scope) : r.memberCount;
  return {
    ...toListItem(r),
    memberCount,
    rule: await shownRule(db, actor, r.rule as Rule | null),
    createdBy: r.createdBy ? { id: r.createdBy, name: r.createdByName ?? '' } : null,
    lastRefresh: r.kind === 'dynamic' ? await latestRefresh(db, r.id) : null,
  };
}

async function load(db: DbOrTx, id: string, opts: { lock?: boolean; live?: boolean } = {}): Promise<SegmentWithNames> {
  const row = await repo.findSegment(db, id, opts);
  if (!row) throw AppError.notFound('segments.not_found');
  if (opts.live && row.deletedAt) throw AppError.conflict('segments.deleted');
  return row;
}

async function checkOwner(db: DbOrTx, ownerId: string | null | undefined): Promise<void> {
  if (!ownerId) return;
  const rows = rowsOf<{ id: string }>(await db.execute(sql`select id from ${userDirectory} where id = ${ownerId}`));
  if (!rows.length) throw AppError.field('ownerId', 'segments.owner_unknown', { field: 'ownerId' });
}

const nameConflict = (name: string) => AppError.conflict('segments.name_taken', { value: name }, 'name');

// ---- CRUD ---------------------------------------------------------------------------------------------------------

export async function listSegments(db: DbOrTx, actor: Actor | null, q: SegmentListQuery): Promise<SegmentPage> {
  requireAccess(actor, 'segment:read');
  const after = q.cursor ? decodeCursor(q.cursor, 'timestamp') : undefined;
  const rows = await repo.listSegments(db, { kind: q.kind, deleted: q.deleted, after, limit: q.limit + 1, scopedCount: scopedCount(actor) });
  const shown = rows.slice(0, q.limit);
  const last = shown[shown.length - 1];
  return { items: shown.map(toListItem), nextCursor: rows.length > q.limit && last ? encodeCursor(last.sortValue, last.id) : null };
}

export async function getSegment(db: DbOrTx, actor: Actor | null, id: string): Promise<SegmentView> {
  requireAccess(actor, 'segment:read');
  return view(db, actor, await load(db, id));
}

export async function createSegment(db: DbOrTx, actor: Actor | null, input: CreateSegmentInput): Promise<SegmentView> {
  requireAccess(actor, 'segment:manage');
  // Field grants (issue #18): no rule over a field the role does not see.
  if (input.rule) refuseHiddenRuleFields(actor, input.rule, await checkSegmentRule(db, input.rule, actor.locale));
  await checkOwner(db, input.ownerId);
  if (await repo.nameTaken(db, input.name)) throw nameConflict(input.name);
  let id: string;
  try {
    id = await repo.insertSegment(db, {
      name: input.name,
      description: input.description ?? null,
      kind: input.kind,
      rule: input.kind === 'dynamic' ? (input.rule ?? null) : null,
      ownerId: input.ownerId === undefined ? actor.userId : input.ownerId,
      createdBy: actor.userId,
    });
  } catch (err) {
    if (isUniqueViolation(err, 'segments_name_live_unique')) throw nameConflict(input.name);
    throw err;
  }
  await recordAudit(db, actor, { action: 'create', entityType: 'segment', entityId: id, changes: { name: input.name, kind: input.kind, rule: input.rule ?? null } });
  return view(db, actor, await load(db, id));
}

export async function updateSegment(db: DbOrTx, actor: Actor | null, id: string, input: UpdateSegmentInput): Promise<SegmentView> {
  requireAccess(actor, 'segment:manage');
  const row = await load(db, id, { lock: true, live: true });
  if (input.version !== row.version) throw AppError.conflict('segments.stale', { current: row.version, given: input.version }, 'version');
  if (input.rule !== undefined) {
    if (row.kind === 'static') throw AppError.field('rule', 'segments.static_has_no_rule');
    refuseHiddenRuleFields(actor, input.rule, await checkSegmentRule(db, input.rule, actor.locale, id));
  }
  if (input.ownerId !== undefined) await checkOwner(db, input.ownerId);
  const name = input.name ?? row.name;
  if (name !== row.name && (await repo.nameTaken(db, name, id))) throw nameConflict(name);
  const values = {
    name,
    description: input.description === undefined ? row.description : input.description,
    rule: input.rule ?? row.rule,
    ownerId: input.ownerId === undefined ? row.ownerId : input.ownerId,
  };
  try {
    await repo.updateSegment(db, id, values);
  } catch (err) {
    if (isUniqueViolation(err, 'segments_name_live_unique')) throw nameConflict(name);
    throw err;
  }
  const changes: Record<string, [unknown, unknown]> = {};
  for (const k of ['name', 'description', 'rule', 'ownerId'] as const) {
    if (JSON.stringify(row[k]) !== JSON.stringify(values[k])) changes[k] = [row[k], values[k]];
  }
  await recordAudit(db, actor, { action: 'update', entityType: 'segment', entityId: id, changes });
  return view(db, actor, await load(db, id));
}

/** Live segments whose rule refers to this one (a segment in use is not deleted). */
async function referrers(db: DbOrTx, id: string): Promise<string[]> {
  return (await repo.liveSegments(db)).filter((s) => s.id !== id && s.rule && referencedSegments(s.rule).includes(id)).map((s) => s.name);
}

export async function deleteSegment(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'segment:manage');
  const row = await load(db, id, { lock: true, live: true });
  const users = await referrers(db, id);
  if (users.length) throw AppError.conflict('segments.in_use', { names: users.join('、') });
  await db.execute(sql`update segments set deleted_at = now(), updated_at = now(), version = version + 1 where id = ${id}`);
  await recordAudit(db, actor, { action: 'delete', entityType: 'segment', entityId: id, changes: { name: row.name } });
}

export async function restoreSegment(db: DbOrTx, actor: Actor | null, id: string): Promise<SegmentView> {
  requireAccess(actor, 'segment:manage');
  const row = await load(db, id, { lock: true });
  if (!row.deletedAt) throw AppError.conflict('segments.not_deleted');
  if (await repo.nameTaken(db, row.name, id)) throw nameConflict(row.name);
  await db.execute(sql`update segments set deleted_at = null, updated_at = now(), version = version + 1 where id = ${id}`);
  await recordAudit(db, actor, { action: 'restore', entityType: 'segment', entityId: id, changes: { name: row.name } });
  return view(db, actor, await load(db, id));
}

// ---- the builder --------------------------------------------------------------------------------------------------

/** The live count and a sample of the customers a rule selects, among those the actor sees. */
export async function previewRule(db: Db, actor: Actor | null, rule: Rule): Promise<SegmentPreview> {
  const { count, sample } = await previewRuleFrom(db, actor, rule);
  return { count, sample };
}

/**
 * The preview and where its count read (the facts read model when it can answer the rule, segments.facts.ts; else
 * the live SQL, and why); `facts: false` forces the live SQL (the benchmark compares the two).
 */
export async function previewRuleFrom(db: Db, actor: Actor | null, rule: Rule, opts: { facts?: boolean; now?: Date } = {}): Promise<SegmentPreview & { from: CountSource }> {
  requireAccess(actor, 'segment:read');
  const fieldCtx = await checkSegmentRule(db, rule, actor.locale);
  // Field grants (issue #18): a count over a hidden field would tell its values, one preview at a time.
  refuseHiddenRuleFields(actor, rule, fieldCtx);
  const from = await countSource(db, rule, opts.now ?? new Date(), fieldCtx, opts);
  const res = await repo.preview(db, from.condition, customerAccess.where(actor, 'c'), SEGMENT_LIMITS.sample, from.source);
  return { ...res, sample: res.sample.map((r) => ({ ...r, ...placeOf(actor, r) })), from };
}

export async function segmentFields(db: DbOrTx, actor: Actor | null): Promise<SegmentFieldList> {
  requireAccess(actor, 'segment:read');
  const fieldCtx = await loadFieldContext(db);
  // Field grants (issue #18): the builder offers only the fields the role sees (the others are refused in a rule).
  const fields = listSegmentFields(actor.locale, fieldCtx).filter((f) => segmentFieldVisible(actor, segmentField(f.key, fieldCtx)));
  // Mapped field by field: the registry's view may grow, the API answers what its contract documents.
  const items = fields.map(
    (f): SegmentFieldItem => ({
      key: f.key,
      group: f.group,
      type: f.type,
      ops: [...f.ops],
      opLabels: Object.fromEntries(Object.entries(f.opLabels).filter((e): e is [string, string] => typeof e[1] === 'string')),
      label: f.label,
      ...(f.options ? { options: f.options } : {}),
      ...(f.optionsSource ? { optionsSource: f.optionsSource } : {}),
      ...(f.params
        ? {
            params: f.params.map((p) => ({
              name: p.name,
              kind: p.kind,
              required: p.required,
              ...(p.default !== undefined ? { default: p.default } : {}),
              ...(p.options ? { options: p.options } : {}),
              ...(p.optionsSource ? { optionsSource: p.optionsSource } : {}),
            })),
          }
        : {}),
    }),
  );
  return { items };
}

// ---- members and history ------------------------------------------------------------------------------------------

/** A member's city and compound as the actor may see them (field grants: `address`). */
function placeOf(actor: Actor, r: { city: string | null; compound: string | null }): { city: string | null; compound: string | null } {
  return customerFields(actor).visible('address') ? { city: r.city, compound: r.compound } : { city: null, compound: null };
}

export async function listMembers(db: DbOrTx, actor: Actor | null, id: string, q: MemberListQuery): Promise<SegmentMemberPage> {
  requireAccess(actor, 'segment:read');
  await load(db, id);
  const after = q.cursor ? decodeCursor(q.cursor, 'text').id : undefined;
  const { rows, total } = await repo.memberPage(db, id, customerAccess.where(actor, 'c'), { after, limit: q.limit + 1 });
  const shown = rows.slice(0, q.limit);
  const last = shown[shown.length - 1];
  return {
    // Field grants (issue #18): no city or compound for a role that does not see addresses.
    items: shown.map((r) => ({ id: r.id, name: r.name, ...placeOf(actor, r), enteredAt: iso(r.enteredAt)! })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.id, last.id) : null,
    total,
  };
}

export async function segmentHistory(db: DbOrTx, actor: Actor | null, id: string, days: number): Promise<SegmentHistory> {
  requireAccess(actor, 'segment:read');
  await load(db, id);
  const { today } = await companyClock(db);
  const since = new Date(Date.parse(`${today}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const scope = scopedCount(actor);
  return { items: await repo.history(db, id, since, scope) };
}

// ---- static lists -------------------------------------------------------------------------------------------------

async function loadStatic(db: DbOrTx, id: string): Promise<SegmentWithNames> {
  const row = await load(db, id, { lock: true, live: true });
  if (row.kind !== 'static') throw AppError.conflict('segments.not_static');
  return row;
}

/** Stores the list's new count (and today's point); answers the count the actor may see. */
async function countAfterChange(db: DbOrTx, actor: Actor, id: string): Promise<number> {
  const all = await repo.recount(db, id, (await companyClock(db)).today);
  const scope = scopedCount(actor);
  return scope ? repo.scopedMemberCount(db, id, scope) : all;
}

const distinct = (ids: string[]) => [...new Set(ids.map((i) => i.toLowerCase()))];

/** Adds customers to a static list; ids unknown, deleted or outside the actor's scope are reported, not told apart. */
export async function addMembers(db: DbOrTx, actor: Actor | null, id: string, customerIds: string[]): Promise<SegmentAddReport> {
  requireAccess(actor, 'segment:manage');
  await loadStatic(db, id);
  const ids = distinct(customerIds);
  const reachable = await repo.reachableCustomers(db, ids, customerAccess.where(actor, 'c'));
  const added = await repo.addMembers(db, id, ids.filter((i) => reachable.has(i)));
  const memberCount = await countAfterChange(db, actor, id);
  if (added.length) await recordAudit(db, actor, { action: 'segment.add', entityType: 'segment', entityId: id, changes: { added: added.length } });
  return { added: added.length, alreadyMembers: reachable.size - added.length, notFound: ids.filter((i) => !reachable.has(i)), memberCount };
}

/** Removes customers from a static list; ids that are not current members the actor sees are reported. */
export async function removeMembers(db: DbOrTx, actor: Actor | null, id: string, customerIds: string[]): Promise<SegmentRemoveReport> {
  requireAccess(actor, 'segment:manage');
  await loadStatic(db, id);
  const ids = distinct(customerIds);
  const reachable = await repo.reachableCustomers(db, ids, customerAccess.where(actor, 'c'));
  const removed = new Set(await repo.removeMembers(db, id, ids.filter((i) => reachable.has(i))));
  const memberCount = await countAfterChange(db, actor, id);
  if (removed.size) await recordAudit(db, actor, { action: 'segment.remove', entityType: 'segment', entityId: id, changes: { removed: removed.size } });
  return { removed: removed.size, notMembers: ids.filter((i) => !removed.has(i)), memberCount };
}
