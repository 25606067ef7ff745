import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { isUniqueViolation, type DbOrTx } from '../../platform/db/client.js';
import { AppError, type FieldIssue } from '../../platform/errors.js';
import type { Locale } from '../../platform/i18n/index.js';
import { recordAudit } from '../audit/index.js';
import { CUSTOM_TEXT_MAX, type CustomFieldOption, type CustomFieldView, type CustomValue, type CustomValues } from './fields.contract.js';
import * as repo from './fields.repository.js';
import type { CustomFieldRow } from './fields.repository.js';
import type { CreateFieldInput, UpdateFieldInput } from './fields.types.js';

export type CustomFieldDef = Pick<CustomFieldRow, 'key' | 'labelZh' | 'labelEn' | 'type' | 'options' | 'required'>;

export const toFieldView = (r: CustomFieldRow): CustomFieldView => ({
  id: r.id,
  entity: r.entity,
  key: r.key,
  labelZh: r.labelZh,
  labelEn: r.labelEn,
  type: r.type,
  options: r.options,
  required: r.required,
  position: r.position,
  active: r.active,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

// ---- definitions ----------------------------------------------------------------------------------------------

/** Everyone who reads customers reads the definitions (forms, profile, filters render from them). */
export async function listCustomFields(db: DbOrTx, actor: Actor | null, q: { includeArchived?: string }): Promise<CustomFieldView[]> {
  requireAccess(actor, 'customer:read');
  return (await repo.listFields(db, { includeArchived: q.includeArchived === 'true' })).map(toFieldView);
}

/** The active definitions, in display order (no access check: for the customers module's own use). */
export async function activeCustomFields(db: DbOrTx): Promise<CustomFieldRow[]> {
  return repo.listFields(db, { includeArchived: false });
}

async function loadField(db: DbOrTx, id: string): Promise<CustomFieldRow> {
  const row = await repo.findField(db, id);
  if (!row) throw AppError.notFound('custom_fields.not_found');
  return row;
}

function changesOf(before: CustomFieldView, after: CustomFieldView): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const k of ['labelZh', 'labelEn', 'type', 'options', 'required', 'position', 'active'] as const) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out[k] = [before[k], after[k]];
  }
  return out;
}

export async function createCustomField(db: DbOrTx, actor: Actor | null, input: CreateFieldInput): Promise<CustomFieldView> {
  requireAccess(actor, 'settings:manage');
  const taken = (await repo.listFields(db, { includeArchived: true })).some((f) => f.key === input.key);
  if (taken) throw AppError.field('key', 'custom_fields.key_taken', { value: input.key }, 'conflict');
  try {
    const row = await repo.insertField(db, {
      entity: 'customer',
      key: input.key,
      labelZh: input.labelZh,
      labelEn: input.labelEn,
      type: input.type,
      options: input.options,
      required: input.required,
      position: input.position ?? (await repo.nextPosition(db)),
    });
    const view = toFieldView(row);
    await recordAudit(db, actor, { action: 'create', entityType: 'custom_field', entityId: row.id, changes: { key: view.key, labelZh: view.labelZh, labelEn: view.labelEn, type: view.type, options: view.options, required: view.required } });
    return view;
  } catch (err) {
    if (isUniqueViolation(err, 'custom_fields_entity_key_unique')) throw AppError.field('key', 'custom_fields.key_taken', { value: input.key }, 'conflict');
    throw err;
  }
}

export async function updateCustomField(db: DbOrTx, actor: Actor | null, id: string, input: UpdateFieldInput): Promise<CustomFieldView> {
  requireAccess(actor, 'settings:manage');
  const before = await loadField(db, id);
  const type = input.type ?? before.type;
  const options = input.options ?? (input.type && input.type !== before.type ? [] : before.options);
  const choice = type === 'select' || type === 'multiselect';
  if (choice && !options.length) throw AppError.field('options', 'custom_fields.options_required');
  if (!choice && options.length) throw AppError.field('options', 'custom_fields.options_not_allowed');
  if (type !== before.type) {
    const count = await repo.countWithValue(db, before.key);
    if (count) throw AppError.field('type', 'custom_fields.type_in_use', { count }, 'conflict');
  } else if (choice) {
    const kept = new Set(options.map((o) => o.value));
    for (const o of before.options) {
      if (kept.has(o.value)) continue;
      const count = await repo.countWithOption(db, before.key, o.value, type === 'multiselect');
      if (count) throw AppError.field('options', 'custom_fields.option_in_use', { value: o.labelZh, valueEn: o.labelEn, count }, 'conflict');
    }
  }
  const values = Object.fromEntries(Object.entries({ ...input, options: choice ? options : [] }).filter(([, v]) => v !== undefined));
  const row = await repo.updateField(db, id, values);
  const after = toFieldView(row!);
  const changes = changesOf(toFieldView(before), after);
  if (Object.keys(changes).length) await recordAudit(db, actor, { action: 'update', entityType: 'custom_field', entityId: id, changes: { key: before.key, ...changes } });
  return after;
}

/** Archive: the field leaves forms, filters and exports and is no longer validated; customers keep their values. */
export async function archiveCustomField(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'settings:manage');
  const before = await loadField(db, id);
  if (!before.active) return;
  await repo.updateField(db, id, { active: false });
  await recordAudit(db, actor, { action: 'delete', entityType: 'custom_field', entityId: id, changes: { key: before.key, labelZh: before.labelZh } });
}

export async function restoreCustomField(db: DbOrTx, actor: Actor | null, id: string): Promise<CustomFieldView> {
  requireAccess(actor, 'settings:manage');
  const before = await loadField(db, id);
  if (before.active) throw AppError.conflict('custom_fields.not_archived');
  const row = await repo.updateField(db, id, { active: true });
  await recordAudit(db, actor, { action: 'restore', entityType: 'custom_field', entityId: id, changes: { key: before.key, labelZh: before.labelZh } });
  return toFieldView(row!);
}

// ---- values ---------------------------------------------------------------------------------------------------

const labels = (d: CustomFieldDef) => ({ labelZh: d.labelZh, labelEn: d.labelEn });
const optionList = (options: CustomFieldOption[]) => ({
  options: options.map((o) => o.labelZh).join(' / '),
  optionsEn: options.map((o) => o.labelEn).join(' / '),
});

function isIsoDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v && v >= '1000-01-01';
}

/** One value checked against its definition: the stored value, or the problem (message keys use the field's labels). */
export function checkCustomValue(def: CustomFieldDef, value: unknown): { value: CustomValue } | { issue: FieldIssue } {
  const field = `custom.${def.key}`;
  const bad = (key: FieldIssue['key'], extra: Record<string, string | number> = {}) => ({ issue: { field, key, params: { ...labels(def), ...extra } } });
  switch (def.type) {
    case 'text': {
      if (typeof value !== 'string') return bad('custom_fields.not_text', { max: CUSTOM_TEXT_MAX });
      const s = value.trim();
      if (s.length > CUSTOM_TEXT_MAX) return bad('custom_fields.too_long', { max: CUSTOM_TEXT_MAX });
      if (s.includes('\u0000')) return bad('custom_fields.not_text', { max: CUSTOM_TEXT_MAX });
      return s === '' ? bad('custom_fields.required') : { value: s };
    }
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) < 1e15 ? { value } : bad('custom_fields.not_number');
    case 'date':
      return typeof value === 'string' && isIsoDate(value) ? { value } : bad('custom_fields.not_date');
    case 'boolean':
      return typeof value === 'boolean' ? { value } : bad('custom_fields.not_boolean');
    case 'select':
      if (typeof value !== 'string') return bad('custom_fields.not_option', { value: String(JSON.stringify(value)).slice(0, 50), ...optionList(def.options) });
      return def.options.some((o) => o.value === value) ? { value } : bad('custom_fields.not_option', { value: value.slice(0, 50), ...optionList(def.options) });
    case 'multiselect': {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return bad('custom_fields.not_list');
      const list = [...new Set(value as string[])];
      const unknown = list.find((v) => !def.options.some((o) => o.value === v));
      if (unknown !== undefined) return bad('custom_fields.not_option', { value: unknown.slice(0, 50), ...optionList(def.options) });
      return { value: list };
    }
  }
}

/**
 * Validates `custom` of a create (`before` undefined) or an update (merged into `before`; null removes a value)
 * against the active definitions. Unknown and archived keys are refused; values of archived fields already stored
 * are kept untouched. Returns the merged values, or the problems (each naming `custom.<key>`).
 */
export function mergeCustomValues(
  defs: CustomFieldDef[],
  input: Record<string, unknown> | undefined,
  before: CustomValues | undefined,
  opts: { checkRequired: boolean } = { checkRequired: true },
): { values: CustomValues; issues: FieldIssue[] } {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const values: CustomValues = { ...(before ?? {}) };
  const issues: FieldIssue[] = [];
  for (const [key, raw] of Object.entries(input ?? {})) {
    const def = byKey.get(key);
    if (!def) {
      issues.push({ field: `custom.${key}`, key: 'custom_fields.unknown', params: { key: key.slice(0, 50) } });
      continue;
    }
    const empty = raw === null || (typeof raw === 'string' && raw.trim() === '') || (Array.isArray(raw) && raw.length === 0);
    if (empty) {
      delete values[key];
      continue;
    }
    const r = checkCustomValue(def, raw);
    if ('issue' in r) issues.push(r.issue);
    else values[key] = r.value;
  }
  if (opts.checkRequired) {
    for (const def of defs) {
      if (!def.required || values[def.key] !== undefined) continue;
      if (issues.some((i) => i.field === `custom.${def.key}`)) continue; // a wrong value is reported already
      // On an update only a value being removed is reported (an old customer without the value may still be edited).
      if (before && !(input && def.key in input)) continue;
      issues.push({ field: `custom.${def.key}`, key: 'custom_fields.required', params: labels(def) });
    }
  }
  return { values, issues };
}

/** Validates and merges, or throws 400 naming each wrong `custom.<key>`. */
export async function validatedCustomValues(db: DbOrTx, input: Record<string, unknown> | undefined, before?: CustomValues): Promise<CustomValues> {
  const defs = await activeCustomFields(db);
  const { values, issues } = mergeCustomValues(defs, input, before);
  if (issues.length) throw AppError.validation(issues);
  return values;
}

/** A value as people read it: select values by their label, booleans as 是/否, lists joined. */
export function displayCustomValue(def: CustomFieldDef, value: unknown, locale: Locale): string | number | null {
  if (value === undefined || value === null) return null;
  const label = (v: string) => {
    const o = def.options.find((x) => x.value === v);
    return o ? (locale === 'en' ? o.labelEn : o.labelZh) : v;
  };
  switch (def.type) {
    case 'select':
      return label(String(value));
    case 'multiselect':
      return Array.isArray(value) ? value.map((v) => label(String(v))).join(locale === 'en' ? ', ' : '、') : String(value);
    case 'boolean':
      return value === true ? (locale === 'en' ? 'Yes' : '是') : value === false ? (locale === 'en' ? 'No' : '否') : String(value);
    case 'number':
      return typeof value === 'number' ? value : String(value);
    default:
      return String(value);
  }
}

// ---- filters --------------------------------------------------------------------------------------------------

/** A custom-field condition of the customer list, as data the customers repository turns into SQL. */
export type CustomCondition =
  | { key: string; op: 'contains'; value: Record<string, CustomValue> }
  | { key: string; op: 'range'; type: 'number' | 'date'; from?: number | string; to?: number | string };

/**
 * Parses the list's `custom` parameter (a JSON object) against the active definitions: equality for text, select
 * and boolean, contains for multi-select (one value or a list), `{from, to}` for numbers and dates.
 */
export async function parseCustomFilter(db: DbOrTx, raw: string | undefined): Promise<CustomCondition[]> {
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw AppError.field('custom', 'custom_fields.bad_filter');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw AppError.field('custom', 'custom_fields.bad_filter');
  const defs = new Map((await activeCustomFields(db)).map((d) => [d.key, d]));
  const out: CustomCondition[] = [];
  const issues: FieldIssue[] = [];
  for (const [key, v] of Object.entries(parsed as Record<string, unknown>)) {
    const def = defs.get(key);
    const field = `custom.${key}`;
    if (!def) {
      issues.push({ field, key: 'custom_fields.unknown', params: { key: key.slice(0, 50) } });
      continue;
    }
    if (v === null || v === '') continue;
    if (def.type === 'number' || def.type === 'date') {
      const range = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { from: v, to: v };
      const extra = Object.keys(range).filter((k) => k !== 'from' && k !== 'to');
      const bounds: { from?: number | string; to?: number | string } = {};
      let ok = extra.length === 0;
      for (const b of ['from', 'to'] as const) {
        const x = range[b];
        if (x === undefined || x === null || x === '') continue;
        const r = checkCustomValue(def, x);
        if ('issue' in r) ok = false;
        else bounds[b] = r.value as number | string;
      }
      if (!ok) issues.push({ field, key: 'custom_fields.bad_range', params: labels(def) });
      else if (bounds.from !== undefined || bounds.to !== undefined) out.push({ key, op: 'range', type: def.type, ...bounds });
      continue;
    }
    const value = def.type === 'multiselect' && !Array.isArray(v) ? [v] : v;
    const r = checkCustomValue(def, value);
    if ('issue' in r) issues.push(r.issue);
    else out.push({ key, op: 'contains', value: { [key]: r.value } });
  }
  if (issues.length) throw AppError.validation(issues);
  return out;
}
