/**
 * The field-grant matrix (issue #18, 字段权限): roles × customer fields, each hidden, read-only or editable. Shared with
 * the web UI: types only, no imports.
 */

export type FieldGrantLevel = 'hidden' | 'read' | 'edit';

export type FieldGrantField = {
  /** A standard field (`idNumber`) or `custom.<key>`. */
  key: string;
  labelZh: string;
  labelEn: string;
  custom: boolean;
  /** Identity and workflow fields: at least read-only, never hidden. */
  alwaysVisible: boolean;
  /** Phones and ID number: editable only with the personal-data permission. */
  pii: boolean;
};

export type FieldGrantRole = {
  key: string;
  /** False: the role follows the default (every field editable, as its permissions allow). */
  customized: boolean;
  /** The admin role: every field editable, not changeable. */
  fixed: boolean;
  /** What the role is granted per field. */
  levels: Record<string, FieldGrantLevel>;
  /** What its holders get: the grant capped by the role's permissions (no customer:write → read-only …). */
  effective: Record<string, FieldGrantLevel>;
};

export type FieldGrantMatrix = { fields: FieldGrantField[]; roles: FieldGrantRole[] };
