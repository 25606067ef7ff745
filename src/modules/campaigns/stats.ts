/**
 * The statistics of a campaign's report: pure functions, no database.
 *
 * - `wilson`: the Wilson score interval for one proportion (Wilson 1927).
 * - `newcombeDiff`: the difference of two independent proportions (treated − holdout conversion) with Newcombe's
 *   hybrid score interval, method 10 of Newcombe (1998), built from the two Wilson intervals.
 * - `bootstrapMeanDiff`: the difference of two means (revenue per head) with a percentile bootstrap interval
 *   (Efron & Tibshirani 1993, ch. 13), each group resampled on its own, from a seeded generator.
 * - `chiSquareIndependence`: Pearson's chi-square test of independence for an r×c table, its p-value from the
 *   regularised upper incomplete gamma function (`gammaQ`, Numerical Recipes §6.2; `lnGamma` by Lanczos 1964).
 * - `holdoutAllocation`: how many customers of each stratum to hold out, by the largest-remainder (Hamilton)
 *   method, in exact integer arithmetic.
 *
 * References:
 * - E. B. Wilson, "Probable inference, the law of succession, and statistical inference", JASA 22 (1927) 209–212.
 * - R. G. Newcombe, "Interval estimation for the difference between independent proportions: comparison of eleven
 *   methods", Statistics in Medicine 17 (1998) 873–890.
 * - B. Efron, R. J. Tibshirani, "An Introduction to the Bootstrap", Chapman & Hall 1993.
 * - W. H. Press et al., "Numerical Recipes", 3rd ed., §6.1–6.2 (gamma function, incomplete gamma function).
 * - C. Lanczos, "A precision approximation of the gamma function", SIAM J. Numer. Anal. B 1 (1964) 86–96.
 * - D. Blackman, S. Vigna, "Scrambled linear pseudorandom number generators" (xoshiro128**), ACM TOMS 47 (2021).
 */
import { yieldToEventLoop } from '../../platform/db/slice.js';
import { checkCount, wilson, Z95 } from '../../platform/stats.js';

export { wilson, Z95, type Interval } from '../../platform/stats.js';

export type DiffInterval = { diff: number; lower: number; upper: number };

/**
 * p1 − p2 = x1/n1 − x2/n2 with Newcombe's hybrid score interval (Newcombe 1998, method 10), from the Wilson
 * intervals (l1, u1) and (l2, u2) of the two proportions:
 *   lower = (p1 − p2) − √((p1 − l1)² + (u2 − p2)²),   upper = (p1 − p2) + √((u1 − p1)² + (p2 − l2)²).
 * Its coverage stays close to nominal for small counts and unequal group sizes (a 1,800 / 200 split), where the
 * Wald interval does not. With a group empty (n1 = 0 or n2 = 0) there is no difference to estimate: null.
 */
export function newcombeDiff(x1: number, n1: number, x2: number, n2: number, z: number = Z95): DiffInterval | null {
  checkCount(x1, n1);
  checkCount(x2, n2);
  if (n1 === 0 || n2 === 0) return null;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const w1 = wilson(x1, n1, z);
  const w2 = wilson(x2, n2, z);
  const diff = p1 - p2;
  return {
    diff,
    lower: Math.max(-1, diff - Math.hypot(p1 - w1.lower, w2.upper - p2)),
    upper: Math.min(1, diff + Math.hypot(w1.upper - p1, p2 - w2.lower)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Bootstrap

export type BootstrapOptions = {
  /** Bootstrap replicates (default 2,000). */
  resamples?: number;
  /** Seed of the generator (default 1): the same inputs and seed give the same interval. */
  seed?: number;
  /** Confidence level in (0, 1) (default 0.95). */
  level?: number;
};

/**
 * Seeds a xoshiro128** state (four 32-bit words) from a 32-bit seed with SplitMix32, as the xoshiro authors advise
 * (never all zero: SplitMix32 outputs are a bijection of distinct inputs).
 */
function seedState(seed: number, state: Int32Array): void {
  let s = seed | 0;
  for (let i = 0; i < 4; i++) {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    state[i] = z ^ (z >>> 16);
  }
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1;
}

/**
 * The sum of `n` values drawn with replacement from `values` (length n), with xoshiro128** (Blackman & Vigna)
 * inlined on local variables: no object, no allocation, only 32-bit integer operations. The index is Lemire's
 * multiply-shift, ⌊r · n / 2³²⌋ (bias below n / 2³², negligible for any realistic group; the product is formed as
 * r · (n / 2³²), where n / 2³² is exact, so the index is always < n). `platform/random.ts` (pure-rand behind a method
 * call per number) is about 3× slower here, and this loop is the whole cost of the bootstrap.
 */
function resampleSum(values: Float64Array, state: Int32Array): number {
  const n = values.length;
  const scale = n / 4294967296;
  let s0 = state[0]!;
  let s1 = state[1]!;
  let s2 = state[2]!;
  let s3 = state[3]!;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const m = Math.imul(s1, 5);
    const r = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    sum += values[((r >>> 0) * scale) | 0]!;
  }
  state[0] = s0;
  state[1] = s1;
  state[2] = s2;
  state[3] = s3;
  return sum;
}

/** The q-quantile of sorted values, linear between order statistics (Hyndman & Fan type 7, R's default). */
function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function sumOf(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}

/**
 * mean(a) − mean(b) with a percentile bootstrap interval (Efron & Tibshirani 1993, §13.3): each replicate draws
 * |a| values from a and |b| from b with replacement (the groups are independent samples, so each is resampled on its
 * own), and the interval is the (1 − level)/2 and (1 + level)/2 quantiles of the replicates' differences.
 *
 * Units: whatever the values are in. Revenue may be passed as integer fen (Int32Array or number[]): sums of integers
 * stay exact below 2⁵³ (100,000 people × ¥10⁸ each), and diff, lower and upper are then in fen.
 *
 * Cost: one pass over |a| + |b| random indices per replicate, on typed arrays, allocating nothing per replicate:
 * 100,000 values per group × 1,000 replicates ≈ 1 s. With either group empty: null.
 */
export function bootstrapMeanDiff(a: ArrayLike<number>, b: ArrayLike<number>, opts: BootstrapOptions = {}): DiffInterval | null {
  const steps = bootstrapSteps(a, b, opts);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same interval, with a turn of the event loop every ~2 million draws (tens of milliseconds): a campaign's results
 * over a large segment (2,000 replicates × hundreds of thousands of members, once overall and once per tier) must not
 * hold the server's one thread for seconds. The replicates and the result are exactly those of `bootstrapMeanDiff`.
 */
export async function bootstrapMeanDiffSliced(a: ArrayLike<number>, b: ArrayLike<number>, opts: BootstrapOptions = {}): Promise<DiffInterval | null> {
  const steps = bootstrapSteps(a, b, opts);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await yieldToEventLoop();
  }
}

/** Draws per slice of `bootstrapMeanDiffSliced`. */
const DRAWS_PER_TURN = 2_000_000;

/** The bootstrap, pausing (a `yield`) after every slice of replicates. */
function* bootstrapSteps(a: ArrayLike<number>, b: ArrayLike<number>, opts: BootstrapOptions): Generator<void, DiffInterval | null> {
  const resamples = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  if (a.length === 0 || b.length === 0) return null;
  // One copy per call (also turns number[] and integer arrays into the Float64Array the loop reads).
  const va = Float64Array.from(a);
  const vb = Float64Array.from(b);
  for (const v of [va, vb]) {
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) throw new RangeError('values must be finite numbers');
  }
  const state = new Int32Array(4);
  seedState(opts.seed ?? 1, state);
  const diffs = new Float64Array(resamples);
  const perTurn = Math.max(1, Math.floor(DRAWS_PER_TURN / (va.length + vb.length)));
  for (let r = 0; r < resamples; r++) {
    diffs[r] = resampleSum(va, state) / va.length - resampleSum(vb, state) / vb.length;
    if ((r + 1) % perTurn === 0 && r + 1 < resamples) yield;
  }
  diffs.sort();
  const alpha = 1 - level;
  return {
    diff: sumOf(va) / va.length - sumOf(vb) / vb.length,
    lower: quantileSorted(diffs, alpha / 2),
    upper: quantileSorted(diffs, 1 - alpha / 2),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Gamma functions and the chi-square test

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * ln Γ(x) for x > 0 by Lanczos' approximation (g = 7, nine coefficients; relative error about 1e-15), with the
 * reflection formula Γ(x) Γ(1 − x) = π / sin(πx) below 0.5.
 */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lnGamma needs x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const y = x - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) s += LANCZOS[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(s);
}

const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITER = 100_000;

/** ln(xᵃ e⁻ˣ / Γ(a)): the common factor of the series and the continued fraction. */
function lnPrefactor(a: number, x: number): number {
  return a * Math.log(x) - x - lnGamma(a);
}

/** P(a, x) by its series, Σₙ xⁿ / (a (a+1) … (a+n)) · xᵃ e⁻ˣ / Γ(a) (NR §6.2.5): converges fast for x < a + 1. */
function gammaPSeries(a: number, x: number): number {
  let ap = a;
  let term = 1 / a;
  let sum = term;
  for (let i = 0; i < MAX_ITER; i++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(lnPrefactor(a, x));
}

/**
 * Q(a, x) by its continued fraction 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …))) · xᵃ e⁻ˣ / Γ(a) (NR §6.2.7),
 * evaluated by the modified Lentz method: converges fast for x ≥ a + 1.
 */
function gammaQContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(lnPrefactor(a, x)) * h;
}

/** The regularised lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a), for a > 0, x ≥ 0. */
export function gammaP(a: number, x: number): number {
  if (!(a > 0) || !Number.isFinite(a)) throw new RangeError(`gammaP needs a > 0, got ${a}`);
  if (Number.isNaN(x) || x < 0) throw new RangeError(`gammaP needs x >= 0, got ${x}`);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  if (x < a + 1) return Math.min(1, Math.max(0, gammaPSeries(a, x)));
  return Math.min(1, Math.max(0, 1 - gammaQContinuedFraction(a, x)));
}

/**
 * The regularised upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a) = 1 − P(a, x), for a > 0, x ≥ 0: the
 * series for P when x < a + 1 (Q = 1 − P), the continued fraction for Q otherwise (NR §6.2). Each is used where it
 * converges quickly, and the continued fraction gives the small upper tail (small p-values) without cancellation.
 */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !Number.isFinite(a)) throw new RangeError(`gammaQ needs a > 0, got ${a}`);
  if (Number.isNaN(x) || x < 0) throw new RangeError(`gammaQ needs x >= 0, got ${x}`);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  if (x < a + 1) return Math.min(1, Math.max(0, 1 - gammaPSeries(a, x)));
  return Math.min(1, Math.max(0, gammaQContinuedFraction(a, x)));
}

export type ChiSquareResult = { statistic: number; df: number; pValue: number };

/**
 * Pearson's chi-square test of independence for an r×c contingency table of counts: expected counts
 * Eᵢⱼ = Rᵢ Cⱼ / N, statistic Σ (Oᵢⱼ − Eᵢⱼ)² / Eᵢⱼ, df = (r − 1)(c − 1), p-value = P(χ²_df ≥ statistic) =
 * Q(df/2, statistic/2). No continuity correction. Rows and columns that are all zero are dropped first (they carry no
 * information and would make an expected count 0); when fewer than two rows or two columns remain there is nothing to
 * test: {statistic 0, df 0, pValue 1}. The usual caveat applies: the χ² approximation wants expected counts of about
 * 5 or more.
 */
export function chiSquareIndependence(table: number[][]): ChiSquareResult {
  const width = table[0]?.length ?? 0;
  for (const row of table) {
    if (row.length !== width) throw new RangeError('every row of the table must have the same length');
    for (const v of row) if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`counts must be finite and >= 0, got ${v}`);
  }
  const rowSums = table.map((row) => row.reduce((s, v) => s + v, 0));
  const colSums = Array.from({ length: width }, (_, j) => table.reduce((s, row) => s + row[j]!, 0));
  const rows = rowSums.flatMap((s, i) => (s > 0 ? [i] : []));
  const cols = colSums.flatMap((s, j) => (s > 0 ? [j] : []));
  if (rows.length < 2 || cols.length < 2) return { statistic: 0, df: 0, pValue: 1 };
  const total = rows.reduce((s, i) => s + rowSums[i]!, 0);
  let statistic = 0;
  for (const i of rows) {
    for (const j of cols) {
      const expected = (rowSums[i]! * colSums[j]!) / total;
      const d = table[i]![j]! - expected;
      statistic += (d * d) / expected;
    }
  }
  const df = (rows.length - 1) * (cols.length - 1);
  return { statistic, df, pValue: gammaQ(df / 2, statistic / 2) };
}

// ---------------------------------------------------------------------------------------------------------------
// Holdout allocation

export type Stratum = { key: string; size: number };

/**
 * How many customers of each stratum to hold out, for a holdout share given in basis points (0..10,000; 10% = 1000).
 *
 * The total is H = ⌊bp · N / 10,000⌋ exactly, N the sum of the sizes. It is spread over the strata by the
 * largest-remainder (Hamilton) method: stratum i first gets ⌊H · sizeᵢ / N⌋, and the H − Σ⌊…⌋ left over go one
 * each to the strata with the largest remainders (H · sizeᵢ mod N), ties broken by key (ascending code-unit order,
 * not locale). Everything is computed with BigInt, so it is exact for any sizes, and deterministic.
 *
 * Properties: the counts sum to H; each differs from its quota H · sizeᵢ / N by less than 1; none exceeds its
 * stratum's size (a stratum gets the extra one only when its remainder is > 0, i.e. when its quota, ≤ sizeᵢ, is not
 * an integer). The map lists the strata in the order given, zeros included. Keys must be distinct; sizes integers ≥ 0.
 */
export function holdoutAllocation(strata: readonly Stratum[], shareBasisPoints: number): Map<string, number> {
  if (!Number.isInteger(shareBasisPoints) || shareBasisPoints < 0 || shareBasisPoints > 10_000) {
    throw new RangeError(`share must be an integer number of basis points in 0..10000, got ${shareBasisPoints}`);
  }
  const seen = new Set<string>();
  for (const s of strata) {
    if (seen.has(s.key)) throw new RangeError(`duplicate stratum key ${JSON.stringify(s.key)}`);
    seen.add(s.key);
    if (!Number.isSafeInteger(s.size) || s.size < 0) throw new RangeError(`stratum size must be an integer >= 0, got ${s.size}`);
  }
  const result = new Map<string, number>(strata.map((s) => [s.key, 0]));
  const total = strata.reduce((n, s) => n + BigInt(s.size), 0n);
  if (total === 0n) return result;
  const holdout = (BigInt(shareBasisPoints) * total) / 10_000n;
  let given = 0n;
  const remainders: { key: string; rem: bigint }[] = [];
  for (const s of strata) {
    const scaled = holdout * BigInt(s.size);
    const base = scaled / total;
    given += base;
    result.set(s.key, Number(base));
    remainders.push({ key: s.key, rem: scaled % total });
  }
  remainders.sort((x, y) => (x.rem !== y.rem ? (x.rem > y.rem ? -1 : 1) : x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const left = Number(holdout - given);
  for (let k = 0; k < left; k++) {
    const key = remainders[k]!.key;
    result.set(key, result.get(key)! + 1);
  }
  return result;
}
