/**
 * Built-in segment fields on the customer record itself, read from the customer directory under alias `c`:
 * conditions here are plain (mostly indexable) predicates on c's columns.
 */
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { MessageKey } from '../../platform/i18n/index.js';
import { columnSql, OPS, uuidArray } from './fields.sql.js';
import { registerSegmentField, type CheckedCondition, type SegmentFieldDef, type SegmentFieldOption, type SegmentFieldType } from './fields.registry.js';
import type { RuleOp } from './rule.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Values must be ids (owner, team, product, segment). */
export function idValues(_op: RuleOp, value: unknown): MessageKey | null {
  const xs = Array.isArray(value) ? value : [value];
  return xs.every((x) => typeof x === 'string' && UUID.test(x)) ? null : 'segment_rule.not_id';
}

export const KIND_OPTIONS: SegmentFieldOption[] = [
  { value: 'person', zh: '个人', en: 'Person' },
  { value: 'organization', zh: '单位', en: 'Organisation' },
];
export const GENDER_OPTIONS: SegmentFieldOption[] = [
  { value: 'male', zh: '男', en: 'Male' },
  { value: 'female', zh: '女', en: 'Female' },
  { value: 'unknown', zh: '未知', en: 'Unknown' },
];
export const STAGE_OPTIONS: SegmentFieldOption[] = [
  { value: 'prospect', zh: '潜在客户', en: 'Prospect' },
  { value: 'new', zh: '新客户', en: 'New' },
  { value: 'active', zh: '活跃客户', en: 'Active' },
  { value: 'loyal', zh: '忠诚客户', en: 'Loyal' },
  { value: 'at_risk', zh: '有流失风险', en: 'At risk' },
  { value: 'dormant', zh: '沉睡客户', en: 'Dormant' },
  { value: 'churned', zh: '已流失', en: 'Churned' },
];
export const CONSENT_CHANNELS = ['phone', 'sms', 'email', 'wechat'] as const;
const CHANNEL_OPTIONS: SegmentFieldOption[] = [
  { value: 'phone', zh: '电话', en: 'Phone' },
  { value: 'sms', zh: '短信', en: 'SMS' },
  { value: 'email', zh: '邮件', en: 'Email' },
  { value: 'wechat', zh: '微信', en: 'WeChat' },
];
const MONTHS: SegmentFieldOption[] = Array.from({ length: 12 }, (_, i) => ({ value: i + 1, zh: `${i + 1}月`, en: new Date(Date.UTC(2000, i, 1)).toLocaleString('en', { month: 'long', timeZone: 'UTC' }) }));

type Simple = {
  key: string;
  /** The customer field grant covering it (field grants, issue #18); null: no customer field (the creation time). */
  grant: string | null;
  column: SQL;
  type: SegmentFieldType;
  /** The column is a timestamp (days in the company zone); a `date` type otherwise compares as a date. */
  timestamp?: boolean;
  nullable?: boolean;
  /** The column is NOT NULL (its conditions are never NULL: negations become plain NOTs). */
  notNull?: boolean;
  ops?: readonly RuleOp[];
  options?: SegmentFieldOption[];
  extra?: Partial<SegmentFieldDef>;
  /** The facts read model does not carry the column (the name; kind, gender, source, province: rarely filtered on). */
  notInFacts?: boolean;
};

const opsOf = (type: SegmentFieldType, nullable: boolean): RuleOp[] => {
  const base: readonly RuleOp[] = type === 'money' ? OPS.number : OPS[type];
  return nullable && !base.includes('isEmpty') ? [...base, ...OPS.empty] : [...base];
};

function column(s: Simple): SegmentFieldDef {
  const def: SegmentFieldDef = {
    key: s.key,
    group: 'customer',
    grant: s.grant,
    type: s.type,
    ops: s.ops ?? opsOf(s.type, s.nullable ?? false),
    ...(s.options ? { options: s.options } : {}),
    label: `segment_field.${s.key}` as MessageKey,
    toSql: (cond, ctx) => columnSql(s.timestamp ? 'timestamp' : s.type, s.column, cond, ctx),
    nullSafe: (op) => op === 'isEmpty' || s.notNull === true,
    ...s.extra,
  };
  // The facts read model (customer_facts) carries these columns under the same names and types: the same SQL over `c`.
  return s.notInFacts ? def : { ...def, facts: def.toSql };
}

/** An id column: values are uuids (bound as such, so the column's index applies). */
function uuidSql(col: SQL, cond: CheckedCondition): SQL {
  if (cond.op === 'isEmpty') return sql`${col} is null`;
  const ids = Array.isArray(cond.value) ? cond.value : [cond.value];
  return cond.op === 'eq' ? sql`${col} = ${String(cond.value)}::uuid` : sql`${col} = any(${uuidArray(ids as string[])})`;
}

const text = (name: string, grant: string, key = name, notInFacts = false) => column({ key: `customer.${key}`, grant, column: sql.raw(`c.${name}`), type: 'text', nullable: true, notInFacts });

/** A field holding another record's id (a user, a team): chosen from that list in the builder. */
const reference = (key: string, col: SQL, optionsSource: 'users' | 'teams') =>
  column({
    key,
    grant: 'owner',
    column: col,
    type: 'enum',
    ops: ['eq', 'ne', 'in', 'notIn', 'isEmpty', 'isNotEmpty'],
    extra: { optionsSource, checkValue: idValues, toSql: (cond) => uuidSql(col, cond) },
  });

const fields: SegmentFieldDef[] = [
  column({ key: 'customer.kind', grant: 'kind', column: sql`c.kind`, type: 'enum', notNull: true, options: KIND_OPTIONS, notInFacts: true }),
  column({ key: 'customer.name', grant: 'name', column: sql`c.name`, type: 'text', notNull: true, notInFacts: true }),
  column({ key: 'customer.gender', grant: 'gender', column: sql`c.gender`, type: 'enum', nullable: true, options: GENDER_OPTIONS, notInFacts: true }),
  column({ key: 'customer.birthday', grant: 'birthday', column: sql`c.birthday`, type: 'date', nullable: true, ops: ['eq', 'before', 'after', 'between', 'isEmpty', 'isNotEmpty'] }),
  column({
    key: 'customer.birthMonth',
    grant: 'birthday',
    column: sql`extract(month from c.birthday)`,
    type: 'number',
    ops: ['eq', 'ne', 'in', 'notIn', 'between', 'isEmpty', 'isNotEmpty'],
    options: MONTHS,
  }),
  column({ key: 'customer.stage', grant: 'stage', column: sql`c.stage`, type: 'enum', notNull: true, options: STAGE_OPTIONS }),
  text('source', 'source', 'source', true),
  column({ key: 'customer.createdAt', grant: null, column: sql`c.created_at`, type: 'date', timestamp: true, notNull: true }),
  reference('customer.owner', sql`c.owner_id`, 'users'),
  reference('customer.team', sql`c.team_id`, 'teams'),
  text('province', 'address', 'province', true),
  text('city', 'address'),
  text('district', 'address'),
  text('compound', 'address'),
  text('building', 'address'),
  column({ key: 'customer.tags', grant: 'tags', column: sql`c.tags`, type: 'tags', notNull: true, extra: { optionsSource: 'tags' } }),
  {
    key: 'customer.consent',
    group: 'customer',
    grant: 'consent',
    type: 'boolean',
    ops: OPS.boolean,
    params: z.strictObject({ channel: z.enum(CONSENT_CHANNELS) }),
    paramsInfo: [{ name: 'channel', kind: 'enum', required: true, options: CHANNEL_OPTIONS }],
    label: 'segment_field.customer.consent',
    toSql: (cond) => sql`coalesce((c.consent ->> ${String(cond.params.channel)})::boolean, false)`,
    nullSafe: () => true,
    // The channel passed the params schema (one of CONSENT_CHANNELS): a column name, not a value.
    facts: (cond) => (CONSENT_CHANNELS.includes(cond.params.channel as never) ? sql.raw(`c.consent_${String(cond.params.channel)}`) : null),
  },
  {
    key: 'customer.hasPhone',
    group: 'customer',
    grant: 'phones',
    type: 'boolean',
    ops: OPS.boolean,
    label: 'segment_field.customer.hasPhone',
    toSql: () => sql`cardinality(c.phones) > 0`,
    nullSafe: () => true,
    facts: () => sql`c.has_phone`,
  },
];

for (const f of fields) registerSegmentField(f);
