/**
 * The churn list's keyset pages: under every sort and order, walking the pages by `nextCursor` gives every customer
 * in the data scope exactly once, in order (ties on the sort value broken by id, customers without purchases sorted
 * below every recency), with the same `total` on every page; a forged cursor is a 400 naming `cursor`.
 *
 * The analysis results are written straight into analytics_customer_current (no run), so the sort values have the
 * ties and nulls the test needs.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { problemOf } from '../../test/http.js';

type Row = { id: string; name: string; owned: boolean; risk: number; level: 'low' | 'medium' | 'high'; tier: 'high' | 'middle' | 'low'; clv: number; recency: number | null };
type Sort = 'risk' | 'clv' | 'recency' | 'name';
type Order = 'asc' | 'desc';

const cursorOf = (value: string, id: string) => Buffer.from(JSON.stringify([value, id])).toString('base64url');
const compare = (a: number | string, b: number | string) => (a < b ? -1 : a > b ? 1 : 0);
/** No purchase (no recency) sorts below every day count. */
const recencyKey = (r: Row) => r.recency ?? -1e9;

/** The order the list promises: the sort value (risk: then the highest CLV first), then the id, both in `order`. */
function expectedOrder(rows: Row[], sort: Sort, order: Order): Row[] {
  const sign = order === 'asc' ? 1 : -1;
  const primary = (a: Row, b: Row): number => {
    if (sort === 'risk') return sign * (a.risk - b.risk) || b.clv - a.clv;
    if (sort === 'clv') return sign * (a.clv - b.clv);
    if (sort === 'recency') return sign * (recencyKey(a) - recencyKey(b));
    return sign * compare(a.name, b.name);
  };
  return [...rows].sort((a, b) => primary(a, b) || sign * compare(a.id, b.id));
}

const RISKS = [85, 85, 50, 50, 50, 10, 0];
const CLVS = [0, 12_000, -3_000];
const RECENCIES = [null, 5, 30, 200];
const TIERS = ['high', 'middle', 'low'] as const;
const levelOf = (risk: number) => (risk >= 60 ? 'high' : risk >= 30 ? 'medium' : 'low');

describe('churn list keyset pages', () => {
  let ctx: TestContext;
  let manager: Client;
  let rows: Row[] = [];
  let deletedId = '';

  beforeAll(async () => {
    ctx = await createTestContext();
    manager = await ctx.newUser({ role: 'account_manager', username: 'am.churnpages' });
    const runId = randomUUID();
    // 26 customers, names repeating every 9, (risk, CLV) repeating every 21, recency ties and nulls; every third owned
    // by the account manager; the last one deleted (its results stay in the table, it must not be listed).
    for (let i = 0; i < 26; i++) {
      const owned = i % 3 === 0;
      const name = `churnpage${String(i % 9).padStart(2, '0')}`;
      const c = await ctx.newCustomer({ name, ...(owned ? { ownerId: manager.userId } : {}) });
      const risk = RISKS[i % RISKS.length]!;
      const row: Row = { id: c.id, name, owned, risk, level: levelOf(risk), tier: TIERS[(i >> 1) % 3]!, clv: CLVS[i % 3]!, recency: RECENCIES[i % 4]! };
      await ctx.database.db.execute(sql`
        insert into analytics_customer_current (customer_id, run_id, as_of, value_tier, value_score, rfm_group, r_score, f_score, m_score,
          recency_days, frequency, monetary_fen, clv_formula_fen, clv_fen, clv_service_fen, clv_contract_fen, churn_risk, churn_level,
          churn_reasons, loyalty, quadrant, scores)
        values (${row.id}, ${runId}, '2026-11-01', ${row.tier}, 50, 'important_value', 3, 3, 3, ${row.recency}, 1, 1000, ${row.clv}, ${row.clv},
          ${row.clv}, 0, ${row.risk}, ${row.level}, ${JSON.stringify([{ code: 'tag', zh: `标签${i}`, en: `Tag ${i}`, points: risk }])}::json, 50, 'core',
          ${JSON.stringify({ kinds: { economic: 50, emotional: 50, strategic: 50 }, indicators: {} })}::json)`);
      rows.push(row);
    }
    deletedId = rows[25]!.id;
    expect((await ctx.admin.delete(`/api/v1/customers/${deletedId}`)).statusCode).toBe(204);
    rows = rows.slice(0, 25);
  });
  afterAll(() => ctx.close());

  /** Every page of a query, by cursor: the customers in order, each page's total and size. */
  async function walk(as: Client, query: string, limit: number) {
    const items: Record<string, any>[] = [];
    const totals: number[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 40; guard++) {
      const res = await as.get(`/api/v1/analytics/churn?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as { items: Record<string, any>[]; nextCursor: string | null; total: number };
      expect(Object.keys(page).sort()).toEqual(['items', 'nextCursor', 'total']);
      items.push(...page.items);
      totals.push(page.total);
      sizes.push(page.items.length);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return { items, totals, sizes };
  }

  const view = (r: Row) => [r.id, r.name, r.risk, r.level, r.tier, r.clv, r.recency];
  const seen = (items: Record<string, any>[]) => items.map((i) => [i.customerId, i.name, i.churnRisk, i.churnLevel, i.valueTier, i.clvFen, i.recencyDays]);
  const sizesOf = (n: number, limit: number) => Array.from({ length: Math.max(1, Math.ceil(n / limit)) }, (_, k) => Math.min(limit, n - k * limit));

  for (const sort of ['risk', 'clv', 'recency', 'name'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      it(`sort=${sort} order=${order}: every in-scope customer exactly once, in order, the same total on every page`, async () => {
        for (const [who, as, inScope] of [
          ['admin', ctx.admin, rows],
          ['account manager', manager, rows.filter((r) => r.owned)],
        ] as const) {
          const want = expectedOrder(inScope, sort, order);
          for (const limit of [4, 7]) {
            const got = await walk(as, `sort=${sort}&order=${order}`, limit);
            expect(seen(got.items), `${who}, limit ${limit}`).toEqual(want.map(view));
            expect(new Set(got.items.map((i) => i.customerId)).size).toBe(want.length);
            expect(got.totals).toEqual(got.sizes.map(() => want.length));
            expect(got.sizes).toEqual(sizesOf(want.length, limit));
          }
        }
      });
    }
  }

  it('keeps the filters on every page: level, tier and owner', async () => {
    const medium = expectedOrder(rows.filter((r) => r.level === 'medium'), 'name', 'asc');
    const byLevel = await walk(ctx.admin, 'level=medium&sort=name&order=asc', 3);
    expect(seen(byLevel.items)).toEqual(medium.map(view));
    expect(byLevel.totals).toEqual(byLevel.sizes.map(() => medium.length));
    const middle = expectedOrder(rows.filter((r) => r.level === 'medium' && r.tier === 'middle'), 'risk', 'desc');
    const both = await walk(ctx.admin, 'level=medium&tier=middle', 2);
    expect(seen(both.items)).toEqual(middle.map(view));
    expect(both.totals).toEqual(both.sizes.map(() => middle.length));
    const owned = expectedOrder(rows.filter((r) => r.owned), 'clv', 'desc');
    const byOwner = await walk(ctx.admin, `ownerId=${manager.userId}&sort=clv`, 3);
    expect(seen(byOwner.items)).toEqual(owned.map(view));
    expect(byOwner.totals).toEqual(byOwner.sizes.map(() => owned.length));
    expect(byOwner.items.every((i) => i.ownerId === manager.userId && i.reasons.length === 1)).toBe(true);
    expect(byOwner.items.map((i) => i.customerId)).not.toContain(deletedId);
  });

  it('an exactly full last page has no next cursor', async () => {
    const all = (await ctx.admin.get('/api/v1/analytics/churn?limit=25')).json();
    expect(all.items).toHaveLength(25);
    expect(all.nextCursor).toBeNull();
    expect(all.total).toBe(25);
    const first = (await ctx.admin.get('/api/v1/analytics/churn?limit=24')).json();
    const rest = (await ctx.admin.get(`/api/v1/analytics/churn?limit=24&cursor=${first.nextCursor}`)).json();
    expect(rest.items.map((i: any) => i.customerId)).toEqual([expectedOrder(rows, 'risk', 'desc')[24]!.id]);
    expect(rest.nextCursor).toBeNull();
    expect(rest.total).toBe(25);
  });

  it('refuses a forged cursor, or one of the name sort under a numeric sort, with a 400 naming cursor', async () => {
    const id = rows[0]!.id;
    for (const [query, cursor] of [
      ['sort=risk', 'garbage'],
      ['sort=clv', cursorOf('churnpage03', id)], // a name sort's cursor
      ['sort=recency', cursorOf('12', 'not-a-uuid')],
      ['sort=name', cursorOf('churnpage03\u0000', id)],
      ['sort=risk', Buffer.from(JSON.stringify([12, id])).toString('base64url')], // the value not a string
    ] as const) {
      const zh = problemOf(await ctx.admin.get(`/api/v1/analytics/churn?${query}&cursor=${cursor}`), 400);
      expect(zh.errors, `${query} ${cursor}`).toEqual([{ field: 'cursor', message: '「分页游标」格式不正确' }]);
    }
    const en = problemOf(await ctx.admin.lang('en').get('/api/v1/analytics/churn?cursor=bm9wZQ'), 400);
    expect(en.errors).toEqual([{ field: 'cursor', message: '"Page cursor" has an invalid format' }]);
    // The old page parameters are gone.
    expect(problemOf(await ctx.admin.get('/api/v1/analytics/churn?page=2'), 400).errors.map((e) => e.field)).toEqual(['page']);
    expect(problemOf(await ctx.admin.get('/api/v1/analytics/churn?limit=201'), 400).errors.map((e) => e.field)).toEqual(['limit']);
  });

  it('reads a numeric cursor of another sort as a position in this one', async () => {
    const clvPage = (await ctx.admin.get('/api/v1/analytics/churn?sort=clv&order=desc&limit=4')).json();
    const [value, id] = JSON.parse(Buffer.from(clvPage.nextCursor, 'base64url').toString('utf8')) as [string, string];
    expect(value).toBe('12000');
    const res = await ctx.admin.get(`/api/v1/analytics/churn?sort=recency&order=asc&limit=50&cursor=${clvPage.nextCursor}`);
    expect(res.statusCode, res.body).toBe(200);
    // Ascending from recency "12000" (beyond every customer's): nothing after it.
    expect(res.json()).toEqual({ items: [], nextCursor: null, total: 25 });
    const down = (await ctx.admin.get(`/api/v1/analytics/churn?sort=recency&order=desc&limit=50&cursor=${cursorOf('30', id)}`)).json();
    const want = expectedOrder(rows, 'recency', 'desc').filter((r) => recencyKey(r) < 30 || (r.recency === 30 && r.id < id));
    expect(seen(down.items)).toEqual(want.map(view));
  });
});
