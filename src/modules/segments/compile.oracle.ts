/**
 * The in-memory filter the rule compiler's test (compile.test.ts) checks the database against: the rows of a loaded
 * demo read by a few big queries into columns (customers in id order; transactions packed per customer into typed
 * arrays), and a rule evaluated in plain JavaScript for every customer at once, condition by condition (a byte per
 * customer): windows (a `days` parameter's from the start of a company day; `withinDays` counted back from the
 * instant), transaction types, refunds, products, tickets and analytics as the fields define them.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { TestContext } from '../../test/harness.js';
import { rowsOf } from '../../platform/db/client.js';
import { dayStart, daysWindowStart, NEGATION, windowStart } from './fields.sql.js';
import type { Rule, RuleCondition, RuleOp } from './rule.js';

export const NOW = new Date('2026-11-01T04:00:00Z');
const TX_TYPES = ['purchase', 'payment', 'refund'] as const;
const REFUND = 2;

export type Db = TestContext['database']['db'];
export type Row = Record<string, any>;
/** The rows the in-memory filter reads: live customers in id order, everything else by customer index. */
export type Data = {
  n: number;
  ids: string[];
  index: Map<string, number>;
  customers: Row[];
  /** Transactions of customer i: txStart[i] … txStart[i+1]−1; type index, amount (fen), time (ms), products (bit per productIds entry). */
  txStart: Int32Array;
  txType: Uint8Array;
  txAmount: Float64Array;
  txAt: Float64Array;
  txProducts: Uint32Array;
  productIds: string[];
  /** Latest interaction (ms), NaN for none. */
  contact: Float64Array;
  tickets: (Row[] | undefined)[];
  analytics: (Row | undefined)[];
  users: string[];
  teams: string[];
};

const ms = (x: unknown): number | null => (x === null || x === undefined ? null : new Date(x as string).getTime());

export async function loadData(db: Db): Promise<Data> {
  const q = async (s: SQL) => rowsOf<Row>(await db.execute(s));
  const customers = await q(sql`select id, kind, name, gender, birthday::text as birthday, stage, source, created_at, owner_id, team_id, province, city,
                                district, compound, building, tags, consent, phones, custom from customer_directory where deleted_at is null order by id`);
  const n = customers.length;
  const ids = customers.map((c) => c.id as string);
  const index = new Map(ids.map((id, i) => [id, i]));
  for (const c of customers) c.created_at = ms(c.created_at);

  // Transactions, packed per customer: "type,amount,ms,product|product;…" (products as positions in productIds).
  const productIds = (await q(sql`select distinct product_id::text as id from transaction_line_ledger where product_id is not null order by 1`)).map((p) => p.id as string);
  if (productIds.length > 32) throw new Error(`more products than bits: ${productIds.length}`);
  const productArray = `{${productIds.join(',')}}`;
  const packed = await q(sql`
    select t.customer_id as id, count(*)::int as n,
           string_agg(concat_ws(',', t.type, t.amount_fen, floor(extract(epoch from t.occurred_at) * 1000)::bigint, l.products), ';') as tx
    from transaction_ledger t
    left join (select transaction_id, string_agg(array_position(${productArray}::uuid[], product_id)::text, '|') as products
               from transaction_line_ledger where product_id is not null group by transaction_id) l on l.transaction_id = t.id
    where t.deleted_at is null
    group by t.customer_id`);
  const txStart = new Int32Array(n + 1);
  const counts = new Int32Array(n);
  const rowsOfCustomer: (string | undefined)[] = new Array(n);
  for (const p of packed) {
    const i = index.get(p.id);
    if (i === undefined) continue; // a deleted customer's rows
    counts[i] = p.n;
    rowsOfCustomer[i] = p.tx;
  }
  for (let i = 0; i < n; i++) txStart[i + 1] = txStart[i]! + counts[i]!;
  const total = txStart[n]!;
  const txType = new Uint8Array(total);
  const txAmount = new Float64Array(total);
  const txAt = new Float64Array(total);
  const txProducts = new Uint32Array(total);
  for (let i = 0; i < n; i++) {
    const s = rowsOfCustomer[i];
    if (!s) continue;
    let k = txStart[i]!;
    for (const t of s.split(';')) {
      const [type, amount, at, products] = t.split(',');
      txType[k] = TX_TYPES.indexOf(type as (typeof TX_TYPES)[number]);
      txAmount[k] = Number(amount);
      txAt[k] = Number(at);
      if (products) for (const pos of products.split('|')) txProducts[k]! |= 1 << (Number(pos) - 1);
      k++;
    }
  }
  if (txType.some((t) => t > 2)) throw new Error('a transaction of an unknown type');

  const contact = new Float64Array(n).fill(NaN);
  for (const r of await q(sql`select customer_id, max(occurred_at) as at from interaction_log where deleted_at is null group by customer_id`)) {
    const i = index.get(r.customer_id);
    if (i !== undefined) contact[i] = ms(r.at)!;
  }
  const tickets: (Row[] | undefined)[] = new Array(n);
  for (const t of await q(sql`select id::text as id, customer_id, type, status, created_at, rating, rated_at from tickets where deleted_at is null and customer_id is not null`)) {
    const i = index.get(t.customer_id);
    if (i !== undefined) (tickets[i] ??= []).push({ id: t.id, type: t.type, status: t.status, rating: t.rating, created: ms(t.created_at), rated: ms(t.rated_at) });
  }
  const analytics: (Row | undefined)[] = new Array(n);
  for (const a of await q(sql`select customer_id, value_tier, rfm_group, r_score, f_score, m_score, churn_level, churn_risk, clv_fen::float8 as clv_fen, p_alive, segment
                              from analytics_customer_current`)) {
    const i = index.get(a.customer_id);
    if (i !== undefined) analytics[i] = a;
  }
  return {
    n,
    ids,
    index,
    customers,
    txStart,
    txType,
    txAmount,
    txAt,
    txProducts,
    productIds,
    contact,
    tickets,
    analytics,
    users: [...new Set(customers.map((c) => c.owner_id).filter(Boolean))].sort(),
    teams: [...new Set(customers.map((c) => c.team_id).filter(Boolean))].sort(),
  };
}

// ---- the in-memory filter -------------------------------------------------------------------------------------------

type Kind = 'text' | 'number' | 'timestamp' | 'date' | 'tags' | 'bool';
/** A field's value for customer i, given the condition's params (prepared once per condition). */
type Metric = { kind: Kind; of: (p: Row, d: Data) => (i: number) => unknown };

/** A `days` window: from the start of the company day (Asia/Shanghai) that many days before NOW's. */
const since = (p: Row) => (p.days ? daysWindowStart(NOW, p.days, undefined).getTime() : -Infinity);
/** The transactions a condition counts: of the type, else purchases and payments (`net`: refunds too), in the window. */
function txFilter(p: Row, d: Data, net = false): (k: number) => boolean {
  const type = p.type ? TX_TYPES.indexOf(p.type) : -1;
  const from = since(p);
  return (k) => (type >= 0 ? d.txType[k] === type : net || d.txType[k] !== REFUND) && d.txAt[k]! >= from;
}
const column = (col: string) => (_p: Row, d: Data) => (i: number) => d.customers[i]![col];
const customOf = (key: string, type: string) => (_p: Row, d: Data) => (i: number) => {
  const v = d.customers[i]!.custom?.[key];
  if (type === 'array') return Array.isArray(v) ? v : null;
  return typeof v === type ? v : null;
};
const an = (col: string) => (_p: Row, d: Data) => (i: number) => d.analytics[i]?.[col] ?? null;

export const METRICS: Record<string, Metric> = {
  'customer.kind': { kind: 'text', of: column('kind') },
  'customer.name': { kind: 'text', of: column('name') },
  'customer.gender': { kind: 'text', of: column('gender') },
  'customer.birthday': { kind: 'date', of: column('birthday') },
  'customer.birthMonth': { kind: 'number', of: (_p, d) => (i) => (d.customers[i]!.birthday ? Number(d.customers[i]!.birthday.slice(5, 7)) : null) },
  'customer.stage': { kind: 'text', of: column('stage') },
  'customer.source': { kind: 'text', of: column('source') },
  'customer.createdAt': { kind: 'timestamp', of: column('created_at') },
  'customer.owner': { kind: 'text', of: column('owner_id') },
  'customer.team': { kind: 'text', of: column('team_id') },
  'customer.province': { kind: 'text', of: column('province') },
  'customer.city': { kind: 'text', of: column('city') },
  'customer.district': { kind: 'text', of: column('district') },
  'customer.compound': { kind: 'text', of: column('compound') },
  'customer.building': { kind: 'text', of: column('building') },
  'customer.tags': { kind: 'tags', of: column('tags') },
  'customer.consent': { kind: 'bool', of: (p, d) => (i) => d.customers[i]!.consent?.[p.channel] === true },
  'customer.hasPhone': { kind: 'bool', of: (_p, d) => (i) => d.customers[i]!.phones.length > 0 },
  'custom.heated_area': { kind: 'number', of: customOf('heated_area', 'number') },
  'custom.heating_type': { kind: 'text', of: customOf('heating_type', 'string') },
  'custom.interests': { kind: 'tags', of: customOf('interests', 'array') },
  'custom.meter_no': { kind: 'text', of: customOf('meter_no', 'string') },
  'custom.contract_date': { kind: 'date', of: customOf('contract_date', 'string') },
  'custom.paperless': { kind: 'bool', of: (_p, d) => (i) => d.customers[i]!.custom?.paperless === true },
  'tx.count': {
    kind: 'number',
    of: (p, d) => {
      const counted = txFilter(p, d);
      return (i) => {
        let n = 0;
        for (let k = d.txStart[i]!; k < d.txStart[i + 1]!; k++) if (counted(k)) n++;
        return n;
      };
    },
  },
  'tx.sumFen': {
    kind: 'number',
    of: (p, d) => {
      const counted = txFilter(p, d, true);
      return (i) => {
        let s = 0;
        for (let k = d.txStart[i]!; k < d.txStart[i + 1]!; k++) if (counted(k)) s += !p.type && d.txType[k] === REFUND ? -d.txAmount[k]! : d.txAmount[k]!;
        return s;
      };
    },
  },
  'tx.lastDate': {
    kind: 'timestamp',
    of: (p, d) => {
      const counted = txFilter(p, d);
      return (i) => {
        let m: number | null = null;
        for (let k = d.txStart[i]!; k < d.txStart[i + 1]!; k++) if (counted(k) && (m === null || d.txAt[k]! > m)) m = d.txAt[k]!;
        return m;
      };
    },
  },
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
  'service.lastContact': { kind: 'timestamp', of: (_p, d) => (i) => (Number.isNaN(d.contact[i]) ? null : d.contact[i]) },
  'service.openTickets': { kind: 'number', of: (_p, d) => (i) => (d.tickets[i] ?? []).filter((t) => !['resolved', 'closed'].includes(t.status)).length },
  'service.complaints': {
    kind: 'number',
    of: (p, d) => {
      const from = since(p);
      return (i) => (d.tickets[i] ?? []).filter((t) => t.type === 'complaint' && t.created >= from).length;
    },
  },
  'service.satisfaction': {
    kind: 'number',
    of: (p, d) => {
      const from = since(p);
      return (i) => {
        const rated = (d.tickets[i] ?? []).filter((t) => t.rating !== null && t.rated >= from);
        rated.sort((a, b) => b.rated - a.rated || (a.id < b.id ? 1 : -1));
        return rated[0]?.rating ?? null;
      };
    },
  },
};

/** The positive operator (negations are applied by the caller) as a test of one value. */
function predicate(kind: Kind, op: RuleOp, value: any): (v: any) => boolean {
  const list = Array.isArray(value) ? value : [value];
  if (op === 'isEmpty') return (v) => v === null || v === undefined || ((kind === 'text' || kind === 'tags') && v.length === 0);
  if (op === 'isTrue') return (v) => v === true;
  const present = (test: (v: any) => boolean) => (v: any) => v !== null && v !== undefined && test(v);
  switch (kind) {
    case 'timestamp': {
      const [a, b] = list as string[];
      if (op === 'withinDays') {
        const from = windowStart(NOW, value).getTime();
        return present((v) => v >= from);
      }
      const lo = dayStart(a!, undefined).getTime();
      const hi = dayStart(op === 'between' ? b! : a!, undefined, 1).getTime();
      if (op === 'eq' || op === 'between') return present((v) => v >= lo && v < hi);
      if (op === 'before') return present((v) => v < lo);
      if (op === 'after') return present((v) => v >= hi);
      break;
    }
    case 'tags':
      if (op === 'hasAny') return present((v) => list.some((x) => v.includes(x)));
      if (op === 'hasAll') return present((v) => list.every((x) => v.includes(x)));
      break;
    default: {
      const num = (v: any) => (kind === 'number' ? Number(v) : v);
      if (op === 'eq') return present((v) => num(v) === value);
      if (op === 'in') return present((v) => list.includes(num(v)));
      if (op === 'contains') return present((v) => String(v).toLowerCase().includes(String(value).toLowerCase()));
      if (op === 'startsWith') return present((v) => String(v).startsWith(String(value)));
      if (op === 'gt') return present((v) => num(v) > value);
      if (op === 'gte') return present((v) => num(v) >= value);
      if (op === 'lt') return present((v) => num(v) < value);
      if (op === 'lte') return present((v) => num(v) <= value);
      if (op === 'before') return present((v) => num(v) < value);
      if (op === 'after') return present((v) => num(v) > value);
      if (op === 'between') return present((v) => num(v) >= list[0] && num(v) <= list[1]);
    }
  }
  throw new Error(`no oracle for ${kind} ${op}`);
}

/** A rule over every customer at once: 1 where customer i is a member. `segments` are the saved segments' members. */
export function members(rule: Rule, d: Data, segments: Record<string, Uint8Array>): Uint8Array {
  const out = new Uint8Array(d.n);
  if ('all' in rule) {
    out.fill(1);
    for (const child of rule.all) {
      const m = members(child, d, segments);
      for (let i = 0; i < d.n; i++) out[i]! &= m[i]!;
    }
    return out;
  }
  if ('any' in rule) {
    for (const child of rule.any) {
      const m = members(child, d, segments);
      for (let i = 0; i < d.n; i++) out[i]! |= m[i]!;
    }
    return out;
  }
  if ('not' in rule) {
    const m = members(rule.not, d, segments);
    for (let i = 0; i < d.n; i++) out[i] = 1 - m[i]!;
    return out;
  }
  const cond = rule as RuleCondition;
  const neg = NEGATION[cond.op] ? 1 : 0;
  const op = NEGATION[cond.op] ?? cond.op;
  const values = Array.isArray(cond.value) ? cond.value : [cond.value];
  let test: (i: number) => boolean;
  if (cond.field === 'segment.member') {
    const sets = values.map((id) => segments[String(id)]!);
    test = (i) => sets.some((s) => s[i] === 1);
  } else if (cond.field === 'tx.product') {
    const counted = txFilter(cond.params ?? {}, d);
    const mask = values.reduce<number>((m, id) => m | (1 << d.productIds.indexOf(String(id))), 0);
    test = (i) => {
      for (let k = d.txStart[i]!; k < d.txStart[i + 1]!; k++) if (counted(k) && (d.txProducts[k]! & mask) !== 0) return true;
      return false;
    };
  } else {
    const m = METRICS[cond.field]!;
    const of = m.of(cond.params ?? {}, d);
    const holds = predicate(m.kind, op, cond.value);
    test = (i) => holds(of(i));
  }
  for (let i = 0; i < d.n; i++) out[i] = (test(i) ? 1 : 0) ^ neg;
  return out;
}

export const countOf = (m: Uint8Array) => m.reduce((s, x) => s + x, 0);
