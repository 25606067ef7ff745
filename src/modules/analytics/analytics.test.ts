import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { systemActor } from '../../platform/auth/permissions.js';
import { executeRun, queueNightly, startRun } from './index.js';
import { DEFAULT_SETTINGS } from './analytics.types.js';

type Problem = { code: string; status: number; errors: { field: string; message: string }[] };

const DAY = 86_400_000;
const daysAgo = (d: number) => new Date(Date.now() - d * DAY).toISOString();

/**
 * Five hand-made customers whose R, F and M ranks are each a permutation of 1…5, so their quintile scores are the
 * ranks themselves: (R, F, M) = c1 (5,1,5), c2 (4,5,4), c3 (1,4,3), c4 (2,2,1), c5 (3,3,2).
 */
const PEOPLE = [
  { name: '客户一', buys: [[2, 50_000]] },
  { name: '客户二', buys: [[100, 8000], [80, 8000], [50, 8000], [20, 8000], [5, 8000]] },
  { name: '客户三', buys: [[320, 7500], [300, 7500], [250, 7500], [200, 7500]] },
  { name: '客户四', buys: [[90, 5000], [60, 5000]], tags: ['欠费'] },
  { name: '客户五', buys: [[150, 6000], [60, 7000], [20, 7000]] },
] as const;

describe('analytics run', () => {
  let ctx: TestContext;
  let manager: Client;
  const ids: string[] = [];
  const runs: string[] = [];

  async function runAndWait(as: Client = ctx.admin): Promise<Record<string, any>> {
    const res = await as.post('/api/v1/analytics/runs', {});
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().id as string;
    for (let k = 0; k < 300; k++) {
      const run = (await as.get(`/api/v1/analytics/runs/${id}`)).json();
      if (run.status === 'done' || run.status === 'failed') {
        expect(run.error).toBeNull();
        runs.push(id);
        return run;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('run did not finish');
  }

  beforeAll(async () => {
    ctx = await createTestContext();
    manager = await ctx.newUser({ role: 'account_manager', username: 'am.analytics' });
    for (const p of PEOPLE) {
      const c = await ctx.newCustomer({ name: p.name, tags: 'tags' in p ? p.tags : [], ...(p.name === '客户一' ? { ownerId: manager.userId } : {}) });
      ids.push(c.id);
      for (const [days, fen] of p.buys) {
        const t = await ctx.admin.post(`/api/v1/customers/${c.id}/transactions`, { occurredAt: daysAgo(days), type: 'purchase', amountFen: fen });
        expect(t.statusCode, t.body).toBe(201);
      }
    }
    // One indicator (spend in the window): the value score is each customer's mid-rank percentile of spend.
    const put = await ctx.admin.put('/api/v1/analytics/settings', {
      ...DEFAULT_SETTINGS,
      indicators: [{ key: 'monetary', labelZh: '消费额', labelEn: 'Spend', kind: 'economic', metric: 'monetary', weight: 1 }],
      tierCutoffs: { high: 70, middle: 40 },
    });
    expect(put.statusCode, put.body).toBe(200);
  });
  afterAll(() => ctx.close());

  it('scores RFM by quintile, names the eight groups and tiers by the cut-offs', async () => {
    const run = await runAndWait();
    expect(run.status).toBe('done');
    expect(run.counts).toMatchObject({ customers: 5, transactions: 15, tiers: { high: 2, middle: 1, low: 2 } });
    expect(run.fits.unit).toBe('week');
    const got = await Promise.all(ids.map(async (id) => (await ctx.admin.get(`/api/v1/customers/${id}/analytics`)).json()));
    expect(got.map((a) => [a.r, a.f, a.m])).toEqual([
      [5, 1, 5],
      [4, 5, 4],
      [1, 4, 3],
      [2, 2, 1],
      [3, 3, 2],
    ]);
    expect(got.map((a) => a.rfmGroup)).toEqual(['important_develop', 'important_value', 'important_keep', 'general_retain', 'general_value']);
    expect(got.map((a) => a.monetaryFen)).toEqual([50_000, 40_000, 30_000, 10_000, 20_000]);
    expect(got.map((a) => a.frequency)).toEqual([1, 5, 4, 2, 3]);
    expect(got.map((a) => a.recencyDays)).toEqual([2, 5, 200, 60, 20]);
    // Spend percentiles 90, 70, 50, 10, 30 against cut-offs 70 / 40.
    expect(got.map((a) => a.valueScore)).toEqual([90, 70, 50, 10, 30]);
    expect(got.map((a) => a.valueTier)).toEqual(['high', 'high', 'middle', 'low', 'low']);
    // Formula CLV: lifetime spend / max(1, tenure years) × margin 0.3 × 5 years − the acquisition cost (0 by default).
    expect(got[0].clvFormulaFen).toBe(Math.round(50_000 * 0.3 * 5 - DEFAULT_SETTINGS.acquisitionCostFen));

    const grid = (await ctx.admin.get('/api/v1/analytics/rfm')).json();
    expect(grid.cells).toHaveLength(5);
    expect(grid.groups.find((g: any) => g.group === 'important_value')).toEqual({ group: 'important_value', count: 1, monetaryFen: 40_000 });
    const tiers = (await ctx.admin.get('/api/v1/analytics/tiers')).json();
    expect(tiers.tiers.map((t: any) => [t.tier, t.count])).toEqual([
      ['high', 2],
      ['middle', 1],
      ['low', 2],
    ]);
    const matrix = (await ctx.admin.get('/api/v1/analytics/matrix')).json();
    expect(matrix.cells.reduce((a: number, c: any) => a + c.count, 0)).toBe(5);
    const hist = (await ctx.admin.get('/api/v1/analytics/clv-histogram?buckets=5')).json();
    expect(hist.buckets).toHaveLength(5);
    expect(hist.buckets.reduce((a: number, b: any) => a + b.count, 0)).toBe(5);
  });

  it('gives churn reasons in words, in the caller’s language, and lists by risk within the data scope', async () => {
    const c3 = (await ctx.admin.get(`/api/v1/customers/${ids[2]}/analytics`)).json();
    // 4 purchases over 120 days: every 40 days; the last one 200 days ago = 5× the usual interval.
    expect(c3.reasons).toContain('已超过平常购买间隔的 5 倍未购买');
    const c3en = (await ctx.admin.lang('en').get(`/api/v1/customers/${ids[2]}/analytics`)).json();
    expect(c3en.reasons).toContain('No purchase for 5× the usual interval');
    const c4 = (await ctx.admin.get(`/api/v1/customers/${ids[3]}/analytics`)).json();
    expect(c4.reasons).toContain('标签「欠费」');
    expect(c4.churnRisk).toBeGreaterThanOrEqual(25);

    const list = (await ctx.admin.get('/api/v1/analytics/churn?sort=risk&order=desc&limit=2')).json();
    expect(list.total).toBe(5);
    expect(list.items).toHaveLength(2);
    expect(list.items[0].churnRisk).toBeGreaterThanOrEqual(list.items[1].churnRisk);
    // The next page goes on from there: the same total, lower (or equal) risks, none of the first page's customers.
    const next = (await ctx.admin.get(`/api/v1/analytics/churn?sort=risk&order=desc&limit=2&cursor=${list.nextCursor}`)).json();
    expect(next.total).toBe(5);
    expect(next.items).toHaveLength(2);
    expect(next.items[0].churnRisk).toBeLessThanOrEqual(list.items[1].churnRisk);
    expect(next.items.map((r: any) => r.customerId)).not.toContain(list.items[1].customerId);
    const byTier = (await ctx.admin.get('/api/v1/analytics/churn?tier=low')).json();
    expect(byTier.items.map((r: any) => r.name).sort()).toEqual(['客户五', '客户四'].sort());

    // The account manager owns only 客户一: lists and counts are cut to the scope, others are not found.
    const own = (await manager.get('/api/v1/analytics/churn')).json();
    expect(own.items.map((r: any) => [r.name, r.ownerName])).toEqual([['客户一', expect.any(String)]]);
    expect((await manager.get('/api/v1/analytics/tiers')).json().tiers.map((t: any) => t.count)).toEqual([1, 0, 0]);
    expect((await manager.get(`/api/v1/customers/${ids[1]}/analytics`)).statusCode).toBe(404);
    expect((await manager.post('/api/v1/analytics/runs', {})).statusCode).toBe(403);
  });

  it('keeps history across runs and shows tier movement between two runs', async () => {
    const put = await ctx.admin.put('/api/v1/analytics/settings', {
      ...((await ctx.admin.get('/api/v1/analytics/settings')).json() as Record<string, unknown>),
      tierCutoffs: { high: 85, middle: 20 },
    });
    expect(put.statusCode, put.body).toBe(200);
    await runAndWait();
    const c2 = (await ctx.admin.get(`/api/v1/customers/${ids[1]}/analytics`)).json();
    expect(c2.valueTier).toBe('middle');
    expect(c2.history.map((h: any) => h.valueTier)).toEqual(['high', 'middle']);
    const move = (await ctx.admin.get(`/api/v1/analytics/movement?from=${runs[0]}&to=${runs[1]}`)).json();
    const cell = (from: string, to: string) => move.matrix.find((m: any) => m.from === from && m.to === to)?.count ?? 0;
    expect([cell('high', 'high'), cell('high', 'middle'), cell('middle', 'middle'), cell('low', 'middle'), cell('low', 'low')]).toEqual([1, 1, 1, 1, 1]);
    const list = (await ctx.admin.get('/api/v1/analytics/runs')).json();
    expect(list.items.map((r: any) => r.id)).toEqual([runs[1], runs[0]]);
  });

  it('queues exactly one nightly run per date when two processes race', async () => {
    const actor = systemActor('system');
    const at = new Date(Date.now());
    const night = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), 20, 0, 0)); // 04:00 in Beijing next day
    // Outside 02:00–06:00 in Beijing nothing is queued (a missed night is not caught up in working hours).
    expect(await queueNightly(ctx.database.db, actor, new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), 2, 0, 0)))).toBeNull();
    const [a, b] = await Promise.all([queueNightly(ctx.database.db, actor, night), queueNightly(ctx.database.db, actor, night)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const run = (a ?? b)!;
    expect(run.kind).toBe('nightly');
    await executeRun(ctx.database.db, run.id, { databaseKind: ctx.database.kind });
    expect(await queueNightly(ctx.database.db, actor, night)).toBeNull();
    const detail = (await ctx.admin.get(`/api/v1/analytics/runs/${run.id}`)).json();
    expect(detail.status).toBe('done');
  });

  it('refuses bad settings with a problem naming the field, in the caller’s language', async () => {
    const current = (await ctx.admin.get('/api/v1/analytics/settings')).json();
    const bad = await ctx.admin.put('/api/v1/analytics/settings', { ...current, tierCutoffs: { high: 30, middle: 40 } });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as Problem).errors).toEqual([{ field: 'tierCutoffs.high', message: '「高价值分界」应高于下一档的分界值' }]);
    const badEn = await ctx.admin.lang('en').put('/api/v1/analytics/settings', { ...current, margin: 2 });
    expect((badEn.json() as Problem).errors[0]!.field).toBe('margin');
    expect((badEn.json() as Problem).errors[0]!.message).toContain('Contribution margin');
    expect((await manager.put('/api/v1/analytics/settings', current)).statusCode).toBe(403);
  });

  it('keeps every run\'s history for historyDailyDays, then only the first run of each month', async () => {
    const current = (await ctx.admin.get('/api/v1/analytics/settings')).json();
    const tooShort = await ctx.admin.put('/api/v1/analytics/settings', { ...current, historyDailyDays: 3 });
    expect((tooShort.json() as Problem).errors).toEqual([{ field: 'historyDailyDays', message: expect.stringContaining('逐次历史保留天数') }]);
    expect((await ctx.admin.put('/api/v1/analytics/settings', { ...current, historyDailyDays: 30 })).statusCode).toBe(200);
    const at: Record<string, string> = {};
    for (const asOf of ['2025-03-03', '2025-03-20', '2025-04-02', '2025-04-25']) {
      const run = (await startRun(ctx.database.db, systemActor('cli'), { kind: 'cli', asOf }))!;
      expect((await executeRun(ctx.database.db, run.id, { databaseKind: ctx.database.kind })).status).toBe('done');
      at[asOf] = run.id;
    }
    const historyRows = async (id: string) =>
      (await ctx.admin.get(`/api/v1/analytics/movement?from=${id}&to=${id}`)).json().matrix.reduce((a: number, m: any) => a + m.count, 0);
    // As of 2025-04-25, runs before 2025-03-26 are past the 30 days: 03-20 loses its history, 03-03 (March's first) keeps it.
    expect(await historyRows(at['2025-03-03']!)).toBe(5);
    expect(await historyRows(at['2025-03-20']!)).toBe(0);
    expect(await historyRows(at['2025-04-02']!)).toBe(5);
    const list = (await ctx.admin.get('/api/v1/analytics/runs')).json().items as any[];
    expect(list.filter((r) => r.counts?.historyPruned).map((r) => r.asOf)).toEqual(['2025-03-20']);
  });

  it('scores RFM by fixed cut points when the settings say so, and shows the cut points used', async () => {
    const current = (await ctx.admin.get('/api/v1/analytics/settings')).json();
    const bad = await ctx.admin.put('/api/v1/analytics/settings', { ...current, rfmScoring: 'thresholds', rfmThresholds: { ...current.rfmThresholds, f: [3, 2, 5, 8] } });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as Problem).errors[0]!.field).toBe('rfmThresholds.f');
    const put = await ctx.admin.put('/api/v1/analytics/settings', {
      ...current,
      rfmScoring: 'thresholds',
      rfmThresholds: { r: [30, 90, 180, 270], f: [2, 3, 5, 8], m: [10_000, 50_000, 100_000, 500_000] },
    });
    expect(put.statusCode, put.body).toBe(200);
    const run = await runAndWait();
    expect(run.diagnostics.rfm.method).toBe('thresholds');
    const got = await Promise.all(ids.map(async (id) => (await ctx.admin.get(`/api/v1/customers/${id}/analytics`)).json()));
    // Recency 2, 5, 200, 60, 20 days; 1, 5, 4, 2, 3 purchase days; ¥500, ¥400, ¥300, ¥100, ¥200.
    expect(got.map((a) => [a.r, a.f, a.m])).toEqual([
      [5, 1, 3],
      [5, 4, 2],
      [2, 3, 2],
      [4, 2, 2],
      [5, 3, 2],
    ]);
    // Per score, the values that got it.
    expect(run.diagnostics.rfm.r[4]).toEqual({ score: 5, min: 2, max: 20, count: 3 });
    expect(run.diagnostics.rfm.m[2]).toEqual({ score: 3, min: 50_000, max: 50_000, count: 1 });
    expect((await ctx.admin.put('/api/v1/analytics/settings', current)).statusCode).toBe(200);
  });

  it('shows a run whose process stopped as interrupted, and another process takes it over', async () => {
    const run = (await startRun(ctx.database.db, systemActor('cli'), { kind: 'cli', asOf: '2025-05-01' }))!;
    // Its process claimed it and died two minutes ago: no heartbeat since.
    await ctx.database.db.execute(sql`update analytics_runs set status = 'running', heartbeat_at = now() - interval '2 minutes' where id = ${run.id}`);
    const listed = (await ctx.admin.get('/api/v1/analytics/runs')).json().items.find((r: any) => r.id === run.id);
    expect(listed).toMatchObject({ status: 'running', interrupted: true });
    // A fresh heartbeat is not taken over …
    await ctx.database.db.execute(sql`update analytics_runs set heartbeat_at = now() where id = ${run.id}`);
    expect((await executeRun(ctx.database.db, run.id, { databaseKind: ctx.database.kind })).status).toBe('running');
    expect((await ctx.admin.get(`/api/v1/analytics/runs/${run.id}`)).json().interrupted).toBe(false);
    // … a stale one is, and the run finishes.
    await ctx.database.db.execute(sql`update analytics_runs set heartbeat_at = now() - interval '2 minutes' where id = ${run.id}`);
    const done = await executeRun(ctx.database.db, run.id, { databaseKind: ctx.database.kind });
    expect(done).toMatchObject({ status: 'done', interrupted: false });
  });

  it('names the window and the models behind each figure: RFM counts the window, the lifetime figures all time', async () => {
    // 客户一 bought once in the window (2 days ago, ¥500); a purchase 400 days ago is outside the 365-day window.
    const old = await ctx.admin.post(`/api/v1/customers/${ids[0]}/transactions`, { occurredAt: daysAgo(400), type: 'purchase', amountFen: 12_300 });
    expect(old.statusCode, old.body).toBe(201);
    await runAndWait();
    const a = (await ctx.admin.get(`/api/v1/customers/${ids[0]}/analytics`)).json();
    expect(a).toMatchObject({ frequency: 1, monetaryFen: 50_000, lifetimePurchases: 2, lifetimeFen: 62_300 });
    const settings = (await ctx.admin.get('/api/v1/analytics/settings')).json();
    const run = (await ctx.admin.get(`/api/v1/analytics/runs/${a.runId}`)).json();
    expect(a.basis).toEqual({
      rfmWindowDays: 365,
      rfmScoring: 'quintiles',
      purchaseModel: run.fits.used ?? null,
      expectedPurchaseWeeks: settings.expectedPurchaseWeeks,
      horizonMonths: settings.horizonMonths,
      discountRate: settings.discountRate,
      renewalModel: run.fits.sbg ? 'sbg' : null,
      indicators: 1,
    });
    // Five customers are too few to fit a model: the card says so instead of naming one.
    expect(a.basis.purchaseModel).toBeNull();
    expect(a.pAlive).toBeNull();
  });
});
