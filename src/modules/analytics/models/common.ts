import type { MinimiseResult } from './optimize.js';
import type { Fit, RepeatSummary, SpendSummary } from './types.js';

/** Collapses identical (x, t_x, T) rows into one with their summed weight (first-seen order kept: deterministic). */
export function compress(rows: readonly RepeatSummary[]): RepeatSummary[] {
  // Numeric maps T → t_x → the first entry with that pair; entries sharing the pair are chained by `next` and
  // told apart by x (usually one or two). No string keys and no map per pair: fast on a million rows.
  const byT = new Map<number, Map<number, number>>();
  const out: RepeatSummary[] = [];
  const next: number[] = [];
  for (const row of rows) {
    let byTx = byT.get(row.T);
    if (!byTx) byT.set(row.T, (byTx = new Map()));
    const head = byTx.get(row.tx);
    let i = head ?? -1;
    while (i >= 0 && out[i]!.x !== row.x) i = next[i]!;
    if (i >= 0) out[i]!.n! += row.n ?? 1;
    else {
      next.push(head ?? -1);
      byTx.set(row.tx, out.length);
      out.push({ x: row.x, tx: row.tx, T: row.T, n: row.n ?? 1 });
    }
  }
  return out;
}

/**
 * Compressed rows in columns, with the distinct values of x, t_x and T indexed: a likelihood evaluation computes
 * the parameter-dependent terms once per distinct value (logs of α + T, gamma functions of r + x) and then does
 * only table look-ups, one exp and one log per row.
 */
export interface PreparedRows {
  count: number;
  total: number;
  meanT: number;
  n: Float64Array;
  xIdx: Int32Array;
  txIdx: Int32Array;
  tIdx: Int32Array;
  xValues: Float64Array;
  txValues: Float64Array;
  tValues: Float64Array;
}

function indexer(): { ids: Map<number, number>; values: number[]; id: (v: number) => number } {
  const ids = new Map<number, number>();
  const values: number[] = [];
  return {
    ids,
    values,
    id: (v) => {
      let i = ids.get(v);
      if (i === undefined) {
        i = values.length;
        ids.set(v, i);
        values.push(v);
      }
      return i;
    },
  };
}

export function prepareRows(rows: readonly RepeatSummary[]): PreparedRows {
  const data = compress(rows);
  const count = data.length;
  const xs = indexer();
  const txs = indexer();
  const ts = indexer();
  const prepared: PreparedRows = {
    count,
    total: 0,
    meanT: 0,
    n: new Float64Array(count),
    xIdx: new Int32Array(count),
    txIdx: new Int32Array(count),
    tIdx: new Int32Array(count),
    xValues: new Float64Array(0),
    txValues: new Float64Array(0),
    tValues: new Float64Array(0),
  };
  let weightedT = 0;
  data.forEach((d, i) => {
    const w = d.n ?? 1;
    prepared.n[i] = w;
    prepared.xIdx[i] = xs.id(d.x);
    prepared.txIdx[i] = txs.id(d.tx);
    prepared.tIdx[i] = ts.id(d.T);
    prepared.total += w;
    weightedT += w * d.T;
  });
  prepared.meanT = prepared.total > 0 ? weightedT / prepared.total : 0;
  prepared.xValues = Float64Array.from(xs.values);
  prepared.txValues = Float64Array.from(txs.values);
  prepared.tValues = Float64Array.from(ts.values);
  return prepared;
}

/** Collapses identical (x, m) spend rows. */
export function compressSpend(rows: readonly SpendSummary[]): SpendSummary[] {
  const index = new Map<string, number>();
  const out: SpendSummary[] = [];
  for (const row of rows) {
    const key = `${row.x}|${row.m}`;
    const i = index.get(key);
    if (i === undefined) {
      index.set(key, out.length);
      out.push({ x: row.x, m: row.m, n: row.n ?? 1 });
    } else out[i]!.n! += row.n ?? 1;
  }
  return out;
}

/** Throws a plain Error naming the first row that is not a valid (x, t_x, T) summary. */
export function checkRepeatRows(rows: readonly RepeatSummary[]): void {
  if (rows.length === 0) throw new Error('no customers to fit');
  rows.forEach((r, i) => {
    const ok =
      Number.isFinite(r.x) && Number.isFinite(r.tx) && Number.isFinite(r.T) && r.x >= 0 && r.tx >= 0 && r.T >= r.tx && (r.x > 0 || r.tx === 0) && (r.n ?? 1) >= 0;
    if (!ok) throw new Error(`row ${i + 1}: not a valid (x, t_x, T) summary: x=${r.x}, t_x=${r.tx}, T=${r.T}`);
  });
}

/** Sum of weights. */
export function totalWeight(rows: readonly { n?: number }[]): number {
  let s = 0;
  for (const r of rows) s += r.n ?? 1;
  return s;
}

/**
 * The box of a fit in log-parameter space: shape parameters (r, a, b, s, p, q, and sBG's α, β) in [1e−4, 1e4]; scale
 * parameters (α, β of the purchase models in the unit of t, v in money) in [1e−4, 1e4] times the data's own scale
 * (the mean observation time, the mean spend). Published fits sit well inside (CDNOW: r 0.24, α 4.4 weeks, a 0.79,
 * b 2.4; s 0.61, β 11.7 weeks); a likelihood that keeps rising towards a corner (no repeat purchases at all, data
 * that ended long ago) stops at the box, and the fit reports `at_bound` instead of passing off s = 72,350 as an
 * estimate.
 */
export function logBox(scales: readonly (number | null)[]): { lower: number[]; upper: number[] } {
  const lower = scales.map((s) => Math.log(1e-4 * (s ?? 1)));
  const upper = scales.map((s) => Math.log(1e4 * (s ?? 1)));
  return { lower, upper };
}

/** Parameters within 0.01 (in log) of their bound: a fit there is not an interior optimum and is not used. */
export function atBounds(x: readonly number[], box: { lower: readonly number[]; upper: readonly number[] }, names: readonly string[]): string[] {
  return names.filter((_, i) => x[i]! - box.lower[i]! < 0.01 || box.upper[i]! - x[i]! < 0.01);
}

/** A fit's outcome from its search: converged only when the search converged inside the box. */
export function outcomeOf(res: MinimiseResult, box: { lower: readonly number[]; upper: readonly number[] }, names: readonly string[]): Pick<Fit<unknown>, 'converged' | 'stop' | 'atBound'> {
  const atBound = atBounds(res.x, box, names);
  if (atBound.length) return { converged: false, stop: 'at_bound', atBound };
  return { converged: res.converged, stop: res.stop };
}
