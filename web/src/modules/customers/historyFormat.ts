import type { Translate } from '../../platform/i18n';
import { CHANNELS, type AuditView, type LunarBirthday } from './api';
import { enumLabel, fieldLabel, formatLunar } from './labels';

export type Lookup = {
  user: (id: string) => string | undefined;
  team: (id: string) => string | undefined;
  /** A custom field by key: its label and how a stored value reads (select options by their labels). */
  custom?: (key: string) => { label: string; value: (v: unknown) => string | null } | undefined;
};
export type ChangeLine = { field: string; label: string; before: string | null; after: string };

/** A value from the audit log as a person reads it: labels for enums, names for ids, lists joined. */
export function formatValue(t: Translate, field: string, value: unknown, lookup: Lookup): string {
  const empty = t('history.emptyValue');
  if (value === null || value === undefined || value === '') return empty;
  if (Array.isArray(value)) return value.length ? value.map((v) => formatValue(t, field, v, lookup)).join(t('sep.list')) : empty;
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (field === 'lunarBirthday') return formatLunar(t, o as unknown as LunarBirthday);
    if (field === 'consent') {
      return CHANNELS.filter((ch) => ch in o)
        .map((ch) => [ch, o[ch]] as const)
        .map(([ch, v]) => `${enumLabel(t, 'channel', ch)} ${v ? t('consent.granted') : t('consent.denied')}`)
        .join(t('sep.comma'));
    }
    const parts = Object.entries(o).map(([k, v]) => `${fieldLabel(t, k)}: ${formatValue(t, k, v, lookup)}`);
    return parts.length ? parts.join(t('sep.semicolon')) : empty;
  }
  const s = String(value);
  switch (field) {
    case 'stage':
      return enumLabel(t, 'stage', s);
    case 'kind':
      return enumLabel(t, 'kind', s);
    case 'gender':
      return enumLabel(t, 'gender', s);
    case 'idType':
      return enumLabel(t, 'idType', s);
    case 'contactChannel':
      return enumLabel(t, 'channel', s);
    case 'language':
      return enumLabel(t, 'lang', s);
    case 'ownerId':
      return lookup.user(s) ?? s;
    case 'teamId':
      return lookup.team(s) ?? s;
    default:
      return s;
  }
}

const isPair = (v: unknown): v is [unknown, unknown] => Array.isArray(v) && v.length === 2;

/** The order fields are listed in: as on the form (the log itself keeps no order). */
const FIELD_ORDER = [
  'kind', 'name', 'phones', 'email', 'gender', 'birthday', 'lunarBirthday', 'idType', 'idNumber',
  'province', 'city', 'district', 'street', 'compound', 'building', 'unit', 'room',
  'tags', 'preferences', 'source', 'stage', 'ownerId', 'teamId', 'consent', 'notes',
];
const rank = (f: string) => {
  const i = FIELD_ORDER.indexOf(f);
  return i < 0 ? FIELD_ORDER.length : i;
};

/** The changed fields of a create / update entry: "field: before → after" (for a create, only the new value). */
export function changeLines(t: Translate, entry: AuditView, lookup: Lookup): ChangeLine[] {
  const changes = entry.changes;
  if (!changes || typeof changes !== 'object') return [];
  const out: ChangeLine[] = [];
  for (const [field, pair] of Object.entries(changes as Record<string, unknown>)) {
    if (!isPair(pair)) continue;
    const [before, after] = pair;
    // `custom.<key>`: the field's own label, and its values as the form shows them.
    const custom = field.startsWith('custom.') ? lookup.custom?.(field.slice('custom.'.length)) : undefined;
    const show = (v: unknown) => (custom && v !== null && v !== undefined ? (custom.value(v) ?? t('history.emptyValue')) : formatValue(t, field, v, lookup));
    out.push({
      field,
      label: custom?.label ?? fieldLabel(t, field),
      before: entry.action === 'create' ? null : show(before),
      after: show(after),
    });
  }
  return out.sort((a, b) => rank(a.field) - rank(b.field));
}

type ContactSummary = { name?: string; title?: string | null; phones?: string[] };

/** The lines under a contact entry: its name, and for a change what changed. */
export function contactLines(t: Translate, entry: AuditView, lookup: Lookup): ChangeLine[] {
  const c = (entry.changes ?? {}) as ContactSummary & { before?: ContactSummary; after?: ContactSummary };
  if (entry.action !== 'contact_update' || !c.before || !c.after) {
    return [{ field: 'name', label: t('contacts.name'), before: null, after: formatValue(t, 'name', c.name, lookup) }];
  }
  const lines: ChangeLine[] = [];
  const labels: Record<keyof ContactSummary, string> = { name: t('contacts.name'), title: t('contacts.title'), phones: t('field.phones') };
  for (const k of ['name', 'title', 'phones'] as const) {
    const b = formatValue(t, k, c.before[k], lookup);
    const a = formatValue(t, k, c.after[k], lookup);
    if (b !== a || k === 'name') lines.push({ field: k, label: labels[k], before: b === a ? null : b, after: a });
  }
  return lines;
}
