/**
 * The rule compiler against a plain in-memory filter: a heating demo (plus tickets, custom fields of every type,
 * deleted rows and an analytics run) is loaded once; 40 rule trees drawn by a seeded generator (all / any / not
 * nesting, every built-in field group, random operators, values drawn from the data) must select exactly the
 * customers that evaluating the same rule in JavaScript over the same rows (read with simple queries) selects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { systemActor } from '../../platform/auth/permissions.js';
import { rowsOf } from '../../platform/db/client.js';
import { Random } from '../../platform/random.js';
import { loadDemo } from '../demo/index.js';
import { createCustomField } from '../fields/index.js';
import { compileRule, referencedSegments } from './compile.js';
import { listSegmentFields, loadFieldContext, type CompileContext, type FieldContext } from './fields.js';
import { dayStart, NEGATION, windowStart } from './fields.sql.js';
import type { Rule, RuleCondition, RuleOp } from './rule.js';

const SIZE = Number(process.env.SEGMENT_TEST_SIZE ?? 3000);
const AS_OF = '2026-11-01';
const NOW = new Date('2026-11-01T04:00:00Z');
const SEGMENT_A = '00000000-0000-4000-8000-00000000000a';
const SEGMENT_B = '00000000-0000-4000-8000-00000000000b';

type Row = Record<string, any>;
type Cust = Row & { id: string };
type Data = {
  customers: Cust[];
  tx: Map<string, Row[]>;
  products: Map<string, Set<string>>;
  contacts: Map<string, number>;
  tickets: Map<string, Row[]>;
  analytics: Map<string, Row>;
  productIds: string[];
  users: string[];
  teams: string[];
};

const ms = (x: unknown): number | null => (x === null || x === undefined ? null : new Date(x as string).getTime());
const group = <T extends Row>(rows: T[], key = 'customer_id') => {
  const m = new Map<string, T[]>();
  for (const r of rows) m.set(r[key], [...(m.get(r[key]) ?? []), r]);
  return m;
};

async function seedExtras(db: TestContext['database']['db'], r: Random): Promise<void> {
  const actor = systemActor('cli');
  const opt = (v: string) => ({ value: v, labelZh: v, labelEn: v });
  await createCustomField(db, actor, { key: 'heating_type', labelZh: '供暖方式', labelEn: 'Heating type', type: 'select', options: ['floor', 'radiator', 'mixed'].map(opt), required: false });
  await createCustomField(db, actor, { key: 'interests', labelZh: '兴趣', labelEn: 'Interests', type: 'multiselect', options: ['saving', 'smart', 'repair', 'solar'].map(opt), required: false });
  await createCustomField(db, actor, { key: 'meter_no', labelZh: '表号', labelEn: 'Meter no.', type: 'text', options: [], required: false });
  await createCustomField(db, actor, { key: 'contract_date', labelZh: '签约日期', labelEn: 'Contract date', type: 'date', options: [], required: false });
  await createCustomField(db, actor, { key: 'paperless', labelZh: '电子账单', labelEn: 'Paperless', type: 'boolean', options: [], required: false });
  const ids = rowsOf<{ id: string }>(await db.execute(sql`select id from customers order by id`)).map((x) => x.id);
  const values: SQL[] = [];
  const tickets: SQL[] = [];
  for (const id of ids) {
    const custom: Row = {};
    if (r.chance(0.7)) custom.heating_type = r.pick(['floor', 'radiator', 'mixed']);
    if (r.chance(0.5)) custom.interests = ['saving', 'smart', 'repair', 'solar'].filter(() => r.chance(0.4));
    if (r.chance(0.6)) custom.meter_no = `M${r.int(10, 99)}-${r.int(100, 999)}`;
    if (r.chance(0.5)) custom.contract_date = `20${r.int(18, 26)}-0${r.int(1, 9)}-1${r.int(0, 9)}`;
    if (r.chance(0.6)) custom.paperless = r.chance(0.5);
    values.push(sql`(${id}::uuid, ${JSON.stringify(custom)}::jsonb)`);
    for (let k = r.chance(0.35) ? r.int(1, 3) : 0; k > 0; k--) {
      const created = new Date(NOW.getTime() - r.int(1, 400) * 86_400_000 - r.int(0, 86_399) * 1000);
      const rated = r.chance(0.5) ? new Date(created.getTime() + r.int(1, 20) * 86_400_000) : null;
      tickets.push(
        sql`(${`T${id.slice(0, 8)}${k}`}, ${r.pick(['complaint', 'repair', 'inquiry', 'suggestion'])}, 'call', ${r.pick(['new', 'assigned', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'])},
             ${id}::uuid, ${`tok-${id}-${k}`}, ${created.toISOString()}::timestamptz, ${rated ? r.int(1, 5) : null}::smallint,
             ${rated?.toISOString() ?? null}::timestamptz, ${r.chance(0.05) ? NOW.toISOString() : null}::timestamptz)`,
      );
    }
  }
  for (let i = 0; i < values.length; i += 500) {
    await db.execute(sql`update customers c set custom = c.custom || v.j from (values ${sql.join(values.slice(i, i + 500), sql`, `)}) v(id, j) where c.id = v.id`);
  }
  for (let i = 0; i < tickets.length; i += 300) {
    await db.execute(sql`insert into tickets (title, type, source, status, customer_id, public_token, created_at, rating, rated_at, deleted_at)
                         values ${sql.join(tickets.slice(i, i + 300), sql`, `)}`);
  }
  // Deleted rows the rules must not count, and empty values.
  await db.execute(sql`update transactions set deleted_at = now() where id in (select id from transactions order by md5(id::text) limit 40)`);
  await db.execute(sql`update interactions set deleted_at = now() where id in (select id from interactions order by md5(id::text) limit 40)`);
  await db.execute(sql`update customers set deleted_at = now() where id in (select id from customers order by md5(id::text) limit 15)`);
  await db.execute(sql`update customers set source = null where id in (select id from customers order by md5(id::text || 's') limit 200)`);
  await db.execute(sql`update customers set city = '' where id in (select id from customers order by md5(id::text || 'c') limit 20)`);
}

async function loadData(db: TestContext['database']['db']): Promise<Data> {
  const q = async (s: SQL) => rowsOf<Row>(await db.execute(s));
  const customers = (await q(sql`select id, kind, name, gender, birthday::text as birthday, stage, source, created_at, owner_id, team_id, province, city,
                                 district, compound, building, tags, consent, phones, custom from customer_directory where deleted_at is null`)) as Cust[];
  const tx = await q(sql`select id, customer_id, type, amount_fen::float8 as amount, occurred_at from transaction_ledger where deleted_at is null`);
  const lines = await q(sql`select transaction_id, product_id from transaction_line_ledger where product_id is not null`);
  const txCustomer = new Map(tx.map((t) => [t.id, t]));
  const products = new Map<string, Set<string>>();
  for (const l of lines) {
    const t = txCustomer.get(l.transaction_id);
    if (t) (t.products ??= new Set<string>()).add(l.product_id);
    products.set(l.product_id, new Set());
  }
  const contacts = new Map<string, number>();
  for (const i of await q(sql`select customer_id, max(occurred_at) as at from interaction_log where deleted_at is null group by customer_id`)) contacts.set(i.customer_id, ms(i.at)!);
  const tickets = await q(sql`select id::text as id, customer_id, type, status, created_at, rating, rated_at from tickets where deleted_at is null and customer_id is not null`);
  const analytics = await q(sql`select customer_id, value_tier, rfm_group, r_score, f_score, m_score, churn_level, churn_risk, clv_fen::float8 as clv_fen, p_alive, segment
                               from analytics_customer_current`);
  for (const t of tx) t.at = ms(t.occurred_at);
  for (const t of tickets) Object.assign(t, { created: ms(t.created_at), rated: ms(t.rated_at) });
  return {
    customers,
    tx: group(tx),
    products,
    contacts,
    tickets: group(tickets),
    analytics: new Map(analytics.map((a) => [a.customer_id, a])),
    productIds: [...products.keys()].sort(),
    users: [...new Set(customers.map((c) => c.owner_id).filter(Boolean))].sort(),
    teams: [...new Set(customers.map((c) => c.team_id).filter(Boolean))].sort(),
  };
}

// ---- the in-memory filter -------------------------------------------------------------------------------------------

type Kind = 'text' | 'number' | 'timestamp' | 'date' | 'tags' | 'bool';
type Metric = { kind: Kind; of: (c: Cust, p: Row, d: Data) => unknown };

const txOf = (c: Cust, p: Row, d: Data, net = false) =>
  (d.tx.get(c.id) ?? []).filter((t) => (p.type ? t.type === p.type : net || t.type !== 'refund') && (!p.days || t.at >= windowStart(NOW, p.days).getTime()));
const customOf = (key: string, type: string) => (c: Cust) => {
  const v = c.custom?.[key];
  if (type === 'array') return Array.isArray(v) ? v : null;
  return typeof v === type ? v : null;
};
const an = (col: string) => (c: Cust, _p: Row, d: Data) => d.analytics.get(c.id)?.[col] ?? null;
const latestRating = (c: Cust, p: Row, d: Data) => {
  const rated = (d.tickets.get(c.id) ?? []).filter((t) => t.rating !== null && (!p.days || t.rated >= windowStart(NOW, p.days).getTime()));
  rated.sort((a, b) => b.rated - a.rated || (a.id < b.id ? 1 : -1));
  return rated[0]?.rating ?? null;
};

const METRICS: Record<string, Metric> = {
  'customer.kind': { kind: 'text', of: (c) => c.kind },
  'customer.name': { kind: 'text', of: (c) => c.name },
  'customer.gender': { kind: 'text', of: (c) => c.gender },
  'customer.birthday': { kind: 'date', of: (c) => c.birthday },
  'customer.birthMonth': { kind: 'number', of: (c) => (c.birthday ? Number(c.birthday.slice(5, 7)) : null) },
  'customer.stage': { kind: 'text', of: (c) => c.stage },
  'customer.source': { kind: 'text', of: (c) => c.source },
  'customer.createdAt': { kind: 'timestamp', of: (c) => ms(c.created_at) },
  'customer.owner': { kind: 'text', of: (c) => c.owner_id },
  'customer.team': { kind: 'text', of: (c) => c.team_id },
  'customer.province': { kind: 'text', of: (c) => c.province },
  'customer.city': { kind: 'text', of: (c) => c.city },
  'customer.district': { kind: 'text', of: (c) => c.district },
  'customer.compound': { kind: 'text', of: (c) => c.compound },
  'customer.building': { kind: 'text', of: (c) => c.building },
  'customer.tags': { kind: 'tags', of: (c) => c.tags },
  'customer.consent': { kind: 'bool', of: (c, p) => c.consent?.[p.channel] === true },
  'customer.hasPhone': { kind: 'bool', of: (c) => c.phones.length > 0 },
  'custom.heated_area': { kind: 'number', of: customOf('heated_area', 'number') },
  'custom.heating_type': { kind: 'text', of: customOf('heating_type', 'string') },
  'custom.interests': { kind: 'tags', of: customOf('interests', 'array') },
  'custom.meter_no': { kind: 'text', of: customOf('meter_no', 'string') },
  'custom.contract_date': { kind: 'date', of: customOf('contract_date', 'string') },
  'custom.paperless': { kind: 'bool', of: (c) => c.custom?.paperless === true },
  'tx.count': { kind: 'number', of: (c, p, d) => txOf(c, p, d).length },
  'tx.sumFen': { kind: 'number', of: (c, p, d) => txOf(c, p, d, true).reduce((s, t) => s + (!p.type && t.type === 'refund' ? -t.amount : t.amount), 0) },
  'tx.lastDate': { kind: 'timestamp', of: (c, p, d) => txOf(c, p, d).reduce<number | null>((m, t) => (m === null || t.at > m ? t.at : m), null) },
  'analytics.valueTier': { kind: 'text', of: an('value_tier') },
  'analytics.rfmGroup': { kind: 'text', of: an('rfm_group') },
  'analytics.rScore': { kind: 'number', of: an('r_score') },
  'analytics.fScore': { kind: 'number', of: an('f_score') },
  'analytics.mScore': { kind: 'number', of: an('m_score') },
  'analytics.churnLevel': { kind: 'text', of: an('churn_level') },
  'analytics.churnRisk': { kind: 'number', of: an('churn_risk') },
  'analytics.clvFen': { kind: 'number', of: an('clv_fen') },
  'analytics.pAlive': { kind: 'number', of: an('p_alive') },
  'analytics.segment': { kind: 'number', of: an('segment') },
  'service.lastContact': { kind: 'timestamp', of: (c, _p, d) => d.contacts.get(c.id) ?? null },
  'service.openTickets': { kind: 'number', of: (c, _p, d) => (d.tickets.get(c.id) ?? []).filter((t) => !['resolved', 'closed'].includes(t.status)).length },
  'service.complaints': {
    kind: 'number',
    of: (c, p, d) => (d.tickets.get(c.id) ?? []).filter((t) => t.type === 'complaint' && (!p.days || t.created >= windowStart(NOW, p.days).getTime())).length,
  },
  'service.satisfaction': { kind: 'number', of: latestRating },
};

function positive(kind: Kind, v: any, op: RuleOp, value: any): boolean {
  const list = Array.isArray(value) ? value : [value];
  if (op === 'isEmpty') return v === null || v === undefined || ((kind === 'text' || kind === 'tags') && v.length === 0);
  if (op === 'isTrue') return v === true;
  if (v === null || v === undefined) return false;
  switch (kind) {
    case 'timestamp': {
      const [a, b] = list as string[];
      if (op === 'eq') return v >= dayStart(a!, undefined).getTime() && v < dayStart(a!, undefined, 1).getTime();
      if (op === 'before') return v < dayStart(a!, undefined).getTime();
      if (op === 'after') return v >= dayStart(a!, undefined, 1).getTime();
      if (op === 'between') return v >= dayStart(a!, undefined).getTime() && v < dayStart(b!, undefined, 1).getTime();
      if (op === 'withinDays') return v >= windowStart(NOW, value).getTime();
      break;
    }
    case 'tags':
      if (op === 'hasAny') return list.some((x) => v.includes(x));
      if (op === 'hasAll') return list.every((x) => v.includes(x));
      break;
    default: {
      const n = kind === 'number' ? Number(v) : v;
      if (op === 'eq') return n === value;
      if (op === 'in') return list.includes(n);
      if (op === 'contains') return String(v).toLowerCase().includes(String(value).toLowerCase());
      if (op === 'startsWith') return String(v).startsWith(String(value));
      if (op === 'gt') return n > value;
      if (op === 'gte') return n >= value;
      if (op === 'lt') return n < value;
      if (op === 'lte') return n <= value;
      if (op === 'before') return n < value;
      if (op === 'after') return n > value;
      if (op === 'between') return n >= list[0] && n <= list[1];
    }
  }
  throw new Error(`no oracle for ${kind} ${op}`);
}

function matches(rule: Rule, c: Cust, d: Data, segments: Record<string, Rule>): boolean {
  if ('all' in rule) return rule.all.every((x) => matches(x, c, d, segments));
  if ('any' in rule) return rule.any.some((x) => matches(x, c, d, segments));
  if ('not' in rule) return !matches(rule.not, c, d, segments);
  const cond = rule as RuleCondition;
  const neg = NEGATION[cond.op];
  const op = neg ?? cond.op;
  let r: boolean;
  if (cond.field === 'segment.member') r = (Array.isArray(cond.value) ? cond.value : [cond.value]).some((id) => matches(segments[String(id)]!, c, d, segments));
  else if (cond.field === 'tx.product') r = txOf(c, cond.params ?? {}, d).some((t) => (cond.value as string[]).some((p) => t.products?.has(p)));
  else {
    const m = METRICS[cond.field]!;
    r = positive(m.kind, m.of(c, cond.params ?? {}, d), op, cond.value);
  }
  return neg ? !r : r;
}

// ---- the rule generator ---------------------------------------------------------------------------------------------

const shanghaiDate = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);
const NO_VALUE: RuleOp[] = ['isEmpty', 'isNotEmpty', 'isTrue', 'isFalse'];

function paramsFor(field: string, r: Random): Row | undefined {
  if (field === 'customer.consent') return { channel: r.pick(['phone', 'sms', 'email', 'wechat']) };
  const p: Row = {};
  if (['tx.count', 'tx.sumFen', 'tx.product', 'service.complaints', 'service.satisfaction'].includes(field) && r.chance(0.6)) p.days = r.pick([30, 90, 365, 1500]);
  if (field.startsWith('tx.') && r.chance(0.6)) p.type = r.pick(['purchase', 'payment', 'refund']);
  return Object.keys(p).length ? p : undefined;
}

function valueFor(field: string, op: RuleOp, params: Row, d: Data, r: Random, options?: (string | number)[]): unknown {
  if (NO_VALUE.includes(op)) return undefined;
  if (op === 'withinDays' || op === 'notWithinDays') return r.pick([7, 30, 90, 180, 365, 1000]);
  if (field === 'segment.member') return op === 'eq' || op === 'ne' ? r.pick([SEGMENT_A, SEGMENT_B]) : [SEGMENT_A, SEGMENT_B].filter(() => r.chance(0.6)).concat(SEGMENT_B);
  if (field === 'tx.product') return [r.pick(d.productIds), r.pick(d.productIds)];
  const m = METRICS[field]!;
  const samples: any[] = [];
  for (let k = 0; k < 40; k++) {
    const v = m.of(r.pick(d.customers), params, d);
    if (v !== null && v !== undefined && !(typeof v === 'string' && v === '')) samples.push(v);
  }
  const pool = m.kind === 'tags' ? [...new Set(samples.flat())] : samples;
  if (!pool.length) pool.push(...(options ?? []));
  const fallback = { timestamp: NOW.getTime() - 400 * 86_400_000, number: 0, text: '幸福', date: '2020-01-01', tags: 'x', bool: true };
  if (!pool.length) pool.push(fallback[m.kind]);
  const one = () => {
    const v = r.pick(pool);
    return m.kind === 'timestamp' ? shanghaiDate(v) : m.kind === 'number' ? Number(v) : v;
  };
  if (op === 'in' || op === 'notIn' || op === 'hasAny' || op === 'hasAll' || op === 'hasNone') return [...new Set(Array.from({ length: r.int(1, 3) }, one))];
  if (op === 'between') return [one(), one()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (op === 'contains') return String(one()).slice(r.int(0, 1), r.int(2, 3)) || String(one());
  if (op === 'startsWith') return String(one()).slice(0, r.int(1, 3));
  return one();
}

type FieldInfo = { key: string; ops: RuleOp[]; options?: (string | number)[] };

function condition(f: FieldInfo, d: Data, r: Random): RuleCondition {
  const op = r.pick(f.ops);
  const params = paramsFor(f.key, r);
  const value = valueFor(f.key, op, params ?? {}, d, r, f.options);
  return { field: f.key, op, ...(value !== undefined ? { value: value as RuleCondition['value'] } : {}), ...(params ? { params } : {}) };
}

function tree(r: Random, depth: number, forced: FieldInfo[], fields: FieldInfo[], d: Data, root?: 'all' | 'any'): Rule {
  const children: Rule[] = [];
  for (let i = 0, n = r.int(2, 4); i < n || forced.length; i++) {
    const f = forced.shift();
    if (f) children.push(r.chance(0.2) ? { not: condition(f, d, r) } : condition(f, d, r));
    else if (depth < 3 && r.chance(0.3)) children.push(r.chance(0.3) ? { not: tree(r, depth + 1, [], fields, d) } : tree(r, depth + 1, [], fields, d));
    else children.push(condition(r.pick(fields), d, r));
  }
  return (root ?? (r.chance(0.5) ? 'all' : 'any')) === 'all' ? { all: children } : { any: children };
}

// ---- the test -------------------------------------------------------------------------------------------------------

describe('segment rules compile to exactly the customers an in-memory filter selects', () => {
  let ctx: TestContext;
  let data: Data;
  let fieldCtx: FieldContext;
  let fields: FieldInfo[];
  const segments: Record<string, Rule> = {};

  beforeAll(async () => {
    ctx = await createTestContext();
    const db = ctx.database.db;
    await loadDemo(db, systemActor('cli'), { seed: 11, size: SIZE, asOf: AS_OF }, { skipForeignKeyChecks: true });
    await seedExtras(db, new Random(2026));
    const res = await ctx.admin.post('/api/v1/analytics/runs', { asOf: AS_OF });
    expect(res.statusCode, res.body).toBe(202);
    for (let k = 0; k < 3000; k++) {
      const run = (await ctx.admin.get(`/api/v1/analytics/runs/${res.json().id}`)).json();
      if (run.status === 'done') break;
      if (run.status === 'failed') throw new Error(`analytics run failed: ${JSON.stringify(run)}`);
      await new Promise((done) => setTimeout(done, 200));
    }
    data = await loadData(db);
    fieldCtx = await loadFieldContext(db);
    fields = listSegmentFields('zh-CN', fieldCtx).map((f) => ({ key: f.key, ops: f.ops, ...(f.options ? { options: f.options.map((o) => o.value) } : {}) }));
    const tag = [...new Set(data.customers.flatMap((c) => c.tags as string[]))].sort()[0]!;
    segments[SEGMENT_A] = {
      all: [
        { field: 'customer.stage', op: 'in', value: ['loyal', 'active'] },
        { field: 'tx.count', op: 'gte', value: 3, params: { days: 1000 } },
      ],
    };
    segments[SEGMENT_B] = { any: [{ field: 'analytics.churnLevel', op: 'eq', value: 'high' }, { field: 'customer.tags', op: 'hasAny', value: [tag] }] };
  }, 1_800_000);
  afterAll(() => ctx?.close());

  it('has the data every field group needs', () => {
    expect(data.customers.length).toBeGreaterThan(SIZE * 0.98);
    expect(data.analytics.size).toBeGreaterThan(SIZE * 0.9);
    expect(data.contacts.size).toBeGreaterThan(SIZE * 0.3);
    expect([...data.tickets.values()].flat().length).toBeGreaterThan(SIZE * 0.3);
    expect(data.productIds.length).toBeGreaterThan(1);
    expect(data.customers.filter((c) => Array.isArray(c.custom.interests)).length).toBeGreaterThan(SIZE * 0.3);
    // Every field offered to the builder has an in-memory twin here.
    const special = ['segment.member', 'tx.product'];
    expect(fields.map((f) => f.key).filter((k) => !METRICS[k] && !special.includes(k))).toEqual([]);
    expect(fields.length).toBeGreaterThanOrEqual(40);
  });

  /** The members the database selects for a rule, and the members the in-memory filter selects. */
  async function both(rule: Rule, label: string): Promise<{ got: string[]; want: string[] }> {
    const compileCtx: CompileContext = { ...fieldCtx, now: NOW, memberOf: (id) => compileRule(segments[id]!, compileCtx) };
    let condition: SQL;
    try {
      condition = compileRule(rule, compileCtx);
    } catch (err) {
      throw new Error(`${label} refused: ${JSON.stringify((err as { issues?: unknown }).issues)} ${JSON.stringify(rule)}`);
    }
    const got = rowsOf<{ id: string }>(await ctx.database.db.execute(sql`select c.id from customer_directory c where c.deleted_at is null and ${condition}`))
      .map((x) => x.id)
      .sort();
    const want = data.customers
      .filter((c) => matches(rule, c, data, segments))
      .map((c) => c.id)
      .sort();
    return { got, want };
  }

  it('40 random rule trees select exactly the in-memory members', async () => {
    const r = new Random(Number(process.env.SEGMENT_TEST_SEED ?? 20261205));
    let nonTrivial = 0;
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      // A rule that selects nobody or everybody tells little: draw again (a few times) for one that splits the customers.
      let rule: Rule = { all: [] };
      for (let attempt = 0; attempt < 8; attempt++) {
        const forced = [fields[(2 * i) % fields.length]!, fields[(2 * i + 1) % fields.length]!];
        rule = tree(r, 1, forced, fields, data, i % 2 ? 'all' : 'any');
        const n = data.customers.filter((c) => matches(rule, c, data, segments)).length;
        if (n > 0 && n < data.customers.length) break;
      }
      const { got, want } = await both(rule, `rule ${i}`);
      expect(got.length, `rule ${i}: ${JSON.stringify(rule)}`).toBe(want.length);
      expect(got, `rule ${i}: ${JSON.stringify(rule)}`).toEqual(want);
      if (want.length > 0 && want.length < data.customers.length) nonTrivial++;
      if (process.env.SEGMENT_TEST_DEBUG) console.log(i, want.length, JSON.stringify(rule));
      JSON.stringify(rule).replace(/"field":"([^"]+)"/g, (_, f: string) => (seen.add(f), ''));
      if (JSON.stringify(rule).includes('segment.member')) expect(referencedSegments(rule).length).toBeGreaterThan(0);
    }
    expect(nonTrivial).toBeGreaterThanOrEqual(34);
    expect([...seen].sort()).toEqual(fields.map((f) => f.key).sort());
  }, 600_000);

  it('agrees on the edges: none and some rows, empty values, negations of missing values', async () => {
    const p365 = { days: 365, type: 'payment' };
    const edges: Rule[] = [
      ...(['eq', 'lt', 'lte', 'gt', 'gte'] as const).flatMap((op) => [0, 1, 2].map((value) => ({ field: 'tx.count', op, value, params: p365 }) as Rule)),
      { field: 'tx.count', op: 'lt', value: 0.5 },
      { field: 'tx.count', op: 'gte', value: 0.5, params: { type: 'refund' } },
      { field: 'tx.sumFen', op: 'lte', value: 0 },
      { field: 'tx.lastDate', op: 'notWithinDays', value: 200, params: { type: 'refund' } },
      { not: { field: 'tx.lastDate', op: 'before', value: '2025-06-01' } },
      { not: { field: 'analytics.pAlive', op: 'gt', value: 0.5 } },
      { field: 'analytics.segment', op: 'isEmpty' },
      { not: { field: 'customer.source', op: 'eq', value: '营业厅' } },
      { field: 'customer.city', op: 'isEmpty' },
      { not: { any: [{ field: 'custom.interests', op: 'hasAny', value: ['solar'] }, { field: 'custom.contract_date', op: 'after', value: '2022-01-01' }] } },
      { field: 'custom.heated_area', op: 'ne', value: data.customers.find((c) => typeof c.custom.heated_area === 'number')!.custom.heated_area },
      { not: { field: 'service.satisfaction', op: 'lte', value: 2, params: { days: 180 } } },
      { field: 'service.openTickets', op: 'eq', value: 0 },
      { not: { field: 'segment.member', op: 'in', value: [SEGMENT_A] } },
    ];
    for (const [i, rule] of edges.entries()) {
      const { got, want } = await both(rule, `edge ${i}`);
      expect(got, `edge ${i}: ${JSON.stringify(rule)}`).toEqual(want);
    }
  }, 600_000);
});
