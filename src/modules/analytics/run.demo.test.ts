import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { systemActor } from '../../platform/auth/permissions.js';
import { rowsOf } from '../../platform/db/client.js';
import { loadDemo } from '../demo/index.js';

/** The whole run on the heating demo (300 households of seed 2: all ten seasons): models fitted, contract and service CLV, reasons. */
describe('analytics run on the heating demo', () => {
  let ctx: TestContext;
  let run: Record<string, any>;

  beforeAll(async () => {
    ctx = await createTestContext();
    await loadDemo(ctx.database.db, systemActor('cli'), { seed: 2, size: 300, asOf: '2026-11-01' }, { skipForeignKeyChecks: true });
    const res = await ctx.admin.post('/api/v1/analytics/runs', { asOf: '2026-11-01' });
    expect(res.statusCode, res.body).toBe(202);
    // While it runs, a second start is refused.
    const again = await ctx.admin.post('/api/v1/analytics/runs', { asOf: '2026-11-01' });
    if (again.statusCode !== 202) expect(again.json()).toMatchObject({ status: 409, detail: '已有一次价值分析正在排队或运行，请等它完成' });
    for (let k = 0; k < 600; k++) {
      run = (await ctx.admin.get(`/api/v1/analytics/runs/${res.json().id}`)).json();
      if (run.status === 'done' || run.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);
  afterAll(() => ctx.close());

  it('fits BG/NBD, Pareto/NBD, Gamma-Gamma and sBG and stores their diagnostics', () => {
    expect(run.status).toBe('done');
    expect(run.counts.customers).toBe(300);
    expect(run.counts.contractCustomers).toBeGreaterThan(280);
    for (const m of ['bgnbd', 'gg', 'sbg']) expect(Number.isFinite(run.fits[m].logLik), m).toBe(true);
    expect(Object.keys(run.fits.bgnbd.params).sort()).toEqual(['a', 'alpha', 'b', 'r']);
    expect(Object.keys(run.fits.sbg.params).sort()).toEqual(['alpha', 'beta']);
    // The frequency histogram counts every acquired customer, actual and predicted alike.
    const actual = run.diagnostics.frequency.actual.reduce((a: number, b: number) => a + b, 0);
    const predicted = run.diagnostics.frequency.predicted.reduce((a: number, b: number) => a + b, 0);
    expect(actual).toBe(300);
    expect(Math.abs(predicted - actual)).toBeLessThan(3);
    expect(run.diagnostics.survival.actual[0]).toBe(1);
    expect(run.diagnostics.holdout.weeks).toHaveLength(52);
    expect(run.fits.kmeans.k).toBeGreaterThanOrEqual(2);
  });

  it('gives every household a CLV made of its parts, a renewal probability and reasons for lapsed contracts', async () => {
    const rows = rowsOf<Record<string, any>>(
      await ctx.database.db.execute(sql`select clv_fen::float8 as clv, clv_service_fen::float8 as s, clv_contract_fen::float8 as c, p_alive, renewal_prob, churn_reasons, segment
                                        from analytics_customer_current`),
    );
    expect(rows).toHaveLength(300);
    for (const r of rows) {
      expect(r.clv).toBe(r.s + r.c);
      expect(r.p_alive).toBeGreaterThanOrEqual(0);
      expect(r.p_alive).toBeLessThanOrEqual(1);
    }
    expect(rows.filter((r) => r.renewal_prob > 0.5).length).toBeGreaterThan(150);
    const lapsed = rows.filter((r) => r.churn_reasons.some((x: any) => x.code === 'contract_lapsed'));
    expect(lapsed.length).toBeGreaterThan(0);
    expect(lapsed[0]!.churn_reasons.find((x: any) => x.code === 'contract_lapsed').zh).toMatch(/^已停止供暖（报停），最后缴费供暖季 \d{4}-\d{4}$/);
    expect(lapsed.every((r) => r.renewal_prob === 0)).toBe(true);
    const high = (await ctx.admin.get('/api/v1/analytics/churn?level=high&limit=5')).json();
    expect(high.items.length).toBeGreaterThan(0);
    expect(high.items.length).toBeLessThanOrEqual(5);
    expect(high.items.every((r: any) => r.churnLevel === 'high')).toBe(true);
    expect(high.items[0].reasons.length).toBeGreaterThan(0);
    expect(high.items[0].ownerName).toBeTruthy();
  });
});
