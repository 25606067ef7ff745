/**
 * The registry behind fields.ts (types and the map); the built-in field files register into it. Import fields.ts,
 * which loads the built-in fields, rather than this file.
 */
import type { SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { MessageKey } from '../../platform/i18n/index.js';
import { isMessageKey, t, type Locale } from '../../platform/i18n/index.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { activeCustomFields, type CustomFieldDef } from '../fields/index.js';
import { analyticsFacts } from '../analytics/index.js';
import type { RuleOp, RuleValue } from './rule.js';

export type SegmentFieldType = 'text' | 'number' | 'money' | 'date' | 'enum' | 'tags' | 'boolean';
/** Built-in groups; later modules may name their own ('survey', 'loyalty' …). */
export type SegmentFieldGroup = 'customer' | 'custom' | 'purchase' | 'analytics' | 'service' | 'segment' | (string & {});

export type SegmentFieldOption = { value: string | number; zh: string; en: string };

/** Where the builder finds choices that are records rather than fixed options (owner → users, product → products …). */
export type OptionsSource = 'users' | 'teams' | 'products' | 'segments' | 'tags';

/** What compileRule needs besides the rule: the clock, how to read another segment's membership, and the field context. */
export type CompileContext = FieldContext & {
  now: Date;
  /** A condition: the customer `c.id` is a member of that segment (the service decides dynamic vs static). */
  memberOf: (segmentId: string) => SQL;
  /** The company's time zone (days begin at its midnight); Asia/Shanghai when absent. */
  zone?: string;
  /**
   * The customers of one slice of a refresh, ids in (after, upTo] (null: open): sets of customer ids are cut to the
   * range inside their subquery, so a slice reads its own customers' rows and not every customer's.
   */
  range?: { after: string | null; upTo: string | null };
};

/** What checking and compiling need to know of the database: custom-field definitions, whether analytics ran. */
export type FieldContext = {
  customFields?: readonly CustomFieldDef[];
  /** False before the first analytics run (its results table does not exist yet): analytics conditions are then false. */
  analyticsReady?: boolean;
};

/**
 * A checked condition as a field's `toSql` receives it: the value has the shape the operator needs (a number, a
 * 'YYYY-MM-DD' date, a list, a [from, to] pair …) and `params` passed the field's params schema (defaults applied).
 */
export type CheckedCondition = {
  field: string;
  op: RuleOp;
  value: RuleValue | undefined;
  params: Record<string, unknown>;
};

/** Describes one parameter for the builder: its name, kind and default, and the allowed choices if fixed. */
export type SegmentParamInfo = {
  name: string;
  kind: 'days' | 'enum' | 'id';
  required: boolean;
  default?: string | number;
  options?: readonly SegmentFieldOption[];
  optionsSource?: OptionsSource;
};

export type SegmentFieldDef = {
  key: string;
  group: SegmentFieldGroup;
  /**
   * Field grants (issue #18): the customer field whose grant covers this one (`address`, `phones`, `custom.<key>` …:
   * platform/auth/field-catalog.ts); a role that does not see it may not filter on it. Every field of the `customer`
   * group names it, or null for what is no customer field (the creation time) — an allow-list: a field read from the
   * customer's record that named none would not register. Fields of other groups (behaviour) leave it out.
   */
  grant?: string | null;
  type: SegmentFieldType;
  ops: readonly RuleOp[];
  /** Enum fields: the allowed values with labels. */
  options?: readonly SegmentFieldOption[];
  optionsSource?: OptionsSource;
  /** Value check beyond the type (e.g. ids must be uuids): a message key when bad. */
  checkValue?: (op: RuleOp, value: RuleValue | undefined) => MessageKey | null;
  /** The schema of `params` (unknown keys refused) and its description for the builder. */
  params?: z.ZodType<Record<string, unknown>>;
  paramsInfo?: readonly SegmentParamInfo[];
  /** A message key, or labels in both languages (custom fields and fields of later modules). */
  label: MessageKey | { zh: string; en: string };
  toSql(cond: CheckedCondition, ctx: CompileContext): SQL;
  /**
   * The same condition over the facts read model (`customer_facts`, also aliased `c`; segments.facts.ts), or null when
   * the facts cannot answer it exactly (a window they do not hold, a column they do not carry). Absent: never.
   */
  facts?: (cond: CheckedCondition, ctx: CompileContext) => SQL | null;
  /**
   * The SQL of `toSql` is never NULL (an `exists`, a count, a NOT NULL column) for this positive operator: its
   * negation can then be a plain `not (…)`, which PostgreSQL turns into an anti-join, instead of `(…) is not true`.
   */
  nullSafe?: (op: RuleOp) => boolean;
};

/** What the builder UI gets for a field. */
export type SegmentFieldView = {
  key: string;
  group: SegmentFieldGroup;
  type: SegmentFieldType;
  ops: RuleOp[];
  /** The operators as people read them (等于, 在最近 N 天内 …). */
  opLabels: Partial<Record<RuleOp, string>>;
  label: string;
  options?: { value: string | number; label: string }[];
  optionsSource?: OptionsSource;
  params?: (Omit<SegmentParamInfo, 'options'> & { options?: { value: string | number; label: string }[] })[];
};

const registry = new Map<string, SegmentFieldDef>();

/** Adds a field (a later module's metric). A key registered twice is a programming error. */
export function registerSegmentField(def: SegmentFieldDef): void {
  if (registry.has(def.key)) throw new Error(`segment field ${def.key} registered twice`);
  if (def.key.startsWith('custom.')) throw new Error('custom.* fields come from the custom-field definitions');
  if (def.group === 'customer' && def.grant === undefined) throw new Error(`segment field ${def.key} reads the customer record: name its field grant (or null)`);
  registry.set(def.key, def);
}

/** Removes a registered field (tests that register one of their own take it out again). */
export function unregisterSegmentField(key: string): void {
  registry.delete(key);
}

/** Test and composition helper: whether a key is registered. */
export function hasSegmentField(key: string): boolean {
  return registry.has(key);
}

/** The field a condition names, or undefined (custom fields need the context's definitions). */
export function segmentField(key: string, ctx: FieldContext = {}): SegmentFieldDef | undefined {
  const builtIn = registry.get(key);
  if (builtIn) return builtIn;
  if (key.startsWith('custom.') && ctx.customFields) {
    const def = ctx.customFields.find((d) => `custom.${d.key}` === key);
    return def ? customFieldMaker(def) : undefined;
  }
  return undefined;
}

/** Every field the builder may offer, labelled in `locale` (custom fields included when the context has them). */
export function listSegmentFields(locale: Locale, ctx: FieldContext = {}): SegmentFieldView[] {
  const defs = [...registry.values(), ...(ctx.customFields ?? []).map((d) => customFieldMaker(d))];
  return defs.map((d) => viewOf(d, locale));
}

const labelOf = (locale: Locale, o: { zh: string; en: string }) => (locale === 'en' ? o.en : o.zh);

function viewOf(d: SegmentFieldDef, locale: Locale): SegmentFieldView {
  const label = typeof d.label === 'string' ? t(locale, d.label) : labelOf(locale, d.label);
  const opLabels = Object.fromEntries(d.ops.map((op) => [op, isMessageKey(`segment_op.${op}`) ? t(locale, `segment_op.${op}` as MessageKey) : op]));
  const view: SegmentFieldView = { key: d.key, group: d.group, type: d.type, ops: [...d.ops], opLabels, label };
  if (d.options) view.options = d.options.map((o) => ({ value: o.value, label: labelOf(locale, o) }));
  if (d.optionsSource) view.optionsSource = d.optionsSource;
  if (d.paramsInfo) {
    view.params = d.paramsInfo.map(({ options, ...p }) => (options ? { ...p, options: options.map((o) => ({ value: o.value, label: labelOf(locale, o) })) } : p));
  }
  return view;
}

/** Reads what checking and compiling need of the database (the service calls it once per request). */
export async function loadFieldContext(db: DbOrTx): Promise<Required<FieldContext>> {
  const [customFields, analyticsReady] = await Promise.all([activeCustomFields(db), analyticsFacts.exist(db)]);
  return { customFields, analyticsReady };
}

/** Set by fields.custom.ts (kept apart to keep this file small and free of cycles). */
let customFieldMaker: (def: CustomFieldDef) => SegmentFieldDef = () => {
  throw new Error('custom segment fields are not set up');
};
export function setCustomFieldMaker(make: (def: CustomFieldDef) => SegmentFieldDef): void {
  customFieldMaker = make;
}
