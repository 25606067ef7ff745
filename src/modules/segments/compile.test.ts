/**
 * The rule compiler against a plain in-memory filter: a heating demo (plus tickets, custom fields of every type,
 * deleted rows and an analytics run) is loaded once; 40 rule trees drawn by a seeded generator (all / any / not
 * nesting, every built-in field group, random operators, values drawn from the data) must select exactly the
 * customers that evaluating the same rule in JavaScript over the same rows selects — compiled for the live SQL, and,
 * when the facts read model can answer the rule (segments.facts.ts, built for NOW's company day), over the facts too
 * (plus 16 trees drawn from the fields the facts hold, which must all be answered there).
 *
 * Size: 40,000 households on PostgreSQL in CI (200,000 by hand, issue #14), 2,000 on PGlite (the same SQL; the embedded suite stays fast);
 * SEGMENT_TEST_SIZE overrides either. At 200,000 the file has to stay practical, so:
 *   - the extras are seeded by set-based SQL (values drawn from md5 of the customer id: the same on every run for
 *     the same ids), not row by row;
 *   - the in-memory filter (compile.oracle.ts) reads the rows with a few big queries into columns and evaluates a
 *     rule for every customer at once;
 *   - the database returns a rule's members as one text (string_agg of the ids), compared by customer index: every
 *     member set is still checked for exact equality.
 * SEGMENT_TEST_DEBUG=1 prints every rule with its member count; the phase timings and the selectivity summary are
 * printed once at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { createTestContext, TEST_DB_KIND, type TestContext } from '../../test/harness.js';
import { systemActor } from '../../platform/auth/permissions.js';
import { rowsOf } from '../../platform/db/client.js';
import { Random } from '../../platform/random.js';
import { loadDemo } from '../demo/index.js';
import { createCustomField } from '../fields/index.js';
import { compileRule, compileRuleOnFacts, referencedSegments } from './compile.js';
import { rebuildFacts } from './segments.facts.js';
import { withRuleMemory } from './segments.repository.js';
import { listSegmentFields, loadFieldContext, segmentField, type CompileContext, type FieldContext } from './fields.js';
import type { Rule, RuleCondition, RuleOp } from './rule.js';
import { countOf, loadData, members, METRICS, NOW, type Data, type Db, type Row } from './compile.oracle.js';

// PostgreSQL: 20,000 households in every CI run (CI's 20-minute budget, beside the other suites on two cores; 40,000
// until 2026-12-07); the issue's 200,000 with SEGMENT_TEST_SIZE=200000 (passed in CI on 2026-12-05: 40 of 40 trees,
// about 4.5 minutes).
const SIZE = Number(process.env.SEGMENT_TEST_SIZE ?? (TEST_DB_KIND === 'postgres' ? 20_000 : 2000));
const DEBUG = Boolean(process.env.SEGMENT_TEST_DEBUG);
const AS_OF = '2026-11-01';
const SEGMENT_A = '00000000-0000-4000-8000-00000000000a';
const SEGMENT_B = '00000000-0000-4000-8000-00000000000b';

// ---- the extras -----------------------------------------------------------------------------------------------------

/** A number in [0, 1) drawn from md5 of `key` and a salt: the same for the same customer (and ticket) on every run. */
const u = (key: string, salt: string) => `(('x' || substr(md5(${key} || '${salt}'), 1, 8))::bit(32)::bigint / 4294967296.0)`;
const pickSql = (options: string[], x: string) => `(array[${options.map((o) => `'${o}'`).join(', ')}])[1 + floor(${x} * ${options.length})::int]`;
const intSql = (lo: number, hi: number, x: string) => `(${lo} + floor(${x} * ${hi - lo + 1})::int)`;

/** Runs one statement per part of the customers (split by id) — on PostgreSQL side by side, on PGlite one after another. */
async function byIdRange(db: Db, parts: number, statement: (range: string) => string): Promise<void> {
  const bounds = Array.from({ length: parts + 1 }, (_, k) => (k === 0 || k === parts ? null : `${Math.floor((k * 16) / parts).toString(16)}0000000-0000-0000-0000-000000000000`));
  const ranges = bounds.slice(0, -1).map((lo, k) => [lo ? `c.id >= '${lo}'` : 'true', bounds[k + 1] ? `c.id < '${bounds[k + 1]}'` : 'true'].join(' and '));
  if (TEST_DB_KIND === 'postgres') await Promise.all(ranges.map((r) => db.execute(sql.raw(statement(r)))));
  else for (const r of ranges) await db.execute(sql.raw(statement(r)));
}

async function seedExtras(db: Db): Promise<void> {
  const actor = systemActor('cli');
  const opt = (v: string) => ({ value: v, labelZh: v, labelEn: v });
  await createCustomField(db, actor, { key: 'heating_type', labelZh: '供暖方式', labelEn: 'Heating type', type: 'select', options: ['floor', 'radiator', 'mixed'].map(opt), required: false });
  await createCustomField(db, actor, { key: 'interests', labelZh: '兴趣', labelEn: 'Interests', type: 'multiselect', options: ['saving', 'smart', 'repair', 'solar'].map(opt), required: false });
  await createCustomField(db, actor, { key: 'meter_no', labelZh: '表号', labelEn: 'Meter no.', type: 'text', options: [], required: false });
  await createCustomField(db, actor, { key: 'contract_date', labelZh: '签约日期', labelEn: 'Contract date', type: 'date', options: [], required: false });
  await createCustomField(db, actor, { key: 'paperless', labelZh: '电子账单', labelEn: 'Paperless', type: 'boolean', options: [], required: false });
  const id = 'c.id::text';
  const interests = ['saving', 'smart', 'repair', 'solar'].map((x) => `case when ${u(id, `i-${x}`)} < 0.4 then '${x}' end`).join(', ');
  // Custom values of every type (some absent, some empty lists) for two customers in five (an update of every row,
  // with the customers' twenty indexes, took a minute at 200,000): one statement per part of the customers.
  await byIdRange(
    db,
    2,
    (range) => `update customers c set custom = c.custom || jsonb_strip_nulls(jsonb_build_object(
      'heating_type', case when ${u(id, 'h')} < 0.7 then ${pickSql(['floor', 'radiator', 'mixed'], u(id, 'h1'))} end,
      'interests', case when ${u(id, 'i')} < 0.5 then to_jsonb(array_remove(array[${interests}], null)) end,
      'meter_no', case when ${u(id, 'm')} < 0.6 then 'M' || ${intSql(10, 99, u(id, 'm1'))} || '-' || ${intSql(100, 999, u(id, 'm2'))} end,
      'contract_date', case when ${u(id, 'd')} < 0.5 then '20' || ${intSql(18, 26, u(id, 'd1'))} || '-0' || ${intSql(1, 9, u(id, 'd2'))} || '-1' || ${intSql(0, 9, u(id, 'd3'))} end,
      'paperless', case when ${u(id, 'p')} < 0.6 then ${u(id, 'p1')} < 0.5 end))
    where ${range} and ${u(id, 'any')} < 0.4`,
  );
  // Tickets: a third of the customers have one to three, some rated, a few deleted.
  const tk = `c.id::text || k`;
  const now = `'${NOW.toISOString()}'::timestamptz`;
  await byIdRange(
    db,
    2,
    (range) => `insert into tickets (title, type, source, status, customer_id, public_token, created_at, rating, rated_at, deleted_at)
      select 'T' || left(t.id::text, 8) || t.k, t.type, 'call', t.status, t.id, 'tok-' || t.id || '-' || t.k, t.created,
             case when t.rated then t.rating end::smallint, case when t.rated then t.created + make_interval(days => t.after) end,
             case when t.deleted then ${now} end
      from (select c.id, k,
                   ${now} - make_interval(days => ${intSql(1, 400, u(tk, 'tc'))}, secs => ${intSql(0, 86_399, u(tk, 'ts'))}) as created,
                   ${pickSql(['complaint', 'repair', 'inquiry', 'suggestion'], u(tk, 'ty'))} as type,
                   ${pickSql(['new', 'assigned', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'], u(tk, 'st'))} as status,
                   ${u(tk, 'r')} < 0.5 as rated, ${intSql(1, 5, u(tk, 'rv'))} as rating, ${intSql(1, 20, u(tk, 'ra'))} as after,
                   ${u(tk, 'del')} < 0.05 as deleted
            from customers c cross join lateral generate_series(1, case when ${u(id, 't')} < 0.35 then ${intSql(1, 3, u(id, 'tn'))} else 0 end) k
            where ${range}) t`,
  );
  // Deleted rows the rules must not count, and empty values.
  await db.execute(sql`update transactions set deleted_at = now() where id in (select id from transactions order by md5(id::text) limit 40)`);
  await db.execute(sql`update interactions set deleted_at = now() where id in (select id from interactions order by md5(id::text) limit 40)`);
  await db.execute(sql`update customers set deleted_at = now() where id in (select id from customers order by md5(id::text) limit 15)`);
  await db.execute(sql`update customers set source = null where id in (select id from customers order by md5(id::text || 's') limit 200)`);
  await db.execute(sql`update customers set city = '' where id in (select id from customers order by md5(id::text || 'c') limit 20)`);
  // Statistics for the rows just written, as after any bulk load: without them the planner takes the new tickets
  // for an empty table and scans it once per customer (minutes at 200,000).
  await db.execute(sql`analyze customers, tickets, transactions, interactions`);
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
  const of = m.of(params, d);
  const samples: any[] = [];
  for (let k = 0; k < 40; k++) {
    const v = of(r.int(0, d.n - 1));
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
  const segmentMembers: Record<string, Uint8Array> = {};
  const timings: Record<string, number> = {};
  const time = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings[phase] = (timings[phase] ?? 0) + (performance.now() - started) / 1000;
    }
  };
  let selectivity = '';

  beforeAll(async () => {
    ctx = await createTestContext();
    const db = ctx.database.db;
    // Two writers on PostgreSQL (as `hearth demo load` does): the server does the work, on both cores.
    await time('demo load', () => loadDemo(db, systemActor('cli'), { seed: 11, size: SIZE, asOf: AS_OF }, { skipForeignKeyChecks: true, writers: 2 }));
    await time('extras', () => seedExtras(db));
    await time('analytics run', async () => {
      const res = await ctx.admin.post('/api/v1/analytics/runs', { asOf: AS_OF });
      expect(res.statusCode, res.body).toBe(202);
      for (let k = 0; ; k++) {
        const run = (await ctx.admin.get(`/api/v1/analytics/runs/${res.json().id}`)).json();
        if (run.status === 'done') break;
        if (run.status === 'failed' || k > 6000) throw new Error(`analytics run did not finish: ${JSON.stringify(run)}`);
        await new Promise((done) => setTimeout(done, 100));
      }
    });
    // The facts read model for NOW's company day: every rule the facts can answer is checked over them too.
    await time('facts build', async () => expect(await rebuildFacts(db, { now: NOW })).toBe('built'));
    data = await time('oracle read', () => loadData(db));
    if (DEBUG) console.log(`setup: ${JSON.stringify(timings)}`);
    fieldCtx = await loadFieldContext(db);
    // The built-in fields (later modules' fields, registered by the composition root — loyalty's — are tested by those modules).
    fields = listSegmentFields('zh-CN', fieldCtx).filter((f) => f.group !== 'loyalty').map((f) => ({ key: f.key, ops: f.ops, ...(f.options ? { options: f.options.map((o) => o.value) } : {}) }));
    const tag = [...new Set(data.customers.flatMap((c) => c.tags as string[]))].sort()[0]!;
    segments[SEGMENT_A] = {
      all: [
        { field: 'customer.stage', op: 'in', value: ['loyal', 'active'] },
        { field: 'tx.count', op: 'gte', value: 3, params: { days: 1000 } },
      ],
    };
    segments[SEGMENT_B] = { any: [{ field: 'analytics.churnLevel', op: 'eq', value: 'high' }, { field: 'customer.tags', op: 'hasAny', value: [tag] }] };
    for (const id of [SEGMENT_A, SEGMENT_B]) segmentMembers[id] = members(segments[id]!, data, segmentMembers);
  }, 1_800_000);
  afterAll(async () => {
    const heap = Math.round(process.memoryUsage().heapUsed / 1e6);
    const phases = Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(1)} s`);
    console.log(`segment compile test, ${SIZE} households on ${TEST_DB_KIND}: ${phases.join(', ')}; heap ${heap} MB; ${selectivity}`);
    await ctx?.close();
  });

  it('has the data every field group needs', () => {
    expect(data.n).toBeGreaterThan(SIZE * 0.98);
    expect(data.analytics.filter(Boolean).length).toBeGreaterThan(SIZE * 0.9);
    expect(data.contact.filter((x) => !Number.isNaN(x)).length).toBeGreaterThan(SIZE * 0.3);
    expect(data.tickets.reduce((s, t) => s + (t?.length ?? 0), 0)).toBeGreaterThan(SIZE * 0.3);
    expect(data.txStart[data.n]).toBeGreaterThan(SIZE);
    expect(data.txProducts.some((p) => p !== 0)).toBe(true);
    expect(data.productIds.length).toBeGreaterThan(1);
    expect(data.customers.filter((c) => Array.isArray(c.custom.interests)).length).toBeGreaterThan(SIZE * 0.15);
    // Every field offered to the builder has an in-memory twin here.
    const special = ['segment.member', 'tx.product'];
    expect(fields.map((f) => f.key).filter((k) => !METRICS[k] && !special.includes(k))).toEqual([]);
    expect(fields.length).toBeGreaterThanOrEqual(40);
  });

  /**
   * The database's members for a rule against the in-memory filter's (`want`): the same customers exactly. The ids
   * come back as one text and are compared by customer index; a difference names up to five ids each way.
   */
  let sortedIds: string[] | undefined;
  let checked = 0;
  let onFacts = 0;
  async function check(rule: Rule, want: Uint8Array, label: string, opts: { factsOnly?: boolean } = {}): Promise<void> {
    const compileCtx: CompileContext = { ...fieldCtx, now: NOW, memberOf: (id) => compileRule(segments[id]!, compileCtx) };
    let condition: SQL;
    try {
      condition = compileRule(rule, compileCtx);
    } catch (err) {
      throw new Error(`${label} refused: ${JSON.stringify((err as { issues?: unknown }).issues)} ${JSON.stringify(rule)}`);
    }
    const [row] = await withRuleMemory(ctx.database.db, async (tx) =>
      rowsOf<{ n: number; ids: string | null }>(
        await tx.execute(sql`select count(*)::int as n, string_agg(c.id::text, ',') as ids from customer_directory c where c.deleted_at is null and ${condition}`),
      ),
    );
    compare(row!, want, label, rule);
    // Over the facts read model (customer_facts as `c`), when the facts can answer the rule: the same customers. A
    // referenced segment is read from the directory (in the service it is membership, by `c.id`, either way).
    const factsCtx: CompileContext = { ...compileCtx, memberOf: (id) => sql`c.id in (select c.id from customer_directory c where ${compileRule(segments[id]!, compileCtx)})` };
    const factsCondition = compileRuleOnFacts(rule, factsCtx);
    if (opts.factsOnly) expect(factsCondition, `${label}: the facts cannot answer ${JSON.stringify(rule)}`).not.toBeNull();
    if (factsCondition) {
      onFacts++;
      const [f] = await withRuleMemory(ctx.database.db, async (tx) =>
        rowsOf<{ n: number; ids: string | null }>(
          await tx.execute(sql`select count(*)::int as n, string_agg(c.id::text, ',') as ids from customer_facts c where c.deleted_at is null and ${factsCondition}`),
        ),
      );
      compare(f!, want, `${label}, over the facts`, rule);
    }
    // On PGlite a refresh slice compiles the rule for its id range (sets of customer ids cut to the range): three
    // slices give the same customers as the whole. (PostgreSQL refreshes a segment whole.)
    // Every other rule (within CI's time): the slices' bounds are the same code for every condition.
    if (TEST_DB_KIND !== 'pglite' || checked++ % 2) return;
    const sorted = (sortedIds ??= [...data.ids].sort());
    const cuts = [null, sorted[Math.floor(data.n / 3)]!, sorted[Math.floor((2 * data.n) / 3)]!, null];
    const sliced = { n: 0, ids: [] as string[] };
    for (let k = 0; k < 3; k++) {
      const range = { after: cuts[k] ?? null, upTo: cuts[k + 1] ?? null };
      const part = compileRule(rule, { ...compileCtx, range });
      const bounds = sql`${range.after ? sql`c.id > ${range.after}::uuid` : sql`true`} and ${range.upTo ? sql`c.id <= ${range.upTo}::uuid` : sql`true`}`;
      const [r] = await withRuleMemory(ctx.database.db, async (tx) =>
        rowsOf<{ n: number; ids: string | null }>(
          await tx.execute(sql`select count(*)::int as n, string_agg(c.id::text, ',') as ids from customer_directory c where c.deleted_at is null and ${bounds} and ${part}`),
        ),
      );
      sliced.n += r!.n;
      if (r!.ids) sliced.ids.push(r!.ids);
    }
    compare({ n: sliced.n, ids: sliced.ids.join(',') || null }, want, `${label}, in three id slices`, rule);
  }

  function compare(row: { n: number; ids: string | null }, want: Uint8Array, label: string, rule: Rule): void {
    const got = new Uint8Array(data.n);
    const unknown: string[] = [];
    for (const id of row.ids ? row.ids.split(',') : []) {
      const i = data.index.get(id);
      if (i === undefined) unknown.push(id);
      else got[i] = 1;
    }
    const missing: string[] = [];
    const extra = [...unknown];
    for (let i = 0; i < data.n; i++) {
      if (want[i] && !got[i]) missing.push(data.ids[i]!);
      else if (got[i] && !want[i]) extra.push(data.ids[i]!);
    }
    const wanted = countOf(want);
    const summary = { rows: row.n, missing: missing.length, extra: extra.length, someMissing: missing.slice(0, 5), someExtra: extra.slice(0, 5) };
    expect(summary, `${label} (${wanted} wanted): ${JSON.stringify(rule)}`).toEqual({ rows: wanted, missing: 0, extra: 0, someMissing: [], someExtra: [] });
  }

  /** Checks the rules two at a time (PostgreSQL works on both cores; PGlite takes them one after another anyway). */
  async function checkAll(rules: { rule: Rule; want: Uint8Array; label: string }[], opts: { factsOnly?: boolean } = {}): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < rules.length) {
        const { rule, want, label } = rules[next++]!;
        await check(rule, want, label, opts);
      }
    };
    await time('database', () => Promise.all([worker(), worker()]));
  }

  it('40 random rule trees select exactly the in-memory members', async () => {
    const r = new Random(Number(process.env.SEGMENT_TEST_SEED ?? 20261205));
    const seen = new Set<string>();
    const sizes: number[] = [];
    let redrawn = 0;
    const drawn: { rule: Rule; want: Uint8Array; label: string }[] = [];
    for (let i = 0; i < 40; i++) {
      // A rule that selects nobody or everybody (or nearly) tells little: draw again (a few times) for one that splits
      // the customers, else keep the draw that came closest to half.
      let best: { rule: Rule; want: Uint8Array; off: number } | null = null;
      for (let attempt = 0; attempt < 12; attempt++) {
        const forced = [fields[(2 * i) % fields.length]!, fields[(2 * i + 1) % fields.length]!];
        const rule = tree(r, 1, forced, fields, data, i % 2 ? 'all' : 'any');
        const want = await time('oracle', async () => members(rule, data, segmentMembers));
        const n = countOf(want);
        const off = n === 0 || n === data.n ? 2 : Math.abs(n / data.n - 0.5);
        if (!best || off < best.off) best = { rule, want, off };
        if (n >= Math.min(5, data.n * 0.001) && n <= data.n * 0.95) break;
        redrawn++;
      }
      const { rule, want } = best!;
      drawn.push({ rule, want, label: `rule ${i}` });
      sizes.push(countOf(want));
      if (DEBUG) console.log(i, sizes[i], JSON.stringify(rule));
      JSON.stringify(rule).replace(/"field":"([^"]+)"/g, (_, f: string) => (seen.add(f), ''));
      if (JSON.stringify(rule).includes('segment.member')) expect(referencedSegments(rule).length).toBeGreaterThan(0);
    }
    await checkAll(drawn);
    const empty = sizes.filter((s) => s === 0).length;
    const full = sizes.filter((s) => s === data.n).length;
    const share = (lo: number, hi: number) => sizes.filter((s) => s > 0 && s < data.n && s / data.n >= lo && s / data.n < hi).length;
    selectivity =
      `trees: ${empty} select none, ${full} all, ${40 - empty - full} in between, ${onFacts} also over the facts ` +
      `(<1% ${share(0, 0.01)}, 1–10% ${share(0.01, 0.1)}, 10–50% ${share(0.1, 0.5)}, 50–90% ${share(0.5, 0.9)}, ≥90% ${share(0.9, 1)}; ${redrawn} redrawn)`;
    expect(40 - empty - full).toBeGreaterThanOrEqual(34);
    expect([...seen].sort()).toEqual(fields.map((f) => f.key).sort());
  }, 900_000);

  it('16 random trees of the fields the facts hold compile over the facts to exactly the in-memory members', async () => {
    const r = new Random(Number(process.env.SEGMENT_TEST_SEED ?? 20261205) + 1);
    const factsFields = fields.filter((f) => segmentField(f.key, fieldCtx)?.facts);
    // The facts hold transaction counts and sums of the 365-day window only.
    const in365 = (x: Rule): Rule => {
      if ('all' in x) return { all: x.all.map(in365) };
      if ('any' in x) return { any: x.any.map(in365) };
      if ('not' in x) return { not: in365(x.not) };
      return x.field === 'tx.count' || x.field === 'tx.sumFen' ? { ...x, params: { ...x.params, days: 365 } } : x;
    };
    const drawn: { rule: Rule; want: Uint8Array; label: string }[] = [];
    for (let i = 0; i < 16; i++) {
      let best: { rule: Rule; want: Uint8Array; off: number } | null = null;
      for (let attempt = 0; attempt < 8; attempt++) {
        const forced = [factsFields[(2 * i) % factsFields.length]!, factsFields[(2 * i + 1) % factsFields.length]!];
        const rule = in365(tree(r, 1, forced, factsFields, data, i % 2 ? 'all' : 'any'));
        const want = members(rule, data, segmentMembers);
        const n = countOf(want);
        const off = n === 0 || n === data.n ? 2 : Math.abs(n / data.n - 0.5);
        if (!best || off < best.off) best = { rule, want, off };
        if (n >= Math.min(5, data.n * 0.001) && n <= data.n * 0.95) break;
      }
      drawn.push({ rule: best!.rule, want: best!.want, label: `facts rule ${i}` });
    }
    await checkAll(drawn, { factsOnly: true });
  }, 900_000);

  it('agrees on the edges: none and some rows, empty values, negations of missing values', async () => {
    const p365 = { days: 365, type: 'payment' };
    const edges: Rule[] = [
      ...(['eq', 'lt', 'lte', 'gt', 'gte'] as const).flatMap((op) => [0, 1, 2].map((value) => ({ field: 'tx.count', op, value, params: p365 }) as Rule)),
      ...(['eq', 'lt', 'gte'] as const).flatMap((op) => [0, 1].map((value) => ({ field: 'tx.sumFen', op, value, params: { days: 365, type: 'refund' } }) as Rule)),
      { not: { field: 'tx.count', op: 'gte', value: 1, params: { days: 365 } } },
      { field: 'tx.lastDate', op: 'isEmpty', params: { type: 'purchase' } },
      { not: { field: 'analytics.valueTier', op: 'in', value: ['high'] } },
      { field: 'analytics.pAlive', op: 'isEmpty' },
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
    await checkAll(edges.map((rule, i) => ({ rule, want: members(rule, data, segmentMembers), label: `edge ${i}` })));
  }, 900_000);
});
