import { can, requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { displayPhone, maskPhone, normalizePhone } from '../../platform/phone.js';
import { findTeam, findUserById } from '../accounts/index.js';
import { entityHistory, recordAudit, type AuditView } from '../audit/index.js';
import { parseCustomFilter, validatedCustomValues } from '../fields/index.js';
import { CUSTOMER_LIST_FILTER_PARAMS, requireListFilterAccess } from './list-filters.js';
import * as repo from './customers.repository.js';
import { listTags as listTagRows } from './tags.repository.js';
import type { CustomerInsert, CustomerWithOwner } from './customers.repository.js';
import type { CreateCustomerInput, ListQuery, UpdateCustomerInput } from './customers.types.js';
import { ADDRESS_KEYS, type CustomerView } from './customers.contract.js';
import { NO_CONSENT, phoneDigitsOf, searchTextOf, toCustomerView } from './customers.views.js';
import { maskIdNumber } from './id-number.js';
import { customerAccess } from './access.js';
import { customersCreated, refuseBadReferralCode } from './created.hooks.js';
import { erasedCustomers } from './erased.hooks.js';
import { consentChanges, recordConsent } from './consent.js';
import { customerFields, refuseFieldWrites, requireFieldVisible, visibleHistory } from './field-access.js';

// ---- data scope -------------------------------------------------------------------------------------------
// Which customers an actor reaches is decided in one place, `customerAccess` (access.ts), on the platform's data
// scope (platform/auth/access.ts); this module's code asks it like every other module does.

/** Loads a customer the actor may see, or 404 (a customer outside the scope does not exist for that actor). */
async function loadInScope(db: DbOrTx, actor: Actor, id: string): Promise<CustomerWithOwner> {
  const row = await repo.findCustomer(db, id, customerAccess.scope(actor));
  if (!row) throw AppError.notFound('customers.not_found');
  return row;
}

/**
 * For other modules (transactions, later interactions and tickets): the customer if the actor reaches it, else 404.
 * `forWrite` also refuses a deleted customer.
 */
export async function customerInScope(
  db: DbOrTx,
  actor: Actor,
  id: string,
  opts: { forWrite?: boolean } = {},
): Promise<{ id: string; name: string; ownerId: string | null; teamId: string | null; deleted: boolean }> {
  const row = await loadInScope(db, actor, id);
  if (opts.forWrite && row.deletedAt) throw AppError.notFound('customers.not_found');
  return { id: row.id, name: row.name, ownerId: row.ownerId, teamId: row.teamId, deleted: !!row.deletedAt };
}

// ---- reading ----------------------------------------------------------------------------------------------

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function filterOf(actor: Actor, q: Omit<ListQuery, 'sort' | 'order' | 'cursor' | 'limit' | 'withTotal'>): repo.CustomerFilter {
  const contributed = CUSTOMER_LIST_FILTER_PARAMS.flatMap((param) => (q[param] ? [{ param, value: q[param] }] : []));
  for (const c of contributed) requireListFilterAccess(actor, c.param);
  refuseHiddenFilters(actor, q);
  const fields = customerFields(actor);
  const phonesShown = fields.visible('phones');
  let text: repo.CustomerFilter['text'];
  const needle = q.q?.trim().toLowerCase();
  if (needle) {
    const compact = needle.replace(/[\s\-()]/g, '');
    const digits = /^\+?\d{3,}$/.test(compact) ? compact.replace(/^\+?86(?=1\d{10}$)/, '').replace(/^\+/, '') : null;
    const chars = Array.from(needle);
    text = {
      pattern: `%${escapeLike(needle)}%`,
      // Two characters (王伟, 幸福): the bigram index finds exactly what the pattern would, without a scan.
      bigram: chars.length === 2 && !/\s/.test(needle) ? needle : null,
      // Fragments of phone numbers only for those allowed to see them; a full number finds its customer for anyone.
      phoneDigits: digits && phonesShown && can(actor, 'customer:pii') ? `%${digits}%` : null,
      // A role that does not see phones does not find customers by them either.
      exactPhone: digits && phonesShown ? normalizePhone(compact) : null,
      // Nor by the email or the address (in the search text) when it does not see those (field grants, issue #18).
      shown: { email: fields.visible('email'), address: fields.visible('address') },
    };
  }
  return {
    scope: customerAccess.scope(actor),
    text,
    kind: q.kind,
    tag: q.tag,
    ownerId: q.ownerId,
    teamId: q.teamId,
    stage: q.stage,
    city: q.city,
    compound: q.compound,
    building: q.building,
    unit: q.unit,
    createdFrom: q.createdFrom,
    createdTo: q.createdTo,
    deleted: q.deleted,
    contributed,
  };
}

/** A list or export filtered by a field the actor does not see would tell its values: 403 naming the parameter. */
function refuseHiddenFilters(actor: Actor, q: Partial<Record<'city' | 'compound' | 'building' | 'unit' | 'custom', string | undefined>>): void {
  for (const param of ['city', 'compound', 'building', 'unit'] as const) if (q[param]) requireFieldVisible(actor, 'address', param);
  if (!q.custom) return;
  let keys: string[] = [];
  try {
    const parsed: unknown = JSON.parse(q.custom);
    if (parsed && typeof parsed === 'object') keys = Object.keys(parsed);
  } catch {
    return; // parseCustomFilter names the malformed parameter
  }
  for (const key of keys) requireFieldVisible(actor, `custom.${key}`, `custom.${key}`);
}

/** `total` is exact up to 10,000 matches; above that it is the database's estimate and `totalExact` is false. */
export type CustomerPage = { items: CustomerView[]; nextCursor: string | null; total: number | null; totalExact: boolean };

export async function listCustomers(db: DbOrTx, actor: Actor | null, q: ListQuery): Promise<CustomerPage> {
  requireAccess(actor, 'customer:read');
  const filter = { ...filterOf(actor, q), custom: await parseCustomFilter(db, q.custom) };
  const rows = await repo.listCustomers(db, filter, {
    sort: q.sort,
    order: q.order,
    after: q.cursor ? decodeCursor(q.cursor, q.sort === 'name' ? 'text' : 'timestamp') : undefined,
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  // A first page that is not full holds every match: its length is the total, no count needed.
  const total = q.withTotal !== 'true' ? null : !q.cursor && rows.length <= q.limit ? { count: rows.length, exact: true } : await repo.countCustomers(db, filter);
  return {
    items: page.map((r) => toCustomerView(r, actor)),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.sortValue, last.id) : null,
    total: total?.count ?? null,
    totalExact: total?.exact ?? true,
  };
}

export async function getCustomer(db: DbOrTx, actor: Actor | null, id: string): Promise<CustomerView> {
  requireAccess(actor, 'customer:read');
  return toCustomerView(await loadInScope(db, actor, id), actor);
}

/** Tags in use on the customers the actor reaches, most used first (the list's tag filter). */
export async function listTags(db: DbOrTx, actor: Actor | null): Promise<{ tag: string; count: number }[]> {
  requireAccess(actor, 'customer:read');
  return (await listTagRows(db, customerAccess.scope(actor))).filter((t) => t.count > 0).map((t) => ({ tag: t.name, count: t.count }));
}

/** Shows phone and ID numbers in full. Needs the personal-data permission and is always audited. */
export async function revealCustomer(
  db: DbOrTx,
  actor: Actor | null,
  id: string,
  input: { fields: ('phones' | 'idNumber')[]; reason?: string },
) {
  requireAccess(actor, 'customer:read');
  requireAccess(actor, 'customer:pii');
  // Field grants: a field the role does not see is not revealed (null, as not asked for); asking only for such is a 403.
  const asked = input.fields;
  const shown = customerFields(actor);
  input = { ...input, fields: asked.filter((f) => shown.visible(f)) };
  if (!input.fields.length) requireFieldVisible(actor, asked[0]!, 'fields.0');
  const row = await loadInScope(db, actor, id);
  const contacts = input.fields.includes('phones') ? await repo.listContacts(db, id) : [];
  await recordAudit(db, actor, {
    action: 'reveal',
    entityType: 'customer',
    entityId: id,
    changes: { fields: input.fields, reason: input.reason ?? null },
  });
  return {
    phones: input.fields.includes('phones') ? row.phones.map(displayPhone) : null,
    idNumber: input.fields.includes('idNumber') ? row.idNumber : null,
    contacts: contacts.map((c) => ({ id: c.id, phones: c.phones.map(displayPhone) })),
  };
}

export async function customerHistory(db: DbOrTx, actor: Actor | null, id: string): Promise<AuditView[]> {
  requireAccess(actor, 'customer:read');
  await loadInScope(db, actor, id);
  return visibleHistory(actor, await entityHistory(db, 'customer', id, 200, actor.locale));
}

// ---- writing ----------------------------------------------------------------------------------------------

async function resolveOwnership(
  db: DbOrTx,
  actor: Actor,
  ownerId: string | null,
  teamId: string | null | undefined,
): Promise<{ ownerId: string | null; teamId: string | null }> {
  let ownerTeam: string | null = null;
  if (ownerId) {
    const owner = await findUserById(db, ownerId);
    if (!owner || !owner.active) throw AppError.field('ownerId', 'users.not_found');
    ownerTeam = owner.teamId;
  }
  const team = teamId === undefined ? ownerTeam : teamId;
  if (team && !(await findTeam(db, team))) throw AppError.field('teamId', 'teams.not_found');
  if (!customerAccess.reaches(actor, { ownerId, teamId: team })) {
    throw new AppError('forbidden', 'customers.owner_out_of_scope', {}, [{ field: 'ownerId', key: 'customers.owner_out_of_scope' }]);
  }
  return { ownerId, teamId: team };
}

/** What the audit log keeps of a customer's values: personal data masked. */
function auditValue(key: string, value: unknown): unknown {
  if (key === 'phones' && Array.isArray(value)) return value.map((p) => maskPhone(String(p)));
  if (key === 'idNumber' && typeof value === 'string') return maskIdNumber(value);
  return value ?? null;
}

const TRACKED = [
  'kind', 'name', 'phones', 'email', 'gender', 'birthday', 'lunarBirthday', 'idType', 'idNumber', ...ADDRESS_KEYS,
  'tags', 'preferences', 'source', 'stage', 'ownerId', 'teamId', 'consent', 'notes', 'externalId',
] as const;

export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const k of TRACKED) {
    const a = JSON.stringify(before[k] ?? null);
    const b = JSON.stringify(after[k] ?? null);
    if (a !== b) out[k] = [auditValue(k, before[k]), auditValue(k, after[k])];
  }
  // Custom fields: one entry per key (`custom.<key>`), so the history names the field that changed.
  const cb = (before.custom ?? {}) as Record<string, unknown>;
  const ca = (after.custom ?? {}) as Record<string, unknown>;
  for (const k of new Set([...Object.keys(cb), ...Object.keys(ca)])) {
    if (JSON.stringify(cb[k] ?? null) !== JSON.stringify(ca[k] ?? null)) out[`custom.${k}`] = [cb[k] ?? null, ca[k] ?? null];
  }
  return out;
}

/** The row of a new customer from validated input (shared by create and import). */
export function newCustomerValues(
  input: CreateCustomerInput & { externalId?: string | null; importKey?: string | null },
  createdBy: string | null,
  ownership: { ownerId: string | null; teamId: string | null },
): CustomerInsert {
  const address = Object.fromEntries(ADDRESS_KEYS.map((k) => [k, input.address?.[k] ?? null]));
  const values: CustomerInsert = {
    kind: input.kind,
    name: input.name,
    phones: input.phones,
    email: input.email ?? null,
    gender: input.gender ?? null,
    birthday: input.birthday ?? null,
    lunarBirthday: input.lunarBirthday ?? null,
    idType: input.idNumber ? (input.idType ?? 'resident') : (input.idType ?? null),
    idNumber: input.idNumber ? input.idNumber.toUpperCase() : null,
    ...address,
    tags: input.tags,
    preferences: input.preferences,
    source: input.source ?? null,
    stage: input.stage,
    ...ownership,
    consent: { ...NO_CONSENT, ...input.consent },
    notes: input.notes ?? null,
    custom: (input.custom ?? {}) as CustomerInsert['custom'],
    externalId: input.externalId ?? null,
    importKey: input.importKey ?? null,
    createdBy,
  };
  values.searchText = searchTextOf(values);
  values.phoneDigits = phoneDigitsOf(input.phones);
  return values;
}

export async function createCustomer(db: DbOrTx, actor: Actor | null, input: CreateCustomerInput): Promise<CustomerView> {
  requireAccess(actor, 'customer:write');
  refuseFieldWrites(actor, input, 'create');
  const ownership = await resolveOwnership(db, actor, input.ownerId === undefined ? actor.userId : input.ownerId, input.teamId);
  const custom = await validatedCustomValues(db, input.custom);
  await refuseBadReferralCode(db, input.referralCode);
  const values = newCustomerValues({ ...input, custom }, actor.userId, ownership);
  const row = await repo.insertCustomer(db, values);
  await recordAudit(db, actor, {
    action: 'create',
    entityType: 'customer',
    entityId: row.id,
    changes: diff({}, row as unknown as Record<string, unknown>),
  });
  // Other modules hear of it in this transaction (loyalty attributes a referral code: created.hooks.ts).
  await customersCreated(db, actor, { source: 'create', customers: [{ customerId: row.id, referralCode: input.referralCode ?? null }] });
  await recordConsent(db, actor, [{ customerId: row.id, source: 'form', changes: consentChanges(null, row.consent) }]); // the consent ledger (issue #18)
  const ownerName = (row.ownerId && (await findUserById(db, row.ownerId))?.displayName) ?? null;
  return toCustomerView({ ...row, ownerName }, actor);
}

export async function updateCustomer(
  db: DbOrTx,
  actor: Actor | null,
  id: string,
  input: UpdateCustomerInput,
): Promise<CustomerView> {
  requireAccess(actor, 'customer:write');
  const before = await loadInScope(db, actor, id);
  if (before.deletedAt) throw AppError.notFound('customers.not_found');
  refuseFieldWrites(actor, input, 'update');
  if (input.version !== before.version) {
    throw new AppError('conflict', 'customers.stale', { current: before.version, given: input.version }, [
      { field: 'version', key: 'customers.stale', params: { current: before.version, given: input.version } },
    ]);
  }
  const { version, address, consent, custom, ...rest } = input;
  const values: Partial<CustomerInsert> = {};
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) (values as Record<string, unknown>)[k] = v;
  if (values.idNumber) values.idNumber = values.idNumber.toUpperCase();
  if (address) for (const k of ADDRESS_KEYS) if (address[k] !== undefined) values[k] = address[k];
  if (consent) values.consent = { ...NO_CONSENT, ...before.consent, ...consent };
  if (custom !== undefined) values.custom = await validatedCustomValues(db, custom, before.custom);
  if (input.ownerId !== undefined || input.teamId !== undefined) {
    const ownerId = input.ownerId !== undefined ? input.ownerId : before.ownerId;
    const teamId = input.teamId !== undefined ? input.teamId : input.ownerId !== undefined ? undefined : before.teamId;
    Object.assign(values, await resolveOwnership(db, actor, ownerId, teamId));
  }
  const merged = { ...before, ...values };
  values.searchText = searchTextOf(merged);
  values.phoneDigits = phoneDigitsOf(merged.phones);
  const after = await repo.updateCustomerIfVersion(db, id, version, values);
  if (!after) throw AppError.conflict('customers.stale', { current: version + 1, given: version }, 'version');
  const changes = diff(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>);
  if (Object.keys(changes).length) await recordAudit(db, actor, { action: 'update', entityType: 'customer', entityId: id, changes });
  if (changes.consent) await recordConsent(db, actor, [{ customerId: id, source: 'form', changes: consentChanges(before.consent, after.consent) }]); // the consent ledger (issue #18)
  const ownerName = after.ownerId === before.ownerId ? before.ownerName : ((after.ownerId && (await findUserById(db, after.ownerId))?.displayName) ?? null);
  return toCustomerView({ ...after, ownerName }, actor);
}

/** Soft delete: the customer leaves every list but can be restored; nothing attached to it is removed. */
export async function deleteCustomer(db: DbOrTx, actor: Actor | null, id: string, version?: number): Promise<void> {
  requireAccess(actor, 'customer:delete');
  const before = await loadInScope(db, actor, id);
  if (before.deletedAt) return;
  if (version !== undefined && version !== before.version) {
    throw AppError.conflict('customers.stale', { current: before.version, given: version }, 'version');
  }
  const row = await repo.updateCustomerIfVersion(db, id, before.version, { deletedAt: new Date() });
  if (!row) throw AppError.conflict('customers.stale', { current: before.version + 1, given: before.version }, 'version');
  await recordAudit(db, actor, { action: 'delete', entityType: 'customer', entityId: id, changes: { name: before.name } });
}

export async function restoreCustomer(db: DbOrTx, actor: Actor | null, id: string): Promise<CustomerView> {
  requireAccess(actor, 'customer:delete');
  const before = await loadInScope(db, actor, id);
  if (!before.deletedAt) throw AppError.conflict('customers.not_deleted');
  // An erased record (PIPL, issue #18) stays erased: what would come back is a pseudonym whose history was cut.
  if ((await erasedCustomers(db, [id])).has(id)) throw AppError.conflict('customers.erased_restore', {}, 'id');
  // A merged duplicate comes back by undoing the merge, which also moves its rows back.
  if (before.mergedIntoId) throw AppError.conflict('merge.restore_merged');
  const row = await repo.updateCustomerIfVersion(db, id, before.version, { deletedAt: null });
  if (!row) throw AppError.conflict('customers.stale', { current: before.version + 1, given: before.version }, 'version');
  await recordAudit(db, actor, { action: 'restore', entityType: 'customer', entityId: id, changes: { name: before.name } });
  return toCustomerView({ ...row, ownerName: before.ownerName }, actor);
}
