/**
 * The analytics tiles on the home dashboards (issue #17) — 我的客户价值, 高流失风险客户, 价值等级变动 — for two account
 * managers with their own customers, after real analytics runs: each figure equals an independent SQL computation over
 * the owner's customers (data scope `own`: one manager never counts the other's), agrees with the analytics API the
 * tile drills to (tiers, churn list, movement), the tier bars add up to the customers; before any run the figures are
 * null, and with one run there is no movement yet. A manager (scope all) sees the risk tile over every customer; an
 * agent (no analytics:read) sees none of them.
 */
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import { DEFAULT_SETTINGS } from './analytics.types.js';

type Tile = { key: string; title: string; description: string | null; stats: any[]; rows: any[]; chart: any; link: string | null };

const DAY = 86_400_000;
const daysAgo = (d: number) => new Date(Date.now() - d * DAY).toISOString();
const CHURN_TAGS = ['欠费', '已报停'];

/** Customers per owner: [name, purchases as [days ago, fen], churn tags?]. */
const BOOKS: Record<'am1' | 'am2' | 'none', [string, [number, number][], boolean?][]> = {
  am1: [
    ['甲一', [[3, 100_000], [40, 30_000], [90, 20_000]]],
    ['甲二', [[10, 50_000], [70, 10_000]]],
    ['甲三', [[60, 8000], [200, 8000]]],
    ['甲四', [[300, 3000], [330, 3000]], true],
    ['甲五', [[250, 1000]], true],
    ['甲六', []],
  ],
  am2: [
    ['乙一', [[5, 80_000], [100, 40_000]]],
    ['乙二', [[20, 20_000]]],
    ['乙三', [[280, 2000], [310, 2000]], true],
    ['乙四', [[150, 500]]],
  ],
  none: [
    ['丙一', [[15, 60_000]]],
    ['丙二', [[260, 4000]], true],
  ],
};

describe('dashboard tiles of analytics', () => {
  let ctx: TestContext;
  let am1: Client;
  let am2: Client;
  let manager: Client;
  let agent: Client;
  const runs: string[] = [];
  const asOfs: string[] = [];
  const byName: Record<string, string> = {};

  async function q<T>(query: SQL): Promise<T[]> {
    return ((await ctx.database.db.execute(query)) as unknown as { rows: T[] }).rows;
  }

  async function runAndWait(): Promise<void> {
    const res = await ctx.admin.post('/api/v1/analytics/runs', {});
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().id as string;
    for (let k = 0; k < 600; k++) {
      const run = ok(await ctx.admin.get(`/api/v1/analytics/runs/${id}`));
      if (run.status === 'done' || run.status === 'failed') {
        expect(run.error).toBeNull();
        expect(run.status).toBe('done');
        runs.push(id);
        asOfs.push(run.asOf);
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('run did not finish');
  }

  async function buy(name: string, days: number, fen: number) {
    ok(await ctx.admin.post(`/api/v1/customers/${byName[name]}/transactions`, { occurredAt: daysAgo(days), type: 'purchase', amountFen: fen }), 201);
  }

  async function tiles(as: Client, board?: string): Promise<Record<string, Tile>> {
    const home = ok<{ tiles: Tile[] }>(await as.get(`/api/v1/dashboards/home${board ? `?board=${board}` : ''}`));
    return Object.fromEntries(home.tiles.map((x) => [x.key, x]));
  }

  beforeAll(async () => {
    ctx = await createTestContext();
    am1 = await ctx.newUser({ role: 'account_manager', username: 'am.value1' });
    am2 = await ctx.newUser({ role: 'account_manager', username: 'am.value2' });
    manager = await ctx.newUser({ role: 'manager', username: 'mgr.value' });
    agent = await ctx.newUser({ role: 'agent', username: 'agent.value' });
    const owners = { am1: am1.userId, am2: am2.userId, none: null };
    for (const [owner, book] of Object.entries(BOOKS) as [keyof typeof BOOKS, (typeof BOOKS)['am1']][]) {
      for (const [name, buys, tagged] of book) {
        const c = await ctx.newCustomer({ name, tags: tagged ? CHURN_TAGS : [], ...(owners[owner] ? { ownerId: owners[owner] } : {}) });
        byName[name] = c.id;
        for (const [days, fen] of buys) await buy(name, days, fen);
      }
    }
    // One indicator (spend in the window): the value score is the spend's percentile rank, tiers at 70 and 40.
    ok(
      await ctx.admin.put('/api/v1/analytics/settings', {
        ...DEFAULT_SETTINGS,
        indicators: [{ key: 'monetary', labelZh: '消费额', labelEn: 'Spend', kind: 'economic', metric: 'monetary', weight: 1 }],
        tierCutoffs: { high: 70, middle: 40 },
      }),
    );
  });
  afterAll(() => ctx.close());

  /** 我的客户价值 counted in SQL over the customers an owner holds (null: every customer). */
  async function bookSql(ownerId: string | null) {
    const [r] = await q<{ customers: number; high: number; middle: number; low: number; unscored: number; clv: number }>(sql`
      select count(*)::int as customers,
             (count(*) filter (where a.value_tier = 'high'))::int as high,
             (count(*) filter (where a.value_tier = 'middle'))::int as middle,
             (count(*) filter (where a.value_tier = 'low'))::int as low,
             (count(*) filter (where a.customer_id is null))::int as unscored,
             coalesce(sum(a.clv_fen), 0)::float8 as clv
      from customers c left join analytics_customer_current a on a.customer_id = c.id
      where c.deleted_at is null and (${ownerId}::uuid is null or c.owner_id = ${ownerId}::uuid)`);
    return { ...r!, clv: Math.round(r!.clv) };
  }

  async function riskSql(ownerId: string | null) {
    const rows = await q<{ id: string; name: string; reasons: { zh: string; en: string }[] }>(sql`
      select c.id, c.name, a.churn_reasons as reasons from analytics_customer_current a join customers c on c.id = a.customer_id
      where c.deleted_at is null and a.churn_level = 'high' and (${ownerId}::uuid is null or c.owner_id = ${ownerId}::uuid)
      order by a.churn_risk desc, a.clv_fen desc, c.id desc`);
    return rows.map((r) => ({ ...r, reasons: typeof r.reasons === 'string' ? (JSON.parse(r.reasons) as typeof r.reasons) : r.reasons }));
  }

  async function movementSql(ownerId: string, from: string, to: string) {
    const [r] = await q<{ up: number; down: number }>(sql`
      select (count(*) filter (where array_position(array['low','middle','high'], l.value_tier) > array_position(array['low','middle','high'], p.value_tier)))::int as up,
             (count(*) filter (where array_position(array['low','middle','high'], l.value_tier) < array_position(array['low','middle','high'], p.value_tier)))::int as down
      from analytics_customer_history p
      join analytics_customer_history l on l.customer_id = p.customer_id and l.run_id = ${to}
      join customers c on c.id = p.customer_id and c.deleted_at is null and c.owner_id = ${ownerId}::uuid
      where p.run_id = ${from}`);
    return r!;
  }

  it('before any run: the figures are null and the description says there is no run yet', async () => {
    const got = await tiles(am1);
    expect(Object.keys(got).filter((k) => k.startsWith('analytics.'))).toEqual(['analytics.book', 'analytics.risk', 'analytics.movement']);
    for (const key of ['analytics.book', 'analytics.risk', 'analytics.movement']) {
      const tile = got[key]!;
      expect(tile.stats.length).toBeGreaterThan(0);
      expect(tile.stats.every((s) => s.value === null)).toBe(true);
      expect(tile.description).toBe('还没有运行过价值分析：运行一次后这里显示结果');
      expect(tile.rows).toEqual([]);
      expect(tile.chart).toBeNull();
    }
    expect(got['analytics.book']!.title).toBe('我的客户价值');
    expect(got['analytics.risk']!.title).toBe('高流失风险客户');
    expect(got['analytics.movement']!.title).toBe('价值等级变动');
  });

  it('after one run: no movement yet (null), the book and the risks are there', async () => {
    await runAndWait();
    const got = await tiles(am1, 'account');
    expect(got['analytics.movement']!.stats.map((s) => s.value)).toEqual([null, null]);
    expect(got['analytics.movement']!.description).toBe('需要两次价值分析的结果才能比较价值等级的变动');
    expect(got['analytics.book']!.stats[0].value).toBe(BOOKS.am1.length);
  });

  describe('after a second run, with customers added since', () => {
    beforeAll(async () => {
      // Between the runs the small spenders buy a lot (they rise; others fall by rank), then a customer each is added.
      await buy('甲五', 1, 400_000);
      await buy('乙四', 2, 300_000);
      await runAndWait();
      // A dozen customers are too few for the purchase model to fit, so every model CLV is 0: give the results CLVs
      // (3 × the spend, plus 1) so that the sum means something.
      await ctx.database.db.execute(sql`update analytics_customer_current set clv_fen = monetary_fen * 3 + 1`);
      byName['甲七'] = (await ctx.newCustomer({ name: '甲七', ownerId: am1.userId })).id;
      byName['乙五'] = (await ctx.newCustomer({ name: '乙五', ownerId: am2.userId })).id;
    });

    for (const who of ['am1', 'am2'] as const) {
      it(`${who}: 我的客户价值 counts their customers only, as SQL and the tiers report do; the bars add up`, async () => {
        const as = who === 'am1' ? am1 : am2;
        const book = (await tiles(as, 'account'))['analytics.book']!;
        const want = await bookSql(as.userId);
        expect(book.stats.map((s) => s.value)).toEqual([want.customers, want.high, want.clv]);
        expect(book.stats.map((s) => [s.unit, s.link])).toEqual([
          ['count', '/customers'],
          ['count', '/customers?valueTier=high'],
          ['fen', '/analytics'],
        ]);
        // Their own customers, the one added since the run not yet scored: never the other manager's.
        expect(want.customers).toBe(BOOKS[who].length + 1);
        expect(want.unscored).toBe(1);
        expect(want.clv).toBeGreaterThan(0);
        expect(book.chart).toMatchObject({ kind: 'bar', unit: 'count', x: ['高价值', '中价值', '低价值', '尚未评分'] });
        const values = book.chart.series[0].values as number[];
        expect(values).toEqual([want.high, want.middle, want.low, want.unscored]);
        expect(values.reduce((a, b) => a + b, 0)).toBe(book.stats[0].value);
        expect(book.chart.series[0].links).toEqual(['/customers?valueTier=high', '/customers?valueTier=middle', '/customers?valueTier=low', '/analytics']);
        // Each bar drills to the customer list filtered by its tier: the list counts the bar's customers.
        for (const [i, link] of (book.chart.series[0].links as string[]).slice(0, 3).entries()) {
          const listed = ok<{ total: number }>(await as.get(`/api/v1${link}&withTotal=true&limit=1`)).total;
          expect(listed, link).toBe(values[i]);
        }
        // The analytics page's tiers report, over the same scope, agrees.
        const tiers = ok<{ tiers: { tier: string; count: number; clvFen: number }[] }>(await as.get('/api/v1/analytics/tiers')).tiers;
        expect(tiers.map((x) => x.count)).toEqual(values.slice(0, 3));
        expect(tiers.reduce((a, x) => a + x.clvFen, 0)).toBe(book.stats[2].value);
        expect(book.description).toBe(`你能看到的客户，按 ${asOfs[1]} 的价值分析结果；此后新增的客户尚未评分`);
      });

      it(`${who}: 高流失风险客户 counts their high-risk customers and lists the riskiest five with two reasons each`, async () => {
        const as = who === 'am1' ? am1 : am2;
        const risk = (await tiles(as, 'account'))['analytics.risk']!;
        const want = await riskSql(as.userId);
        expect(want.length).toBeGreaterThan(0);
        expect(risk.stats).toEqual([{ label: '高风险客户', value: want.length, unit: 'count', tone: 'danger', link: '/customers?churnLevel=high' }]);
        expect(ok<{ total: number }>(await as.get('/api/v1/customers?churnLevel=high&withTotal=true&limit=1')).total).toBe(want.length);
        expect(risk.link).toBe('/analytics');
        expect(risk.rows).toEqual(
          want.slice(0, 5).map((r) => ({
            id: r.id,
            label: r.name,
            detail: r.reasons.length ? r.reasons.slice(0, 2).map((x) => x.zh).join('；') : null,
            at: null,
            tone: 'danger',
            link: `/customers/${r.id}`,
          })),
        );
        const own = new Set(BOOKS[who].map(([name]) => byName[name]));
        expect(risk.rows.every((r) => own.has(r.id))).toBe(true);
        // The churn list of the analytics page (high level, riskiest first) shows the same customers and reasons.
        const list = ok<{ items: { customerId: string; name: string; reasons: string[] }[]; total: number }>(
          await as.get('/api/v1/analytics/churn?level=high&sort=risk&order=desc&limit=5'),
        );
        expect(list.total).toBe(risk.stats[0].value);
        expect(risk.rows.map((r) => [r.id, r.label, r.detail])).toEqual(list.items.map((i) => [i.customerId, i.name, i.reasons.slice(0, 2).join('；') || null]));
      });

      it(`${who}: 价值等级变动 counts their customers who moved up or down between the last two runs`, async () => {
        const as = who === 'am1' ? am1 : am2;
        const movement = (await tiles(as, 'account'))['analytics.movement']!;
        const want = await movementSql(as.userId!, runs[0]!, runs[1]!);
        expect(movement.stats.map((s) => s.value)).toEqual([want.up, want.down]);
        expect(movement.description).toBe(`你能看到的客户，${asOfs[0]} 与 ${asOfs[1]} 两次价值分析之间价值等级的升降`);
        expect(movement.stats.map((s) => [s.tone, s.link])).toEqual([
          ['success', '/analytics'],
          ['warning', '/analytics'],
        ]);
        // The analytics page's movement matrix over the same runs agrees (tiers ranked low < middle < high).
        const rank = { low: 1, middle: 2, high: 3 } as Record<string, number>;
        const matrix = ok<{ matrix: { from: string; to: string; count: number }[] }>(await as.get(`/api/v1/analytics/movement?from=${runs[0]}&to=${runs[1]}`)).matrix;
        const sum = (f: (a: number, b: number) => boolean) =>
          matrix.filter((m) => rank[m.from] && rank[m.to] && f(rank[m.to]!, rank[m.from]!)).reduce((a, m) => a + m.count, 0);
        expect([sum((to, from) => to > from), sum((to, from) => to < from)]).toEqual([want.up, want.down]);
      });
    }

    it('the buyers between the runs moved up: the movement is not all zero', async () => {
      const [one, two] = [await movementSql(am1.userId!, runs[0]!, runs[1]!), await movementSql(am2.userId!, runs[0]!, runs[1]!)];
      expect(one.up + two.up).toBeGreaterThan(0);
    });

    it('a manager (scope all) sees the risk tile over every customer on their board; the book and movement are not on it', async () => {
      const got = await tiles(manager);
      expect(got['analytics.book']).toBeUndefined();
      expect(got['analytics.movement']).toBeUndefined();
      const want = await riskSql(null);
      expect(got['analytics.risk']!.stats[0].value).toBe(want.length);
      expect(got['analytics.risk']!.rows.map((r) => r.id)).toEqual(want.slice(0, 5).map((r) => r.id));
      const am = await Promise.all([riskSql(am1.userId), riskSql(am2.userId)]);
      expect(want.length).toBeGreaterThan(Math.max(am[0]!.length, am[1]!.length));
    });

    it('an agent (no analytics:read) has none of the analytics tiles on any board', async () => {
      for (const board of [undefined, 'account']) {
        const got = await tiles(agent, board);
        expect(Object.keys(got).filter((k) => k.startsWith('analytics.'))).toEqual([]);
      }
    });

    it('speaks English to an English request', async () => {
      const got = await tiles(am1.lang('en'), 'account');
      expect(got['analytics.book']!.title).toBe('My customers’ value');
      expect(got['analytics.book']!.chart.x).toEqual(['High value', 'Middle value', 'Low value', 'Not yet scored']);
      expect(got['analytics.movement']!.stats.map((s) => s.label)).toEqual(['Moved up', 'Moved down']);
      const risk = got['analytics.risk']!;
      const want = await riskSql(am1.userId);
      expect(risk.rows.map((r) => r.detail)).toEqual(want.slice(0, 5).map((r) => (r.reasons.length ? r.reasons.slice(0, 2).map((x) => x.en).join('; ') : null)));
    });
  });
});
