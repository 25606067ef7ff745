/**
 * 字段权限 (issue #18): the settings matrix of roles × customer fields — each hidden, read-only or editable — and its
 * change. The grants are stored on the role (`roles.field_grants`, an allow-list) and read into every actor
 * (directory.ts → Actor.fieldGrants); platform/auth/field-access.ts applies them.
 */
import {
  ALWAYS_VISIBLE_FIELDS,
  CUSTOMER_GRANT_FIELDS,
  CUSTOMER_GRANT_LABELS,
  PII_FIELDS,
  customGrantKey,
  fieldLevel,
  grantedLevel,
  minLevel,
  permissionCap,
  type FieldGrants,
  type FieldLevel,
} from '../../platform/auth/field-access.js';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError, type FieldIssue } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import { activeCustomFields } from '../fields/index.js';
import { findRole, listRoles, setRoleFieldGrants, type RoleRow } from './accounts.repository.js';
import { invalidateDirectory } from './directory.js';
import type { FieldGrantField, FieldGrantMatrix, FieldGrantRole } from './field-grants.contract.js';

const RANK: Record<FieldLevel, number> = { hidden: 0, read: 1, edit: 2 };

/** The matrix's columns: the standard fields, then every active custom field. */
async function grantFields(db: DbOrTx): Promise<FieldGrantField[]> {
  const standard = CUSTOMER_GRANT_FIELDS.map((key) => ({
    key,
    labelZh: CUSTOMER_GRANT_LABELS[key].zh,
    labelEn: CUSTOMER_GRANT_LABELS[key].en,
    custom: false,
    alwaysVisible: ALWAYS_VISIBLE_FIELDS.includes(key),
    pii: PII_FIELDS.includes(key),
  }));
  const custom = (await activeCustomFields(db)).map((d) => ({
    key: customGrantKey(d.key),
    labelZh: d.labelZh,
    labelEn: d.labelEn,
    custom: true,
    alwaysVisible: false,
    pii: false,
  }));
  return [...standard, ...custom];
}

function roleOf(row: RoleRow, fields: FieldGrantField[]): FieldGrantRole {
  const grants = row.key === 'admin' ? null : row.fieldGrants;
  const permissions = new Set(row.permissions);
  const levels: Record<string, FieldLevel> = {};
  const effective: Record<string, FieldLevel> = {};
  for (const f of fields) {
    const granted = grantedLevel(grants, f.key);
    levels[f.key] = granted;
    effective[f.key] = minLevel(granted, permissionCap(permissions, f.key));
  }
  return { key: row.key, customized: !!grants, fixed: row.key === 'admin', levels, effective };
}

export async function fieldGrantMatrix(db: DbOrTx, actor: Actor | null): Promise<FieldGrantMatrix> {
  requireAccess(actor, 'role:manage');
  const fields = await grantFields(db);
  return { fields, roles: (await listRoles(db)).map((r) => roleOf(r, fields)) };
}

/**
 * Sets a role's grants: every field of the matrix named with its level (a field not named is hidden), or null for the
 * default (every field editable). Refused: the admin role; an unknown field; an always-visible field hidden; a level
 * above the caller's own for that field (an actor grants at most what it holds). Audited on the role.
 */
export async function setFieldGrants(
  db: DbOrTx,
  actor: Actor | null,
  key: string,
  levels: Record<string, FieldLevel> | null,
): Promise<FieldGrantRole> {
  requireAccess(actor, 'role:manage');
  if (key === 'admin') throw AppError.forbidden('roles.admin_fixed');
  const before = await findRole(db, key);
  if (!before) throw AppError.notFound('roles.not_found');
  const fields = await grantFields(db);
  const known = new Map(fields.map((f) => [f.key, f]));
  const issues: FieldIssue[] = [];
  const stored: FieldGrants = {};
  for (const [field, level] of Object.entries(levels ?? {})) {
    const def = known.get(field);
    const path = `levels.${field}`;
    if (!def) issues.push({ field: path, key: 'roles.field_unknown', params: { field: path, key: field } });
    else if (def.alwaysVisible && level === 'hidden') issues.push({ field: path, key: 'roles.field_always_visible', params: { field: path, key: field } });
    else if (RANK[level] > RANK[fieldLevel(actor, field)]) issues.push({ field: path, key: 'roles.field_too_strong', params: { field: path, key: field } });
    else if (level !== 'hidden') stored[field] = level;
  }
  if (issues.length) throw new AppError(issues.some((i) => i.key === 'roles.field_too_strong') ? 'forbidden' : 'validation', 'problem.validation', {}, issues);
  const next = levels === null ? null : stored;
  const row = await setRoleFieldGrants(db, key, next);
  await recordAudit(db, actor, { action: 'update', entityType: 'role', entityId: key, changes: { fieldGrants: [before.fieldGrants ?? null, next] } });
  invalidateDirectory(db);
  return roleOf(row!, fields);
}
