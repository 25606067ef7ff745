/**
 * Field-level access for customers (issue #18): which of a customer's fields an actor sees and changes, by the role's
 * field grants (platform/auth/field-catalog.ts). Every read path of this module shapes its rows through here (views,
 * list, export, search, duplicates, merges, history, reveal) and every write path checks its input here first; other
 * modules ask through the index (`customerFields`).
 */
import type { AuditView } from '../audit/index.js';
import {
  CUSTOMER_GRANT_FIELDS,
  CUSTOMER_GRANT_OF,
  customGrantKey,
  redactCustomerChanges,
  fieldLevel,
  grantedLevel,
  PII_FIELDS,
  requireFieldEdit,
  type FieldLevel,
} from '../../platform/auth/field-access.js';
import { can, requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError, type FieldIssue } from '../../platform/errors.js';
import { activeCustomFields } from '../fields/index.js';

export const GRANT_OF = CUSTOMER_GRANT_OF;

export type CustomerFieldAccess = {
  /** The level of a grant field or of `custom.<key>`. */
  level(field: string): FieldLevel;
  visible(field: string): boolean;
  /** The standard grant fields the actor does not see (the views' `hidden`). */
  hidden: string[];
  /** The custom values the actor sees. */
  customValues(custom: Record<string, unknown>): Record<string, unknown>;
};

const cache = new WeakMap<Actor, CustomerFieldAccess>();

/** The actor's access to customer fields (computed once per actor: one per request). */
export function customerFields(actor: Actor): CustomerFieldAccess {
  const known = cache.get(actor);
  if (known) return known;
  const levels = new Map<string, FieldLevel>();
  const level = (field: string): FieldLevel => {
    let l = levels.get(field);
    if (!l) levels.set(field, (l = fieldLevel(actor, field)));
    return l;
  };
  const visible = (field: string) => level(field) !== 'hidden';
  const access: CustomerFieldAccess = {
    level,
    visible,
    hidden: CUSTOMER_GRANT_FIELDS.filter((f) => !visible(f)),
    customValues: (custom) => Object.fromEntries(Object.entries(custom).filter(([k]) => visible(customGrantKey(k)))),
  };
  cache.set(actor, access);
  return access;
}

const blank = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  v === '' ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every((x) => x === undefined || x === null || x === '' || x === false));

/** The defaults of a new customer: giving one of these is not writing the field. */
const CREATE_DEFAULTS: Record<string, unknown> = { kind: 'person', stage: 'new' };

/** 403 naming `path`: the field is hidden or read-only; phones and ID number without `customer:pii` keep their message. */
function refuseField(actor: Actor, grant: string, path: string, mode: 'create' | 'update' = 'update'): void {
  const level = customerFields(actor).level(grant);
  if (level === 'edit') return;
  // A new customer's phones and ID number never needed customer:pii (changing them does): only the grant counts.
  if (mode === 'create' && PII_FIELDS.includes(grant) && grantedLevel(actor.fieldGrants, grant) === 'edit' && can(actor, 'customer:write')) return;
  if ((grant === 'phones' || grant === 'idNumber') && !can(actor, 'customer:pii') && level === 'read') {
    throw new AppError('forbidden', 'customers.pii_required', { field: path }, [{ field: path, key: 'customers.pii_required', params: { field: path } }]);
  }
  requireFieldEdit(actor, grant, path);
}

/**
 * Refuses a create or update body that writes a field the actor may not change (403 naming the field: hidden or
 * read-only), before anything is written. An update writes every key it names; a create only the fields it gives a
 * value other than the default. Phones and ID number without `customer:pii` keep their own message.
 */
export function refuseFieldWrites(actor: Actor, input: Record<string, unknown>, mode: 'create' | 'update', prefix = ''): void {
  const fields = customerFields(actor);
  for (const [key, value] of Object.entries(input)) {
    const grant = GRANT_OF[key];
    if (!grant) continue;
    // On create, the defaults are no write: kind person, stage new, the creator as the owner.
    const given = mode === 'update' ? value !== undefined : !blank(value) && CREATE_DEFAULTS[key] !== value && !(key === 'ownerId' && value === actor.userId);
    if (!given || fields.level(grant) === 'edit') continue;
    refuseField(actor, grant, `${prefix}${key}`, mode);
  }
  const custom = input.custom as Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(custom ?? {})) {
    if (mode === 'create' && blank(value)) continue;
    requireFieldEdit(actor, customGrantKey(key), `custom.${key}`);
  }
}

/** A reveal or search that names a hidden field: 403 naming it. */
export function requireFieldVisible(actor: Actor, grant: string, path: string = grant): void {
  if (customerFields(actor).visible(grant)) return;
  throw new AppError('forbidden', 'fields.hidden', { field: path }, [{ field: path, key: 'fields.hidden', params: { field: path } }]);
}

/** A customer's change history as the actor may see it: the values of fields its role does not see left out. */
export function visibleHistory(actor: Actor, items: AuditView[]): AuditView[] {
  return items.map((i) => {
    const changes = redactCustomerChanges(actor, i.changes);
    if (changes === i.changes) return i;
    const fields = customerFields(actor);
    const shown = (path: string) =>
      path.startsWith('custom.')
        ? fields.visible(path)
        : path.split('.').every((part) => {
            const grant = GRANT_OF[part];
            return !grant || fields.visible(grant);
          });
    const labels = Object.fromEntries(Object.entries(i.fieldLabels).filter(([k]) => shown(k)));
    return { ...i, changes, fieldLabels: labels };
  });
}

/**
 * Refuses a change (merge, undo) that would give a field the actor may not change another value: compares the
 * columns of `after` with `before` (custom fields key by key); `pathOf` names the request field for the message.
 */
export function refuseFieldChanges(actor: Actor, before: Record<string, unknown>, after: Record<string, unknown>, pathOf: (key: string) => string): void {
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after)) if (GRANT_OF[key] && !same(before[key], value)) changed[key] = value;
  const customBefore = (before.custom ?? {}) as Record<string, unknown>;
  const customAfter = after.custom as Record<string, unknown> | undefined;
  if (customAfter) {
    const keys = new Set([...Object.keys(customBefore), ...Object.keys(customAfter)]);
    const moved = [...keys].filter((k) => !same(customBefore[k], customAfter[k]));
    if (moved.length) changed.custom = Object.fromEntries(moved.map((k) => [k, customAfter[k] ?? null]));
  }
  for (const key of Object.keys(changed)) if (key !== 'custom') refuseField(actor, GRANT_OF[key]!, pathOf(key));
  for (const key of Object.keys((changed.custom ?? {}) as object)) requireFieldEdit(actor, customGrantKey(key), `custom.${key}`);
}

/** GET /customers/field-access: the caller's level for every standard and active custom field (the forms and 360 page). */
export async function callerFieldAccess(db: DbOrTx, actor: Actor | null): Promise<{ levels: Record<string, FieldLevel> }> {
  requireAccess(actor, 'customer:read');
  const fields = customerFields(actor);
  const keys = [...CUSTOMER_GRANT_FIELDS, ...(await activeCustomFields(db)).map((d) => customGrantKey(d.key))];
  return { levels: Object.fromEntries(keys.map((k) => [k, fields.level(k)])) };
}

/** An import row's refusal for a field the importer may not write (the row is rejected naming it), or null. */
export function fieldWriteIssue(actor: Actor, input: Record<string, unknown>): FieldIssue | null {
  try {
    refuseFieldWrites(actor, input, 'create');
    return null;
  } catch (err) {
    if (err instanceof AppError && err.issues[0]) return err.issues[0];
    throw err;
  }
}
