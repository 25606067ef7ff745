/**
 * Segment fields for custom fields (`custom.<key>`), made from the active definitions: values live in
 * `c.custom` (jsonb, GIN-indexed with jsonb_path_ops), so equality and "has all" use containment (`@>`), which the
 * index answers. The key is a bound parameter like every value.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { CustomFieldDef } from '../fields/index.js';
import { columnSql, OPS, textArray } from './fields.sql.js';
import { setCustomFieldMaker, type CheckedCondition, type CompileContext, type SegmentFieldDef, type SegmentFieldType } from './fields.registry.js';
import type { RuleOp } from './rule.js';

const TYPES: Record<CustomFieldDef['type'], SegmentFieldType> = {
  text: 'text',
  number: 'number',
  date: 'date',
  select: 'enum',
  multiselect: 'tags',
  boolean: 'boolean',
};

const OPS_BY_TYPE: Record<CustomFieldDef['type'], readonly RuleOp[]> = {
  text: OPS.text,
  number: [...OPS.number, ...OPS.empty],
  date: ['eq', 'before', 'after', 'between', 'isEmpty', 'isNotEmpty'],
  select: [...OPS.enum, ...OPS.empty],
  multiselect: OPS.tags,
  boolean: OPS.boolean,
};

const contains = (key: string, value: unknown): SQL => sql`c.custom @> ${JSON.stringify({ [key]: value })}::jsonb`;

function customSql(def: CustomFieldDef, cond: CheckedCondition, ctx: CompileContext): SQL {
  const key = def.key;
  const raw = sql`(c.custom -> ${key})`;
  const kind = sql`jsonb_typeof(c.custom -> ${key})`;
  switch (def.type) {
    case 'boolean':
      return contains(key, true);
    case 'multiselect':
      if (cond.op === 'hasAll') return contains(key, cond.value);
      if (cond.op === 'hasAny') return sql`(${kind} = 'array' and jsonb_exists_any(${raw}, ${textArray(cond.value as string[])}))`;
      return sql`(${kind} is distinct from 'array' or jsonb_array_length(${raw}) = 0)`;
    case 'number':
      if (cond.op === 'eq') return contains(key, cond.value);
      return columnSql('number', sql`(case when ${kind} = 'number' then (c.custom ->> ${key})::numeric end)`, cond, ctx);
    case 'date':
      return columnSql('date', sql`(case when ${kind} = 'string' and (c.custom ->> ${key}) ~ '^\\d{4}-\\d{2}-\\d{2}$' then (c.custom ->> ${key})::date end)`, cond, ctx);
    default:
      // text and select: strings
      if (cond.op === 'eq') return contains(key, String(cond.value));
      return columnSql('text', sql`(case when ${kind} = 'string' then c.custom ->> ${key} end)`, cond, ctx);
  }
}

/** Containment (`@>`) and emptiness tests are never NULL; comparisons of a missing value are. */
function nullSafe(def: CustomFieldDef, op: RuleOp): boolean {
  if (op === 'isEmpty' || def.type === 'boolean') return true;
  if (def.type === 'multiselect') return op === 'hasAll';
  return op === 'eq' && def.type !== 'date';
}

export function customSegmentField(def: CustomFieldDef): SegmentFieldDef {
  return {
    key: `custom.${def.key}`,
    group: 'custom',
    grant: `custom.${def.key}`,
    type: TYPES[def.type],
    ops: OPS_BY_TYPE[def.type],
    ...(def.type === 'select' || def.type === 'multiselect' ? { options: def.options.map((o) => ({ value: o.value, zh: o.labelZh, en: o.labelEn })) } : {}),
    label: { zh: def.labelZh, en: def.labelEn },
    toSql: (cond, ctx) => customSql(def, cond, ctx),
    nullSafe: (op) => nullSafe(def, op),
  };
}

setCustomFieldMaker(customSegmentField);
