/**
 * A segment's rule: a tree of AND / OR groups, NOT, and conditions on fields. Fields are named by key
 * (`customer.city`, `tx.count`, `analytics.churnLevel`, `segment.member`, `custom.<key>` …) and registered in
 * fields.ts (built-in ones there; later modules add theirs with `registerSegmentField`). A condition is checked
 * against its field's type, operators and parameters when the rule is saved or previewed (`checkRule` in
 * compile.ts), so a bad rule is a 400 naming the path of the bad part (`rule.all.2.value`), never a SQL error.
 *
 * The tree compiles to one SQL condition over the customers (`compileRule` in compile.ts), which the service puts
 * under the acting user's data scope.
 */
import { z } from 'zod';

/** Every operator a field may allow (each field lists the ones it takes). */
export const RULE_OPS = [
  'eq',
  'ne',
  'in',
  'notIn',
  'contains',
  'startsWith',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'before',
  'after',
  'withinDays',
  'notWithinDays',
  'hasAny',
  'hasAll',
  'hasNone',
  'isTrue',
  'isFalse',
  'isEmpty',
  'isNotEmpty',
] as const;
export type RuleOp = (typeof RULE_OPS)[number];

/** A condition's value: a text, a number, a date, or a list of them (`in`, `between`, `hasAny` …). */
export const ruleValue = z.union([z.string().max(200), z.number().finite(), z.boolean(), z.array(z.union([z.string().max(200), z.number().finite()])).max(500)]);
export type RuleValue = z.infer<typeof ruleValue>;

/**
 * A condition. `params` qualify behaviour fields: the window in days, a transaction type, a product, a ticket
 * type (e.g. `{ field: 'tx.count', op: 'gte', value: 3, params: { days: 365, type: 'purchase' } }`).
 */
export type RuleCondition = {
  field: string;
  op: RuleOp;
  value?: RuleValue;
  params?: Record<string, string | number | boolean>;
};

export type Rule = { all: Rule[] } | { any: Rule[] } | { not: Rule } | RuleCondition;

/** Limits that keep one rule's SQL small: depth of nesting and conditions in all. */
export const RULE_LIMITS = { depth: 6, conditions: 60, groupSize: 30 } as const;

const condition = z.strictObject({
  field: z.string().min(1).max(80),
  op: z.enum(RULE_OPS),
  value: ruleValue.optional(),
  params: z.record(z.string().max(40), z.union([z.string().max(200), z.number().finite(), z.boolean()])).optional(),
});

/**
 * The rule tree as the API takes it (structure only; fields, operators and values are checked by checkRule). Named
 * `SegmentRule` in zod's global registry: the OpenAPI document has it as a component, which the recursion refers to.
 */
export const ruleSchema: z.ZodType<Rule> = z
  .lazy(() =>
    z.union([
      z.strictObject({ all: z.array(ruleSchema).min(1).max(RULE_LIMITS.groupSize) }),
      z.strictObject({ any: z.array(ruleSchema).min(1).max(RULE_LIMITS.groupSize) }),
      z.strictObject({ not: ruleSchema }),
      condition,
    ]),
  )
  .meta({ id: 'SegmentRule', description: 'A rule tree: { all: [...] } | { any: [...] } | { not: rule } | { field, op, value?, params? } (GET /segments/fields lists the fields)' });

export const isGroupAll = (r: Rule): r is { all: Rule[] } => 'all' in r;
export const isGroupAny = (r: Rule): r is { any: Rule[] } => 'any' in r;
export const isNot = (r: Rule): r is { not: Rule } => 'not' in r;
export const isCondition = (r: Rule): r is RuleCondition => 'field' in r;
