/**
 * Loyalty in the segment builder (客户细分), so campaigns can target members: whether a customer is an active member,
 * their tier, their points balance. Each is "the customer is one of these members" (`c.id in (…)`, cut to a refresh
 * slice's id range), never NULL, so NOT of it is exact.
 */
import { sql, type SQL } from 'drizzle-orm';
import { registerSegmentField, type CheckedCondition, type CompileContext, type SegmentFieldDef } from '../segments/index.js';

function membersWhere(condition: SQL, ctx: CompileContext): SQL {
  const range = ctx.range;
  const bounds = [range?.after ? sql`m.customer_id > ${range.after}::uuid` : null, range?.upTo ? sql`m.customer_id <= ${range.upTo}::uuid` : null].filter((b): b is SQL => b !== null);
  return sql`c.id in (select m.customer_id from loyalty_members m where m.status = 'active' and ${condition}${bounds.length ? sql` and ${sql.join(bounds, sql` and `)}` : sql``})`;
}

const list = (cond: CheckedCondition) => (Array.isArray(cond.value) ? cond.value.map(String) : [String(cond.value)]);

export const loyaltySegmentFields: SegmentFieldDef[] = [
  {
    key: 'loyalty.member',
    group: 'loyalty',
    type: 'boolean',
    ops: ['isTrue', 'isFalse'],
    label: { zh: '是会员', en: 'Is a member' },
    toSql: (_cond, ctx) => membersWhere(sql`true`, ctx),
    nullSafe: () => true,
  },
  {
    key: 'loyalty.tier',
    group: 'loyalty',
    type: 'text',
    ops: ['eq', 'in'],
    label: { zh: '会员等级（代码）', en: 'Member tier (key)' },
    toSql: (cond, ctx) => membersWhere(sql`m.tier = any(${`{${list(cond).map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`}::text[])`, ctx),
    nullSafe: () => true,
  },
  {
    key: 'loyalty.balance',
    group: 'loyalty',
    type: 'number',
    ops: ['gte', 'lte', 'between'],
    label: { zh: '积分余额', en: 'Points balance' },
    toSql: (cond, ctx) => {
      if (cond.op === 'between') {
        const [from, to] = cond.value as [number, number];
        return membersWhere(sql`m.balance between ${Number(from)} and ${Number(to)}`, ctx);
      }
      return membersWhere(cond.op === 'gte' ? sql`m.balance >= ${Number(cond.value)}` : sql`m.balance <= ${Number(cond.value)}`, ctx);
    },
    nullSafe: () => true,
  },
];

let registered = false;
/** Registers the fields once per process (the composition root calls it at load). */
export function registerLoyaltySegmentFields(): void {
  if (registered) return;
  registered = true;
  for (const f of loyaltySegmentFields) registerSegmentField(f);
}
