/**
 * checkRule: every kind of bad rule is a 400 naming the path of the bad part, with a message in zh-CN and English
 * (rendered the way the HTTP layer renders it); the field registry as the builder sees it; values only ever as bound
 * parameters. No database.
 */
import { describe, expect, it } from 'vitest';
import { PgDialect } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import '../../messages.js';
import { AppError } from '../../platform/errors.js';
import { toProblem } from '../../platform/http/problem.js';
import type { CustomFieldDef } from '../fields/index.js';
import { checkRule, compileRule, referencedSegments } from './compile.js';
import { listSegmentFields, registerSegmentField, segmentField, unregisterSegmentField, type FieldContext } from './fields.js';
import { RULE_LIMITS, type Rule } from './rule.js';

const LEVEL: CustomFieldDef = {
  key: 'level',
  labelZh: '会员级别',
  labelEn: 'Member level',
  type: 'select',
  options: [
    { value: 'gold', labelZh: '金卡', labelEn: 'Gold' },
    { value: 'silver', labelZh: '银卡', labelEn: 'Silver' },
  ],
  required: false,
};
const CTX: FieldContext = { customFields: [LEVEL], analyticsReady: true };
const OWNER = '3f2c1a9e-8b7d-4c6e-9f01-23456789abcd';

/** The 400 a rule gets: its one field path and the message in both languages. */
function refusal(rule: unknown, ctx: FieldContext = CTX): { field: string; zh: string; en: string } {
  try {
    checkRule(rule as Rule, ctx);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.status).toBe(400);
    const zh = toProblem(e, 'zh-CN', '/api/v1/segments');
    const en = toProblem(e, 'en', '/api/v1/segments');
    expect(zh.errors).toHaveLength(1);
    return { field: zh.errors[0]!.field, zh: zh.errors[0]!.message, en: en.errors[0]!.message };
  }
  throw new Error(`rule accepted: ${JSON.stringify(rule)}`);
}

const cond = (field: string, op: string, value?: unknown, params?: Record<string, unknown>) => ({
  field,
  op,
  ...(value !== undefined ? { value } : {}),
  ...(params ? { params } : {}),
});

describe('checkRule refuses a bad rule with a 400 naming the bad part, in zh-CN and English', () => {
  it('names an unknown field, and an operator the field does not take', () => {
    expect(refusal({ all: [cond('customer.city', 'eq', '北京'), cond('customer.nope', 'eq', 'x')] })).toEqual({
      field: 'rule.all.1.field',
      zh: '没有可用于细分的字段「customer.nope」',
      en: 'There is no segment field "customer.nope"',
    });
    const r = refusal({ any: [cond('customer.city', 'eq', '北京'), { not: cond('customer.city', 'gt', 3) }] });
    expect(r.field).toBe('rule.any.1.not.op');
    expect(r.zh).toBe('「城市」不支持「大于」，可用：等于、不等于、属于、不属于、包含、开头是、为空、不为空');
    expect(r.en).toBe('"City" does not take "is greater than"; it takes: equals, does not equal, is one of, is none of, contains, starts with, is empty, is not empty');
    // A custom field is known only with the definitions.
    expect(refusal(cond('custom.level', 'eq', 'gold'), {}).field).toBe('rule.field');
  });

  it('refuses values of the wrong type or shape', () => {
    const cases: [unknown, string, string, string][] = [
      [cond('tx.count', 'gte', 'three'), 'rule.value', '「交易次数」的取值应为数字', 'The value of "Number of transactions" must be a number'],
      [cond('tx.sumFen', 'gte', 10.5), 'rule.value', '「交易金额合计」的金额应为整数（单位：分）', 'Amounts of "Transaction total" must be whole numbers of fen'],
      [cond('customer.createdAt', 'before', '2026-02-30'), 'rule.value', '「建档日期」的取值应为日期（YYYY-MM-DD）', 'The value of "Created on" must be a date (YYYY-MM-DD)'],
      [cond('customer.stage', 'eq', 'vip'), 'rule.value', '「生命周期阶段」的取值「vip」不在可选项中，可选：潜在客户 (prospect)、新客户 (new)、活跃客户 (active)、忠诚客户 (loyal)、有流失风险 (at_risk)、沉睡客户 (dormant)、已流失 (churned)', 'The value "vip" of "Lifecycle stage" is not one of the options: Prospect (prospect), New (new), Active (active), Loyal (loyal), At risk (at_risk), Dormant (dormant), Churned (churned)'],
      [cond('custom.level', 'in', ['gold', 'platinum']), 'rule.value', '「会员级别」的取值「platinum」不在可选项中，可选：金卡 (gold)、银卡 (silver)', 'The value "platinum" of "Member level" is not one of the options: Gold (gold), Silver (silver)'],
      [cond('customer.city', 'in', '北京'), 'rule.value', '「城市」属于需要一个非空的取值列表', '"City" is one of needs a non-empty list of values'],
      [cond('customer.city', 'in', []), 'rule.value', '「城市」属于需要一个非空的取值列表', '"City" is one of needs a non-empty list of values'],
      [cond('customer.city', 'eq', ['北京']), 'rule.value', '「城市」等于只需要一个取值，不是列表', '"City" equals takes one value, not a list'],
      [cond('customer.city', 'eq'), 'rule.value', '请填写「城市」的取值', 'Give a value for "City"'],
      [cond('customer.city', 'contains', ' '), 'rule.value', '「城市」的取值应为非空文本', 'The value of "City" must be non-empty text'],
      [cond('tx.count', 'between', [5, 1]), 'rule.value', '「交易次数」范围的起点不能大于终点', 'The range of "Number of transactions" starts after it ends'],
      [cond('tx.count', 'between', [1]), 'rule.value', '「交易次数」介于需要两个值：[起, 止]', '"Number of transactions" between needs two values: [from, to]'],
      [cond('tx.lastDate', 'withinDays', 0), 'rule.value', '「最近交易日期」的天数应为 1 到 36500 之间的整数', 'Days for "Last transaction date" must be a whole number from 1 to 36500'],
      [cond('customer.hasPhone', 'isTrue', true), 'rule.value', '「有电话号码」是时不需要取值', '"Has a phone number" is true takes no value'],
      [cond('customer.owner', 'eq', 'abc'), 'rule.value', '「负责人」的取值应为记录的 ID', 'The value of "Owner" must be a record id'],
      [cond('segment.member', 'in', [OWNER, 'x']), 'rule.value', '「属于细分」的取值应为记录的 ID', 'The value of "Member of segment" must be a record id'],
    ];
    for (const [rule, field, zh, en] of cases) expect(refusal(rule), JSON.stringify(rule)).toEqual({ field, zh, en });
  });

  it('refuses bad, unknown and missing params', () => {
    expect(refusal({ all: [cond('tx.count', 'gte', 1, { days: -1 })] })).toEqual({
      field: 'rule.all.0.params.days',
      zh: '「交易次数」的参数「days」无效',
      en: 'Parameter "days" of "Number of transactions" is not valid',
    });
    expect(refusal(cond('tx.count', 'gte', 1, { type: 'gift' })).field).toBe('rule.params.type');
    expect(refusal(cond('tx.count', 'gte', 1, { window: 30 }))).toEqual({
      field: 'rule.params.window',
      zh: '「交易次数」没有参数「window」',
      en: '"Number of transactions" has no parameter "window"',
    });
    expect(refusal(cond('customer.city', 'eq', '北京', { days: 3 })).field).toBe('rule.params.days');
    expect(refusal(cond('customer.consent', 'isTrue'))).toEqual({
      field: 'rule.params.channel',
      zh: '「同意接收（渠道）」需要参数「channel」',
      en: '"Consents to (channel)" needs the parameter "channel"',
    });
  });

  it('refuses rules nested too deeply or with too many conditions', () => {
    let deep: Rule = cond('customer.city', 'eq', '北京') as Rule;
    for (let i = 0; i < RULE_LIMITS.depth; i++) deep = { not: deep };
    const r = refusal(deep);
    expect(r.field).toBe(`rule${'.not'.repeat(RULE_LIMITS.depth)}`);
    expect(r.zh).toBe(`规则嵌套太深（最多 ${RULE_LIMITS.depth} 层）`);
    expect(r.en).toBe(`The rule is nested too deeply (at most ${RULE_LIMITS.depth} levels)`);
    const many = { any: [0, 1, 2].map(() => ({ all: Array.from({ length: 25 }, () => cond('customer.city', 'eq', '北京')) })) };
    expect(refusal(many)).toEqual({
      field: 'rule.any.2.all.10',
      zh: `规则的条件太多（最多 ${RULE_LIMITS.conditions} 个）`,
      en: `The rule has too many conditions (at most ${RULE_LIMITS.conditions})`,
    });
    expect(refusal({ all: [] }).field).toBe('rule.all');
    expect(refusal({ any: [cond('customer.city', 'eq', '北京'), { not: null }] })).toEqual({ field: 'rule.any.1.not', zh: '规则的结构无效', en: 'The rule is not well formed' });
    expect(refusal({ all: [{ field: 3, op: 'eq', value: 1 }] }).field).toBe('rule.all.0');
  });

  it('accepts a good rule, names the segments it refers to, and binds every value as a parameter', () => {
    const rule: Rule = {
      all: [
        { field: 'analytics.churnLevel', op: 'eq', value: 'high' },
        { field: 'customer.compound', op: 'eq', value: "幸福小区'; drop table customers; --" },
        { not: { field: 'segment.member', op: 'in', value: [OWNER] } },
        { field: 'tx.count', op: 'gte', value: 2, params: { days: 365, type: 'payment' } },
        { field: 'custom.level', op: 'in', value: ['gold'] },
      ],
    };
    expect(checkRule(rule, CTX)).toBe(5);
    expect(checkRule(rule, { ...CTX, locale: 'en' })).toBe(5);
    expect(referencedSegments(rule)).toEqual([OWNER]);
    const compiled = compileRule(rule, { ...CTX, now: new Date('2026-11-01T00:00:00Z'), memberOf: (id) => sql`c.id in (select customer_id from members where segment_id = ${id})` });
    const q = new PgDialect().sqlToQuery(compiled);
    expect(q.sql).not.toContain('幸福小区');
    expect(q.sql).not.toContain('gold');
    expect(q.sql).not.toContain(OWNER);
    expect(q.params).toEqual(expect.arrayContaining(["幸福小区'; drop table customers; --", OWNER, 'payment', 'high', 'level']));
    // Before the first analytics run, analytics conditions are false (and "is empty" true) rather than an error.
    const before = new PgDialect().sqlToQuery(compileRule({ field: 'analytics.valueTier', op: 'isEmpty' }, { now: new Date(), memberOf: () => sql`false`, analyticsReady: false }));
    expect(before.sql).toBe('(true)');
  });
});

describe('the field registry', () => {
  it('lists every built-in field group for the builder, labelled in both languages, with custom fields', () => {
    const zh = listSegmentFields('zh-CN', CTX);
    const en = listSegmentFields('en', CTX);
    // The built-in groups, and the loyalty module's when the composition root has registered its fields.
    const groups = new Set(zh.map((f) => f.group));
    for (const g of ['customer', 'custom', 'purchase', 'analytics', 'service', 'segment']) expect(groups).toContain(g);
    expect([...groups].filter((g) => !['customer', 'custom', 'purchase', 'analytics', 'service', 'segment', 'loyalty'].includes(g))).toEqual([]);
    const tier = zh.find((f) => f.key === 'analytics.valueTier')!;
    expect(tier).toMatchObject({ label: '价值等级', type: 'enum', options: [{ value: 'high', label: '高价值' }, { value: 'middle', label: '中价值' }, { value: 'low', label: '低价值' }] });
    expect(tier.opLabels.eq).toBe('等于');
    expect(en.find((f) => f.key === 'analytics.valueTier')!.label).toBe('Value tier');
    expect(zh.find((f) => f.key === 'custom.level')).toMatchObject({ label: '会员级别', type: 'enum', options: [{ value: 'gold', label: '金卡' }, { value: 'silver', label: '银卡' }] });
    expect(en.find((f) => f.key === 'tx.count')!.params).toEqual([
      { name: 'days', kind: 'days', required: false },
      { name: 'type', kind: 'enum', required: false, options: [{ value: 'purchase', label: 'Purchase' }, { value: 'payment', label: 'Payment' }, { value: 'refund', label: 'Refund' }] },
    ]);
    expect(zh.find((f) => f.key === 'customer.owner')!.optionsSource).toBe('users');
    for (const f of [...zh, ...en]) expect(f.label, f.key).not.toMatch(/^segment_field\./);
  });

  it('takes fields from later modules, once', () => {
    const def = {
      key: 'loyalty.test_points',
      group: 'loyalty',
      type: 'number' as const,
      ops: ['gte' as const],
      label: { zh: '积分', en: 'Points' },
      toSql: () => sql`true`,
    };
    registerSegmentField(def);
    try {
      expect(segmentField('loyalty.test_points')).toBe(def);
      expect(listSegmentFields('en').find((f) => f.key === 'loyalty.test_points')).toMatchObject({ group: 'loyalty', label: 'Points' });
      expect(() => registerSegmentField(def)).toThrow(/twice/);
      expect(checkRule(cond('loyalty.test_points', 'gte', 100) as Rule)).toBe(1);
    } finally {
      unregisterSegmentField(def.key);
    }
    expect(segmentField('loyalty.test_points')).toBeUndefined();
  });
});
