/**
 * The analytics run on real data, as a new user meets it: the CDNOW purchase log (23,570 customers, 1997–1998, read in
 * place from ../shared/data) imported through the ordinary import (checked against the file: src/test/cdnow.ts), then runs as of today (the data ended 28 years
 * ago), 1997-09-30 and 1998-06-30. Checks that every run finishes with each fit converged inside its box
 * or reported as not converged, that RFM scores mean what users read, that churn risk ranks lapsed customers
 * (one-time buyers included), and that the stored P(alive) and expected purchases equal an independent computation
 * from the raw file (summarisePurchases + the models' functions) to 1e-6.
 *
 * PostgreSQL only: the figures do not depend on the database, and the runs over 70,000 transactions on PGlite were the
 * slowest file of the suite (189 s of CI's 16 minutes). The PGlite path of a run is covered by analytics.test.ts,
 * demo.test.ts and the CLI's analytics-fit.pglite.test.ts; the CDNOW import on PGlite is imports/cdnow.pglite.test.ts.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { CDNOW_FILE as FILE, haveCdnow, importCdnowChecked } from '../../test/cdnow.js';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { mbgnbdExpectedPurchases, mbgnbdPAlive, summarisePurchases, type BgNbdParams } from './models/index.js';


const BOX = 1e4; // shapes within [1e-4, 1e4]; scales within 1e4 of the data's scale

/** Spearman's rank correlation (mid-ranks for ties). */
function spearman(a: number[], b: number[]): number {
  const rank = (v: number[]) => {
    const order = v.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(v.length);
    for (let k = 0; k < order.length; ) {
      let j = k;
      while (j + 1 < order.length && order[j + 1]![0] === order[k]![0]) j++;
      for (let t = k; t <= j; t++) r[order[t]![1]] = (k + j) / 2;
      k = j + 1;
    }
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const mean = (ra.length - 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i]! - mean) * (rb[i]! - mean);
    da += (ra[i]! - mean) ** 2;
    db += (rb[i]! - mean) ** 2;
  }
  return num / Math.sqrt(da * db);
}

describe.skipIf(!haveCdnow())('analytics run on CDNOW', () => {
  let ctx: TestContext;
  const runs = new Map<string, Record<string, any>>();

  async function run(asOf?: string): Promise<Record<string, any>> {
    const res = await ctx.admin.post('/api/v1/analytics/runs', asOf ? { asOf } : {});
    expect(res.statusCode, res.body).toBe(202);
    return waitFor(res.json().id as string);
  }

  async function waitFor(id: string): Promise<Record<string, any>> {
    for (;;) {
      const r = (await ctx.admin.get(`/api/v1/analytics/runs/${id}`)).json();
      if (r.status === 'done' || r.status === 'failed') return r;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Every fit converged inside its box, or says why not; a fit that did not converge is not the model used. */
  function checkFits(r: Record<string, any>): void {
    for (const name of ['mbgnbd', 'bgnbd', 'pnbd', 'gg', 'sbg']) {
      const fit = r.fits[name];
      if (!fit) continue;
      expect(fit.stop, `${r.asOf} ${name}`).toBeDefined();
      if (fit.converged) {
        expect(fit.stop, `${r.asOf} ${name}`).toBe('converged');
        for (const [k, v] of Object.entries(fit.params as Record<string, number>)) {
          expect(Number.isFinite(v) && v > 0 && v < BOX * 1e3, `${r.asOf} ${name}.${k} = ${v}`).toBe(true);
        }
      } else {
        expect(['max_iterations', 'time_limit', 'stalled', 'at_bound', 'error', 'unusable'], `${r.asOf} ${name}`).toContain(fit.stop);
        expect(r.fits.used, `${r.asOf}: ${name} did not converge and must not be used`).not.toBe(name);
      }
    }
    if (r.fits.used === null) expect(r.fits.fallback).toBeTruthy();
  }

  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  // Uploaded and started as the web does, run by the background job; the same file on PGlite as `hearth demo cdnow`
  // loads it is imports/cdnow.pglite.test.ts. The runs below use its data.
  it('imports the log through HTTP: every line, 23,570 customers, and customers 00001 / 00002 / 23570 as the file says', async () => {
    await importCdnowChecked(ctx, { via: 'http', timeoutMs: 240_000 });
  }, 300_000);

  it('finishes a run as of today and says that the data ended long ago; requests are answered while it runs', async () => {
    const started = await ctx.admin.post('/api/v1/analytics/runs', {});
    expect(started.statusCode, started.body).toBe(202);
    // The run shares the server's thread: a request made while it runs is answered while it is still running (an
    // ordering, not a timing; on PGlite, where it also shares the one connection, platform/db/slice.pglite.test.ts).
    let sawRunning = false;
    for (let k = 0; k < 200 && !sawRunning; k++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const state = (await ctx.admin.get(`/api/v1/analytics/runs/${started.json().id}`)).json();
      if (state.status !== 'running') continue;
      const health = await ctx.anon.get('/api/health');
      expect(health.statusCode).toBe(200);
      const after = (await ctx.admin.get(`/api/v1/analytics/runs/${started.json().id}`)).json();
      sawRunning = after.status === 'running';
    }
    expect(sawRunning).toBe(true);
    const r = await waitFor(started.json().id);
    expect(r.error).toBeNull();
    expect(r.status).toBe('done');
    expect(r.counts.customers).toBe(23_570);
    expect(r.diagnostics.dataEnd).toBe('1998-06-30');
    const warning = r.diagnostics.warnings.find((w: any) => w.code === 'data_old');
    expect(warning?.zh).toContain('1998-06-30');
    // Nobody bought within the window: everybody is R = F = M = 1, and no customer is in an 重要 group.
    expect(r.diagnostics.warnings.map((w: any) => w.code)).toContain('no_purchases_in_window');
    const groups = (await ctx.admin.get('/api/v1/analytics/rfm')).json().groups;
    expect(groups.find((g: any) => g.group === 'general_retain').count).toBe(23_570);
    checkFits(r);
    runs.set('today', r);
  }, 600_000);

  // (A run after the data ended is the run as of today above: nobody in the window, nobody 重要. A fit running off to
  // its box and saying so is models.pglite.test.ts's; one fewer run over 70,000 transactions here.)
  it('finishes a run as of 1997-09-30 (the calibration end of the BG/NBD literature) with every fit converged or reported as not converged', async () => {
    const r = await run('1997-09-30');
    expect(r.error).toBeNull();
    expect(r.status).toBe('done');
    checkFits(r);
    runs.set('1997-09-30', r);
  }, 900_000);

  it('as of 1998-06-30: eight RFM groups, scores that mean what they say, churn risk that ranks lapsed customers', async () => {
    const r = await run('1998-06-30');
    expect(r.error).toBeNull();
    expect(r.status).toBe('done');
    checkFits(r);
    expect(r.fits.used).toBe('mbgnbd');
    expect(r.diagnostics.rfm.method).toBe('quintiles');
    const rows = rowsOf<{
      ext: string;
      r_score: number;
      f_score: number;
      m_score: number;
      rfm_group: string;
      recency_days: number;
      monetary_fen: string;
      churn_risk: number;
      p_alive: number;
      expected_purchases: number;
    }>(
      await ctx.database.db.execute(sql`
        select c.external_id as ext, a.r_score, a.f_score, a.m_score, a.rfm_group, a.recency_days, a.monetary_fen, a.churn_risk,
               a.p_alive, a.expected_purchases
        from analytics_customer_current a join customers c on c.id = a.customer_id`),
    );
    expect(rows).toHaveLength(23_570);
    // All eight groups occur.
    expect(new Set(rows.map((x) => x.rfm_group)).size).toBe(8);
    // Nobody with zero spend in the window is in a 重要 group; nobody whose last purchase is older than the window has R > 1.
    expect(rows.filter((x) => Number(x.monetary_fen) <= 0 && x.rfm_group.startsWith('important'))).toEqual([]);
    expect(rows.filter((x) => x.recency_days >= 365 && x.r_score > 1)).toEqual([]);
    // Churn risk follows the time since the last purchase (one-time buyers included) …
    const rho = spearman(rows.map((x) => x.churn_risk), rows.map((x) => x.recency_days));
    expect(rho).toBeGreaterThanOrEqual(0.5);
    // … and the 100 riskiest customers are all unlikely to be alive.
    const riskiest = [...rows].sort((a, b) => b.churn_risk - a.churn_risk).slice(0, 100);
    expect(riskiest.filter((x) => !(x.p_alive < 0.2))).toEqual([]);

    // The stored P(alive) and expected purchases equal an independent computation from the raw file: distinct purchase
    // days, exact t_x and T in weeks, the run's fitted MBG/NBD parameters.
    const byCustomer = new Map<string, string[]>();
    for (const line of readFileSync(FILE, 'utf8').trim().split(/\r?\n/).slice(1)) {
      const [id, date] = line.trim().split(/\s+/) as [string, string];
      let list = byCustomer.get(id);
      if (!list) byCustomer.set(id, (list = []));
      list.push(date);
    }
    const ids = [...byCustomer.keys()];
    const summaries = summarisePurchases(ids.map((id) => byCustomer.get(id)!), { calibrationEnd: '1998-06-30', unitDays: 7 });
    const params = r.fits.mbgnbd.params as BgNbdParams;
    const stored = new Map(rows.map((x) => [x.ext, x]));
    let worstP = 0;
    let worstE = 0;
    for (const sm of summaries) {
      const row = stored.get(ids[sm.index]!)!;
      worstP = Math.max(worstP, Math.abs(row.p_alive - mbgnbdPAlive(params, sm.x, sm.tx, sm.T)));
      worstE = Math.max(worstE, Math.abs(row.expected_purchases - mbgnbdExpectedPurchases(params, 52, sm.x, sm.tx, sm.T)));
    }
    expect(summaries).toHaveLength(23_570);
    expect(worstP).toBeLessThan(1e-6);
    expect(worstE).toBeLessThan(1e-6);
    runs.set('1998-06-30', r);
    console.log(
      `CDNOW runs (s): ${[...runs.entries()].map(([k, v]) => `${k} ${v.seconds}`).join(', ')}; Spearman(risk, recency) ${rho.toFixed(3)}; ` +
        `max |ΔP(alive)| ${worstP.toExponential(1)}, max |ΔE[X]| ${worstE.toExponential(1)}`,
    );
    for (const [k, v] of runs) {
      const fits = ['mbgnbd', 'bgnbd', 'pnbd', 'gg', 'sbg'].filter((m) => v.fits[m]).map((m) => `${m} ${v.fits[m].stop} ${v.fits[m].ms ?? '-'}ms${v.fits[m].atBound ? ` (${v.fits[m].atBound.join(',')})` : ''}`);
      console.log(`${k}: used ${v.fits.used}; ${fits.join('; ')}`);
    }
  }, 600_000);
});
