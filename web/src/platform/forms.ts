import type { FormInstance } from 'antd';
import { ApiError } from './api';

type NamePath = (string | number)[];

/** `phones.0` → ['phones', 0]; `address.city` → ['address', 'city']. */
export function fieldPath(field: string): NamePath {
  return field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/**
 * Puts the server's field errors (problem+json `errors[].field`) onto the form's fields. Returns the messages that
 * belong to no field on the form, for a banner.
 */
export function applyServerErrors(form: FormInstance, err: unknown, alias: Record<string, string> | ((field: string) => string) = {}): string[] {
  const rename = typeof alias === 'function' ? alias : (f: string) => alias[f] ?? f;
  if (!(err instanceof ApiError)) return [err instanceof Error ? err.message : String(err)];
  const registered = new Set(form.getFieldsError().map((f) => f.name.join('.')));
  const leftover: string[] = [];
  const fields: { name: NamePath; errors: string[] }[] = [];
  for (const e of err.problem.errors) {
    const name = fieldPath(rename(e.field));
    if (registered.has(name.join('.'))) {
      const existing = fields.find((f) => f.name.join('.') === name.join('.'));
      if (existing) existing.errors.push(e.message);
      else fields.push({ name, errors: [e.message] });
    } else {
      leftover.push(e.message);
    }
  }
  if (fields.length) {
    form.setFields(fields);
    form.scrollToField(fields[0]!.name, { block: 'center' });
  }
  if (!err.problem.errors.length) leftover.push(err.problem.detail);
  return leftover;
}
