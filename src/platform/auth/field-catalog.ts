/**
 * Field-level access (issue #18): the vocabulary shared with the web UI, which bundles this file. No imports.
 *
 * Per role, each customer field is `hidden`, `read` (shown, not changed) or `edit`. A role's grants are an
 * allow-list: a field it is not granted is hidden — a custom field added later too. A role nobody set grants for
 * (`roles.field_grants` null: every built-in role until an admin changes it, and always the admin role) grants every
 * field `edit`. What the role's permissions allow caps the grant: without `customer:write` at most `read`, and the
 * personal-data fields (`phones`, `idNumber`) at most `read` without `customer:pii` — so the defaults are exactly the
 * behaviour before field grants existed.
 */

export const FIELD_LEVELS = ['hidden', 'read', 'edit'] as const;
export type FieldLevel = (typeof FIELD_LEVELS)[number];

/**
 * The customer's standard fields as grants name them. `birthday` covers the lunar birthday, `idNumber` the ID type,
 * `address` its eight parts, `owner` the account manager and the team.
 */
export const CUSTOMER_GRANT_FIELDS = [
  'name',
  'kind',
  'stage',
  'owner',
  'tags',
  'phones',
  'email',
  'gender',
  'birthday',
  'idNumber',
  'address',
  'preferences',
  'source',
  'consent',
  'notes',
] as const;
export type CustomerGrantField = (typeof CUSTOMER_GRANT_FIELDS)[number];

/** Which grant covers each input or view key of a customer (the rest are not fields: version, referralCode …). */
export const CUSTOMER_GRANT_OF: Record<string, CustomerGrantField> = {
  kind: 'kind',
  name: 'name',
  phones: 'phones',
  email: 'email',
  gender: 'gender',
  birthday: 'birthday',
  lunarBirthday: 'birthday',
  idType: 'idNumber',
  idNumber: 'idNumber',
  address: 'address',
  province: 'address',
  city: 'address',
  district: 'address',
  street: 'address',
  compound: 'address',
  building: 'address',
  unit: 'address',
  room: 'address',
  tags: 'tags',
  preferences: 'preferences',
  source: 'source',
  stage: 'stage',
  owner: 'owner',
  ownerId: 'owner',
  ownerName: 'owner',
  teamId: 'owner',
  consent: 'consent',
  notes: 'notes',
};

/** The standard fields' names in the settings matrix (the web shows the same). */
export const CUSTOMER_GRANT_LABELS: Record<CustomerGrantField, { zh: string; en: string }> = {
  name: { zh: '姓名/名称', en: 'Name' },
  kind: { zh: '客户类型', en: 'Customer type' },
  stage: { zh: '生命周期阶段', en: 'Lifecycle stage' },
  owner: { zh: '客户经理与团队', en: 'Account manager and team' },
  tags: { zh: '标签', en: 'Tags' },
  phones: { zh: '电话', en: 'Phones' },
  email: { zh: '邮箱', en: 'Email' },
  gender: { zh: '性别', en: 'Gender' },
  birthday: { zh: '生日（含农历）', en: 'Birthday (and lunar)' },
  idNumber: { zh: '证件类型与号码', en: 'ID type and number' },
  address: { zh: '地址', en: 'Address' },
  preferences: { zh: '偏好', en: 'Preferences' },
  source: { zh: '来源', en: 'Source' },
  consent: { zh: '联系许可', en: 'Consent' },
  notes: { zh: '备注', en: 'Notes' },
};

/**
 * The record's identity and workflow fields: always at least `read` (lists, queues, data scopes, segments and every
 * other module name a customer by them); a grant can only make them read-only.
 */
export const ALWAYS_VISIBLE_FIELDS: readonly string[] = ['name', 'kind', 'stage', 'owner', 'tags'];

/** Personal-data fields: masked on read, revealed in full with `customer:pii`, changed only with it. */
export const PII_FIELDS: readonly string[] = ['phones', 'idNumber'];

/** A custom field's grant key. */
export const customGrantKey = (key: string): string => `custom.${key}`;

/** What a role stores: the fields it grants and how; a field not named is hidden. Null: every field `edit`. */
export type FieldGrants = Record<string, 'read' | 'edit'>;

const RANK: Record<FieldLevel, number> = { hidden: 0, read: 1, edit: 2 };
export const minLevel = (a: FieldLevel, b: FieldLevel): FieldLevel => (RANK[a] <= RANK[b] ? a : b);
export const maxLevel = (a: FieldLevel, b: FieldLevel): FieldLevel => (RANK[a] >= RANK[b] ? a : b);

/**
 * The level a role's grants give a field, before the permissions' cap: null grants → `edit`; a field not granted →
 * `hidden` (`read` for the always-visible ones).
 */
export function grantedLevel(grants: Readonly<FieldGrants> | null | undefined, field: string): FieldLevel {
  if (!grants) return 'edit';
  const level: FieldLevel = grants[field] ?? 'hidden';
  return ALWAYS_VISIBLE_FIELDS.includes(field) ? maxLevel(level, 'read') : level;
}

/** The cap a role's permissions put on a field. */
export function permissionCap(permissions: { has(p: string): boolean }, field: string): FieldLevel {
  if (!permissions.has('customer:write')) return 'read';
  if (PII_FIELDS.includes(field) && !permissions.has('customer:pii')) return 'read';
  return 'edit';
}
