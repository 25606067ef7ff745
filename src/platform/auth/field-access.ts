/**
 * Field-level access: the one function every read and write path asks (the customers module through its
 * `customerFields` helpers; other modules through the customers index). See field-catalog.ts for the rule.
 */
import { AppError } from '../errors.js';
import { CUSTOMER_GRANT_OF, customGrantKey, grantedLevel, minLevel, permissionCap, type FieldLevel } from './field-catalog.js';
import type { Actor } from './permissions.js';

export * from './field-catalog.js';

/** The actor's level for a field (a standard field's grant key, or `custom.<key>`). */
export function fieldLevel(actor: Actor, field: string): FieldLevel {
  return minLevel(grantedLevel(actor.fieldGrants, field), permissionCap(actor.permissions, field));
}

export const fieldVisible = (actor: Actor, field: string): boolean => fieldLevel(actor, field) !== 'hidden';

/**
 * Refuses a write to a field the actor may not change, naming the request field (`path`, e.g. `idNumber`,
 * `custom.level`, `values.idNumber`): 403 `fields.hidden` for a hidden field, `fields.read_only` for a read-only one.
 */
export function requireFieldEdit(actor: Actor, field: string, path: string = field): void {
  const level = fieldLevel(actor, field);
  if (level === 'edit') return;
  const key = level === 'hidden' ? 'fields.hidden' : 'fields.read_only';
  throw new AppError('forbidden', key, { field: path }, [{ field: path, key, params: { field: path } }]);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The `changes` of an audit entry about a customer as the actor may see them: every key naming a field its role does
 * not see (a standard field, an address part, `custom.<key>`) left out, at any depth — a merge's `fields`, a contact's
 * `before` / `after`. Returns the same object when nothing is hidden.
 */
export function redactCustomerChanges(actor: Actor, changes: unknown): unknown {
  const hidden = (key: string): boolean => {
    const grant = CUSTOMER_GRANT_OF[key] ?? (key.startsWith('custom.') ? key : null);
    return !!grant && fieldLevel(actor, grant) === 'hidden';
  };
  let changed = false;
  const walk = (v: unknown, depth: number): unknown => {
    if (depth > 6) return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    if (!isObject(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (hidden(k)) changed = true;
      else out[k] = walk(x, depth + 1);
    }
    // A custom-field map (`custom: {level: …}`) names its keys without the prefix.
    if (isObject(out.custom)) {
      const kept = Object.entries(out.custom).filter(([k]) => !hidden(customGrantKey(k)));
      if (kept.length < Object.keys(out.custom).length) {
        changed = true;
        out.custom = Object.fromEntries(kept);
      }
    }
    return out;
  };
  const result = walk(changes, 0);
  return changed ? result : changes;
}
