import { Random } from '../../../platform/random.js';
import type { BgNbdParams, RepeatSummary } from './types.js';

/** Simulation studies of the models (tests and benchmarks) draw from the same seeded streams as the demo. */

/**
 * Simulates customers from the BG/NBD story: λ ~ Gamma(r, α), p ~ Beta(a, b); exponential waiting times at rate λ;
 * after each repeat purchase the customer drops out with probability p. Observation lengths T are drawn uniformly
 * from `Ts`. Same seed, same customers.
 */
export function simulateBgNbd(p: BgNbdParams, customers: number, Ts: readonly number[], seed: number, modified = false): RepeatSummary[] {
  const rnd = new Random(seed);
  const out: RepeatSummary[] = new Array(customers);
  for (let i = 0; i < customers; i++) {
    const T = Ts[Math.floor(rnd.next() * Ts.length)]!;
    const lambda = rnd.gamma(p.r, p.alpha);
    const drop = rnd.beta(p.a, p.b);
    let t = 0;
    let x = 0;
    let tx = 0;
    // MBG/NBD: the customer may also drop out right after the first purchase.
    const gone = modified && rnd.next() < drop;
    for (; !gone; ) {
      t += -Math.log(rnd.next()) / lambda;
      if (t > T) break;
      x++;
      tx = t;
      if (rnd.next() < drop) break;
    }
    out[i] = { x, tx, T };
  }
  return out;
}

/** Simulates customers from the MBG/NBD story (BG/NBD plus a drop-out chance right after the first purchase). */
export function simulateMbgNbd(p: BgNbdParams, customers: number, Ts: readonly number[], seed: number): RepeatSummary[] {
  return simulateBgNbd(p, customers, Ts, seed, true);
}

/**
 * A deterministic random subsample of about `max` rows (each kept with probability max / rows.length, seeded),
 * for fits whose likelihood is costly on millions of customers (Pareto/NBD evaluates 2F1 twice per distinct row):
 * maximum-likelihood estimates from 100,000 customers are already within about 1% of the full-data ones.
 */
export function sampleRows<T>(rows: readonly T[], max: number, seed = 1): T[] {
  if (rows.length <= max) return rows.slice();
  const rnd = new Random(seed);
  const p = max / rows.length;
  const out: T[] = [];
  for (const row of rows) if (rnd.next() < p) out.push(row);
  return out;
}
