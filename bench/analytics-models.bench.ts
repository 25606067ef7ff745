/**
 * Micro-benchmark of the customer-base models (issue #5): fit times on CDNOW and on 100,000 simulated customers,
 * and the per-call cost of the per-customer functions the analytics run calls up to a million times.
 *   node --import tsx bench/analytics-models.bench.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as m from '../src/modules/analytics/models/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CDNOW = path.resolve(ROOT, '../shared/data/cdnow');

function time<T>(label: string, fn: () => T, repeat = 3): T {
  let best = Infinity;
  let out!: T;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    out = fn();
    best = Math.min(best, performance.now() - t0);
  }
  console.log(`${label.padEnd(58)} ${best.toFixed(1).padStart(9)} ms`);
  return out;
}

function perCall(label: string, calls: number, fn: (i: number) => number): void {
  let sink = 0;
  for (let i = 0; i < Math.min(calls, 20_000); i++) sink += fn(i); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) sink += fn(i);
  const ns = ((performance.now() - t0) * 1e6) / calls;
  console.log(`${label.padEnd(58)} ${(ns / 1000).toFixed(3).padStart(9)} µs/call${Number.isFinite(sink) ? '' : ' (non-finite!)'}`);
}

console.log(`node ${process.version}, ${process.arch}`);
console.log('— fits —');
if (existsSync(CDNOW)) {
  const lines = readFileSync(path.join(CDNOW, 'cdnow_customers_summary_with_transactions.csv'), 'utf8').trim().split('\n').slice(1);
  const rows = lines.map((l) => l.split(',').map(Number)).map(([, x, tx, T, z]) => ({ x: x!, tx: tx!, T: T!, m: z! }));
  time('BG/NBD on CDNOW (2,357 customers)', () => m.fitBgNbd(rows));
  time('Pareto/NBD on CDNOW', () => m.fitParetoNbd(rows));
  time('Gamma-Gamma on CDNOW (946 repeaters)', () => m.fitGammaGamma(rows.filter((r) => r.x > 0)));
} else console.log(`(CDNOW fits skipped: ${CDNOW} missing)`);
time('sBG on 8 cohort counts', () => m.fitSbg([1000, 631, 468, 382, 326, 289, 262, 241]));

// A million customers in days, as the analytics run sees them: T integer days over ten years.
const truthDays = { r: 0.25, alpha: 30, a: 0.8, b: 2.5 };
const Ts = Array.from({ length: 3650 }, (_, i) => i + 1);
// tx rounded to whole days, as the run's data are: compression then merges customers sharing (x, t_x, T).
const million = time('simulate 1,000,000 customers (days, T over ten years)', () => m.simulateBgNbd(truthDays, 1_000_000, Ts, 11).map((r) => ({ ...r, tx: Math.round(r.tx) })), 1);
time('compress 1,000,000 rows', () => m.compress(million), 1);
const fitMillion = time('BG/NBD on 1,000,000 customers (compress + BFGS)', () => m.fitBgNbd(million), 1);
console.log(`  → r ${fitMillion.params.r.toFixed(4)} α ${fitMillion.params.alpha.toFixed(3)} a ${fitMillion.params.a.toFixed(4)} b ${fitMillion.params.b.toFixed(4)}, ${fitMillion.iterations} iterations (truth 0.25, 30, 0.8, 2.5)`);
time('Gamma-Gamma on 500,000 repeat customers', () => m.fitGammaGamma(million.slice(0, 2_000_000).filter((r) => r.x > 0).slice(0, 500_000).map((r, i) => ({ x: r.x, m: 20 + ((i * 7919) % 1000) / 10 }))), 1);
time('Pareto/NBD on a 100,000-customer sample of them', () => m.fitParetoNbd(m.sampleRows(million, 100_000, 1)), 1);

console.log('— per call (1,000,000 customers, days) —');
const N = million.length;
const c = (i: number) => million[i % N]!;
const p = truthDays;
const pn = { r: 0.55, alpha: 70, s: 0.6, beta: 80 };
const gg = { p: 6.25, q: 3.74, v: 15.44 };
const sbg = { alpha: 0.704, beta: 1.182 };
perCall('bgnbdPAlive', N, (i) => m.bgnbdPAlive(p, c(i).x, c(i).tx, c(i).T));
perCall('bgnbdExpectedPurchases (t = 365 days)', N, (i) => m.bgnbdExpectedPurchases(p, 365, c(i).x, c(i).tx, c(i).T));
perCall('bgnbdDiscountedPurchases (12 periods of 30 days, T in days)', N, (i) =>
  m.bgnbdDiscountedPurchases(p, c(i).x, c(i).tx, c(i).T, 12, 0.01));
const weekly = { r: 0.25, alpha: 30 / 7, a: 0.8, b: 2.5 };
perCall('bgnbdDiscountedPurchases (52 weeks, T in weeks, cached by x,T)', N, (i) =>
  m.bgnbdDiscountedPurchases(weekly, c(i).x, c(i).tx / 7, c(i).T / 7, 52, 0.002));
perCall('pnbdPAlive', 200_000, (i) => m.pnbdPAlive(pn, c(i).x, c(i).tx, c(i).T));
perCall('pnbdExpectedPurchases (t = 365 days)', 200_000, (i) => m.pnbdExpectedPurchases(pn, 365, c(i).x, c(i).tx, c(i).T));
perCall('ggExpectedSpend', N, (i) => m.ggExpectedSpend(gg, c(i).x, 20 + (i % 50)));
perCall('sbgDiscountedResidualLifetime (d = 0.1)', 200_000, (i) => m.sbgDiscountedResidualLifetime(sbg, i % 10, 0.1));
perCall('bgnbdExpectedCumulative (t up to 520 weeks)', 200_000, (i) => m.bgnbdExpectedCumulative(weekly, 1 + (i % 520)));
console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
