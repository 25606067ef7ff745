import { useState } from 'react';
import { Typography } from 'antd';
import { displayCurrencySymbol, formatDateTimeSeconds } from '../../platform/format';
import type { Translate } from '../../platform/i18n';
import type { AuditView } from '../../../../src/modules/audit/audit.contract';

/** One line of an entry's details: a field and its value, or its value before and after. */
export type ChangeLine = { key: string; label: string; before: string | null; after: string; pair: boolean };

/** Keys whose two-item lists are lists, not [before, after] (a reveal's fields). */
const LIST_KEYS = new Set(['fields', 'articles', 'templateIds']);
const MAX = 120;

/** A module's own reading of a value (enum labels, names for ids), where it has one. */
export type ValueFormat = (key: string, value: unknown) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const clip = (s: string) => (s.length > MAX ? `${s.slice(0, MAX - 1)}…` : s);

/**
 * A value as text: dates in the display zone, amounts in fen as money, lists joined, objects as `field: value` pairs
 * (labelled by `labels`, the server's `fieldLabels`, under `key.field`).
 */
export function formatAuditValue(t: Translate, key: string, v: unknown, labels: Record<string, string> = {}, depth = 0): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (typeof v === 'number') return /Fen$/.test(key) ? `${displayCurrencySymbol()}${(v / 100).toFixed(2)}` : String(v);
  if (typeof v === 'string') return clip(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) ? formatDateTimeSeconds(v) : v);
  if (Array.isArray(v)) return v.length ? clip(v.map((x) => formatAuditValue(t, key, x, labels, depth + 1)).join(t('sep.list'))) : '—';
  if (isObject(v)) {
    if (depth > 2) return '…';
    const parts = Object.entries(v)
      .filter(([, x]) => x !== null && x !== undefined && x !== '')
      .map(([k, x]) => `${labels[`${key}.${k}`] ?? k}: ${formatAuditValue(t, k, x, {}, depth + 1)}`);
    return parts.length ? clip(parts.join('; ')) : '—';
  }
  return clip(String(v));
}

/** Whether a value stands for [before, after]: two items of one kind, or nothing before. */
function isPair(key: string, v: unknown): v is [unknown, unknown] {
  if (!Array.isArray(v) || v.length !== 2 || LIST_KEYS.has(key)) return false;
  return v[0] === null || kind(v[0]) === kind(v[1]);
}

/**
 * An entry's `changes` as lines: `{ field: [before, after] }` as before → after, `{ before: {…}, after: {…} }` as the
 * fields that differ, anything else as field → value. Field labels come from the server (`fieldLabels`).
 */
export function changeLines(t: Translate, entry: Pick<AuditView, 'changes' | 'fieldLabels'>, format?: ValueFormat): ChangeLine[] {
  const c = entry.changes;
  if (c === null || c === undefined) return [];
  const labels = entry.fieldLabels;
  const label = (k: string) => labels[k] ?? k;
  const value = (k: string, v: unknown) => format?.(k, v) ?? formatAuditValue(t, k, v, labels);
  if (!isObject(c)) return [{ key: '', label: '', before: null, after: value('', c), pair: false }];
  const before = c['before'];
  const after = c['after'];
  if (isObject(before) && isObject(after) && Object.keys(c).length === 2) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys
      .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
      .map((k) => ({ key: k, label: label(k), before: value(k, before[k]), after: value(k, after[k]), pair: true }));
  }
  const blank = (v: unknown) => v === null || v === '' || (Array.isArray(v) && !v.length) || (isObject(v) && Object.values(v).every(blank));
  return Object.entries(c).flatMap(([k, v]): ChangeLine[] => {
    if (!isPair(k, v)) return [{ key: k, label: label(k), before: null, after: value(k, v), pair: false }];
    // A new record's empty fields say nothing.
    if (v[0] === null && blank(v[1])) return [];
    return [{ key: k, label: label(k), before: v[0] === null ? null : value(k, v[0]), after: value(k, v[1]), pair: true }];
  });
}

/** The details cell: a list of field → value (before → after), and the stored data behind a collapsed toggle. */
export function AuditChanges({ t, entry, format }: { t: Translate; entry: AuditView; format?: ValueFormat }) {
  const [raw, setRaw] = useState(false);
  const lines = changeLines(t, entry, format);
  if (!lines.length) return null;
  return (
    <div data-testid="audit-changes" style={{ fontSize: 12 }}>
      <ul style={{ margin: 0, paddingInlineStart: 16 }}>
        {lines.map((l) => (
          <li key={l.key} data-testid="audit-change" style={{ overflowWrap: 'anywhere' }}>
            {l.label ? <Typography.Text type="secondary">{l.label}: </Typography.Text> : null}
            {l.pair && l.before !== null ? (
              <>
                <Typography.Text delete type="secondary">
                  {l.before}
                </Typography.Text>
                {' → '}
              </>
            ) : null}
            <Typography.Text>{l.after}</Typography.Text>
          </li>
        ))}
      </ul>
      <Typography.Link style={{ fontSize: 12 }} onClick={() => setRaw((r) => !r)} aria-expanded={raw}>
        {t('audit.raw')}
      </Typography.Link>
      {raw ? (
        <pre data-testid="audit-raw" style={{ margin: 0, whiteSpace: 'pre-wrap', maxHeight: 320, overflow: 'auto' }}>
          {JSON.stringify(entry.changes, null, 2)}
        </pre>
      ) : null}
    </div>
  );
}
