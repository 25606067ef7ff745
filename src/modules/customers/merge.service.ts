import { customGrantKey } from '../../platform/auth/field-access.js';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { recordAudit } from '../audit/index.js';
import { consentChanges, recordConsent } from './consent.js';
import { ADDRESS_KEYS, type CustomerView } from './customers.contract.js';
import * as customersRepo from './customers.repository.js';
import type { CustomerInsert, CustomerRow, CustomerWithOwner } from './customers.repository.js';
import { customerAccess } from './access.js';
import { diff } from './customers.service.js';
import { phoneDigitsOf, searchTextOf, toCustomerView } from './customers.views.js';
import { MERGE_FIELDS, type DuplicatePair, type MergeChoice, type MergeField, type MergeView } from './merge.contract.js';
import { customerFields, GRANT_OF, refuseFieldChanges } from './field-access.js';
import { erasedCustomers } from './erased.hooks.js';
import { mergeHook, mergeHooks } from './merge.hooks.js';
import * as repo from './merge.repository.js';
import type { DuplicatesQuery, MergeInput, MergesQuery } from './merge.types.js';

/** The merge record's keys for the customers module's own rows (hooks of other modules may not use them). */
export const CONTACTS = 'contacts';
const DEMOTED = 'contacts.primary';

/** The columns each choosable field stands for. */
const COLUMNS: Record<MergeField, (keyof CustomerRow)[]> = {
  kind: ['kind'],
  name: ['name'],
  email: ['email'],
  gender: ['gender'],
  birthday: ['birthday'],
  lunarBirthday: ['lunarBirthday'],
  idNumber: ['idType', 'idNumber'],
  address: [...ADDRESS_KEYS],
  preferences: ['preferences'],
  source: ['source'],
  stage: ['stage'],
  owner: ['ownerId', 'teamId'],
  consent: ['consent'],
  notes: ['notes'],
  externalId: ['externalId'],
};

/** What undo puts back on the survivor: every value a merge can change. */
const RESTORED: (keyof CustomerRow)[] = [...new Set([...Object.values(COLUMNS).flat(), 'phones', 'tags', 'searchText', 'phoneDigits'] as (keyof CustomerRow)[])];

/** The most phones and tags a customer takes through the API (see customers.types.ts). */
const MAX_PHONES = 10;
const MAX_TAGS = 50;

const isBlank = (v: unknown) =>
  v === null || v === undefined || v === '' || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);
const fieldBlank = (row: CustomerRow, f: MergeField) => COLUMNS[f].every((c) => isBlank(row[c]));
const union = (first: readonly string[], second: readonly string[]) => [...new Set([...first, ...second])];

const notFound = (field: string) => new AppError('not_found', 'customers.not_found', {}, [{ field, key: 'customers.not_found' }]);

function requireMergeAccess(actor: Actor | null): asserts actor is Actor {
  requireAccess(actor, 'customer:write');
  requireAccess(actor, 'customer:delete');
}

/** A live customer within the actor's scope, or 404 naming the request field it came from. */
async function liveInScope(db: DbOrTx, actor: Actor, id: string, field: string): Promise<CustomerWithOwner> {
  const row = await customersRepo.findCustomer(db, id, customerAccess.scope(actor));
  if (!row || row.deletedAt) throw notFound(field);
  return row;
}

/** A row as JSON (timestamps as ISO text), without the joined owner name: what a merge record keeps. */
function snapshot(row: CustomerWithOwner): Record<string, unknown> {
  const { ownerName: _ownerName, ...rest } = row;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}

// ---- finding duplicates -----------------------------------------------------------------------------------------

function decodePairCursor(cursor: string): { a: string; b: string } {
  const { value, id } = decodeCursor(cursor, 'text');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
    throw AppError.field('cursor', 'validation.invalid_format', { field: 'cursor' });
  }
  return { a: value, b: id };
}

/** Candidate duplicate pairs among the live customers the actor reaches, with the reasons; personal data masked. */
export async function listDuplicates(
  db: DbOrTx,
  actor: Actor | null,
  q: DuplicatesQuery,
): Promise<{ items: DuplicatePair<CustomerView>[]; nextCursor: string | null }> {
  requireAccess(actor, 'customer:read');
  const rows = await repo.findDuplicatePairs(db, customerAccess.scope(actor), {
    after: q.cursor ? decodePairCursor(q.cursor) : undefined,
    limit: q.limit + 1,
    reason: q.reason,
  });
  const page = rows.slice(0, q.limit);
  const byId = new Map((await repo.customersByIds(db, [...new Set(page.flatMap((r) => [r.aId, r.bId]))])).map((c) => [c.id, c]));
  const last = page[page.length - 1];
  return {
    items: page
      .filter((r) => byId.has(r.aId) && byId.has(r.bId))
      .map((r) => ({ a: toCustomerView(byId.get(r.aId)!, actor), b: toCustomerView(byId.get(r.bId)!, actor), reasons: r.reasons })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.aId, last.bId) : null,
  };
}

/** Records that two customers are not duplicates: the finder stops offering the pair. Audited on both. */
export async function dismissDuplicate(db: DbOrTx, actor: Actor | null, input: { customerId: string; otherId: string }): Promise<void> {
  requireMergeAccess(actor);
  const one = await liveInScope(db, actor, input.customerId, 'customerId');
  const other = await liveInScope(db, actor, input.otherId, 'otherId');
  const [first, second] = one.id < other.id ? [one, other] : [other, one];
  if (!(await repo.insertDismissal(db, first.id, second.id, actor.userId))) return;
  await recordAudit(db, actor, [
    { action: 'duplicate_dismiss', entityType: 'customer', entityId: first.id, changes: { otherId: second.id, otherName: second.name } },
    { action: 'duplicate_dismiss', entityType: 'customer', entityId: second.id, changes: { otherId: first.id, otherName: first.name } },
  ]);
}

// ---- merging ----------------------------------------------------------------------------------------------------

function movedCounts(moved: Record<string, string[]>): Record<string, number> {
  return Object.fromEntries(Object.entries(moved).filter(([k]) => k !== DEMOTED).map(([k, ids]) => [k, ids.length]));
}

function toMergeView(m: repo.MergeWithNames): MergeView {
  return {
    id: m.id,
    survivorId: m.survivorId,
    survivorName: m.survivorName,
    mergedId: m.mergedId,
    mergedName: m.mergedName,
    choices: m.choices,
    moved: movedCounts(m.moved),
    mergedAt: m.createdAt.toISOString(),
    mergedByName: m.mergedByName,
    undoneAt: m.undoneAt?.toISOString() ?? null,
    undoneByName: m.undoneByName,
    undoable: !m.undoneAt && !m.survivorDeleted && m.survivorCurrentVersion === m.survivorVersion,
  };
}

/** The request field a merge's column belongs to (`values.address` for `city`), for a refusal's message. */
function mergePath(column: string): string {
  if (column === 'phones' || column === 'tags') return column;
  const field = (Object.keys(COLUMNS) as MergeField[]).find((f) => COLUMNS[f].includes(column as keyof CustomerRow));
  return `values.${field ?? column}`;
}

/**
 * Merges a duplicate into the survivor, in the caller's transaction: the survivor takes the chosen values (and both
 * customers' phones and tags), the duplicate is soft-deleted and marked as merged into the survivor, its contacts and
 * every registered module's rows move to the survivor. A merge record keeps both customers as they were and the ids
 * moved, for undo. Audited on both customers.
 */
export async function mergeCustomers(db: DbOrTx, actor: Actor | null, input: MergeInput): Promise<{ merge: MergeView; survivor: CustomerView }> {
  requireMergeAccess(actor);
  const survivor = await liveInScope(db, actor, input.survivorId, 'survivorId');
  const merged = await liveInScope(db, actor, input.mergedId, 'mergedId');
  if (survivor.version !== input.survivorVersion) {
    throw AppError.conflict('customers.stale', { current: survivor.version, given: input.survivorVersion }, 'survivorVersion');
  }
  if (merged.version !== input.mergedVersion) {
    throw AppError.conflict('customers.stale', { current: merged.version, given: input.mergedVersion }, 'mergedVersion');
  }

  const choices = {} as Record<MergeField, MergeChoice>;
  const values: Partial<CustomerInsert> = {};
  for (const f of MERGE_FIELDS) {
    // A field the caller may not change keeps the survivor's value unless asked otherwise (and asking is refused below).
    const grant = GRANT_OF[f];
    const editable = !grant || customerFields(actor).level(grant) === 'edit';
    choices[f] = input.values[f] ?? (editable && fieldBlank(survivor, f) && !fieldBlank(merged, f) ? 'merged' : 'survivor');
    if (choices[f] === 'merged') for (const c of COLUMNS[f]) (values as Record<string, unknown>)[c] = merged[c];
  }
  values.phones = union(survivor.phones, merged.phones);
  values.tags = union(survivor.tags, merged.tags);
  // Custom field values: the survivor's, and the duplicate's for the fields the survivor has no value for.
  const custom = (row: object) => (row as { custom?: Record<string, unknown> }).custom;
  // (Only the fields the caller may change take the duplicate's value.)
  const takes = ([k]: [string, unknown]) => customerFields(actor).level(customGrantKey(k)) === 'edit';
  if (custom(survivor) !== undefined) (values as Record<string, unknown>).custom = { ...Object.fromEntries(Object.entries(custom(merged) ?? {}).filter(takes)), ...custom(survivor) };
  if (values.phones.length > MAX_PHONES) throw AppError.field('phones', 'validation.too_many', { field: 'phones', max: MAX_PHONES });
  if (values.tags.length > MAX_TAGS) throw AppError.field('tags', 'validation.too_many', { field: 'tags', max: MAX_TAGS });
  refuseFieldChanges(actor, survivor, values, mergePath);
  const next = { ...survivor, ...values };
  values.searchText = searchTextOf(next);
  values.phoneDigits = phoneDigitsOf(next.phones);

  // The duplicate first: an external id the survivor takes over must leave it before (external ids are unique).
  const takesExternalId = choices.externalId === 'merged' && merged.externalId !== null && merged.externalId !== survivor.externalId;
  const mergedAfter = await customersRepo.updateCustomerIfVersion(db, merged.id, merged.version, {
    deletedAt: new Date(),
    mergedIntoId: survivor.id,
    ...(takesExternalId ? { externalId: null } : {}),
  });
  if (!mergedAfter) throw AppError.conflict('customers.stale', { current: merged.version + 1, given: merged.version }, 'mergedVersion');
  const after = await customersRepo.updateCustomerIfVersion(db, survivor.id, survivor.version, values);
  if (!after) throw AppError.conflict('customers.stale', { current: survivor.version + 1, given: survivor.version }, 'survivorVersion');
  // The survivor took the duplicate's consent (a choice): the consent ledger hears it (issue #18).
  await recordConsent(db, actor, [{ customerId: survivor.id, source: 'merge', ref: merged.id, changes: consentChanges(survivor.consent, after.consent) }]);

  const contacts = await repo.moveContacts(db, merged.id, survivor.id);
  const moved: Record<string, string[]> = { [CONTACTS]: contacts.moved, [DEMOTED]: contacts.demoted };
  for (const hook of mergeHooks()) moved[hook.key] = await hook.move(db, merged.id, survivor.id);

  const record = await repo.insertMerge(db, {
    survivorId: survivor.id,
    mergedId: merged.id,
    survivorBefore: snapshot(survivor),
    mergedBefore: snapshot(merged),
    survivorVersion: after.version,
    choices,
    moved,
    mergedBy: actor.userId,
    mergedByName: actor.displayName,
  });
  const counts = movedCounts(moved);
  await recordAudit(db, actor, [
    {
      action: 'merge',
      entityType: 'customer',
      entityId: survivor.id,
      changes: {
        mergeId: record.id,
        mergedId: merged.id,
        mergedName: merged.name,
        fields: diff(survivor as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>),
        moved: counts,
      },
    },
    {
      action: 'merged_into',
      entityType: 'customer',
      entityId: merged.id,
      changes: { mergeId: record.id, survivorId: survivor.id, survivorName: after.name, moved: counts },
    },
  ]);
  const ownerName = after.ownerId === survivor.ownerId ? survivor.ownerName : after.ownerId === merged.ownerId ? merged.ownerName : null;
  return {
    merge: toMergeView({
      ...record,
      survivorName: after.name,
      mergedName: merged.name,
      survivorCurrentVersion: after.version,
      survivorDeleted: false,
    }),
    survivor: toCustomerView({ ...after, ownerName }, actor),
  };
}

/** A merge both of whose customers the actor reaches (before and now), or 404. */
async function loadMerge(db: DbOrTx, actor: Actor, id: string): Promise<repo.MergeWithNames> {
  const m = await repo.findMerge(db, id, customerAccess.scope(actor));
  const reachesBefore = (snap: Record<string, unknown>) => customerAccess.reaches(actor, { ownerId: (snap.ownerId as string | null) ?? null, teamId: (snap.teamId as string | null) ?? null });
  if (!m || !reachesBefore(m.survivorBefore) || !reachesBefore(m.mergedBefore)) throw AppError.notFound('merge.not_found');
  return m;
}

/**
 * Undoes a merge, once: the survivor gets back the values it had, the duplicate is restored (no longer deleted or
 * marked), and every moved row goes back by id. Refused (409) when the survivor changed since the merge.
 */
export async function undoMerge(
  db: DbOrTx,
  actor: Actor | null,
  id: string,
): Promise<{ merge: MergeView; survivor: CustomerView; merged: CustomerView }> {
  requireMergeAccess(actor);
  const m = await loadMerge(db, actor, id);
  if (m.undoneAt) throw AppError.conflict('merge.already_undone');
  // Either record erased (PIPL, issue #18): the undo would bring back an erased person's record.
  if ((await erasedCustomers(db, [m.survivorId, m.mergedId])).size) throw AppError.conflict('merge.undo_erased', {}, 'id');
  const scope = customerAccess.scope(actor);
  const survivor = await customersRepo.findCustomer(db, m.survivorId, scope);
  const merged = await customersRepo.findCustomer(db, m.mergedId, scope);
  if (!survivor || survivor.deletedAt || survivor.version !== m.survivorVersion) {
    throw AppError.conflict('merge.survivor_changed', { name: survivor?.name ?? m.survivorName });
  }
  if (!merged || !merged.deletedAt || merged.mergedIntoId !== survivor.id) throw AppError.conflict('merge.merged_changed', { name: m.mergedName });

  const restore = Object.fromEntries(RESTORED.map((c) => [c, m.survivorBefore[c] ?? null])) as Partial<CustomerInsert>;
  if ('custom' in m.survivorBefore) (restore as Record<string, unknown>).custom = m.survivorBefore.custom;
  refuseFieldChanges(actor, survivor, restore, (column) => (GRANT_OF[column] === 'idNumber' ? 'idNumber' : mergePath(column)));
  const survivorAfter = await customersRepo.updateCustomerIfVersion(db, survivor.id, survivor.version, restore);
  if (!survivorAfter) throw AppError.conflict('merge.survivor_changed', { name: survivor.name });
  await recordConsent(db, actor, [{ customerId: survivor.id, source: 'merge', ref: m.id, changes: consentChanges(survivor.consent, survivorAfter.consent) }]);
  const mergedAfter = await customersRepo.updateCustomerIfVersion(db, merged.id, merged.version, {
    deletedAt: null,
    mergedIntoId: null,
    externalId: (m.mergedBefore.externalId as string | null | undefined) ?? null,
  });
  if (!mergedAfter) throw AppError.conflict('merge.merged_changed', { name: merged.name });

  for (const key of Object.keys(m.moved)) {
    const ids = m.moved[key] ?? [];
    if (key === DEMOTED) continue;
    if (key === CONTACTS) {
      await repo.moveContactsBack(db, ids, m.moved[DEMOTED] ?? [], survivor.id, merged.id);
      continue;
    }
    const hook = mergeHook(key);
    if (!hook) throw new Error(`merge ${id}: no merge hook "${key}" is registered to move its rows back`);
    if (ids.length) await hook.moveBack(db, ids, survivor.id, merged.id);
  }
  if (!(await repo.markUndone(db, m.id, { userId: actor.userId, name: actor.displayName }))) throw AppError.conflict('merge.already_undone');

  await recordAudit(db, actor, [
    {
      action: 'merge_undo',
      entityType: 'customer',
      entityId: survivor.id,
      changes: {
        mergeId: m.id,
        mergedId: merged.id,
        mergedName: mergedAfter.name,
        fields: diff(survivor as unknown as Record<string, unknown>, survivorAfter as unknown as Record<string, unknown>),
        moved: movedCounts(m.moved),
      },
    },
    {
      action: 'merge_undo',
      entityType: 'customer',
      entityId: merged.id,
      changes: { mergeId: m.id, survivorId: survivor.id, survivorName: survivorAfter.name, moved: movedCounts(m.moved) },
    },
  ]);
  const ownerName = async (row: CustomerRow) => (await repo.customersByIds(db, [row.id]))[0]?.ownerName ?? null;
  const undone = await repo.findMerge(db, m.id, { kind: 'all' });
  return {
    merge: toMergeView(undone!),
    survivor: toCustomerView({ ...survivorAfter, ownerName: await ownerName(survivorAfter) }, actor),
    merged: toCustomerView({ ...mergedAfter, ownerName: await ownerName(mergedAfter) }, actor),
  };
}

// ---- reading merges ---------------------------------------------------------------------------------------------

export async function getMerge(db: DbOrTx, actor: Actor | null, id: string): Promise<MergeView> {
  requireAccess(actor, 'customer:read');
  return toMergeView(await loadMerge(db, actor, id));
}

/** Merges of customers the actor reaches, newest first. */
export async function listMerges(db: DbOrTx, actor: Actor | null, q: MergesQuery): Promise<{ items: MergeView[]; nextCursor: string | null }> {
  requireAccess(actor, 'customer:read');
  const rows = await repo.listMerges(db, customerAccess.scope(actor), {
    after: q.cursor ? decodeCursor(q.cursor, 'timestamp') : undefined,
    limit: q.limit + 1,
    customerId: q.customerId,
  });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toMergeView),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.sortValue, last.id) : null,
  };
}
