/**
 * Guarded special functions for the customer-base models: log-gamma (Lanczos, with reflection), log-beta,
 * log-sum-exp and the Gauss hypergeometric function 2F1 (series, with Pfaff and 1 − z transformations).
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln |Γ(x)| for any real x that is not a non-positive integer. */
export function lgamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
    const s = Math.sin(Math.PI * x);
    if (s === 0) return Infinity;
    return Math.log(Math.PI / Math.abs(s)) - lgamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The sign of Γ(x) (1 for x > 0; alternating between the poles for x < 0). */
export function gammaSign(x: number): number {
  if (x > 0) return 1;
  return Math.floor(x) % 2 === 0 ? 1 : -1;
}

/** ln B(a, b) for a, b > 0. */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/** ln(e^a + e^b) without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** ln(e^a − e^b) for a ≥ b (−Infinity when equal). */
export function logSubExp(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (b >= a) return -Infinity;
  return a + Math.log(-Math.expm1(b - a));
}

/** ln Σ e^{v_i}. */
export function logSumExp(values: readonly number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  if (max === -Infinity || !Number.isFinite(max)) return max;
  let s = 0;
  for (const v of values) s += Math.exp(v - max);
  return max + Math.log(s);
}

const SERIES_EPS = 1e-15;
const MAX_TERMS = 2_000_000;

/** The plain power series of 2F1 (|z| < 1). Terms are summed until they stop changing the sum. */
export function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 0; k < MAX_TERMS; k++) {
    term *= ((a + k) * (b + k)) / ((c + k) * (k + 1)) * z;
    sum += term;
    if (Math.abs(term) <= SERIES_EPS * Math.abs(sum)) {
      // Terms can grow before they shrink; stop only once the ratio is also below 1.
      if (Math.abs(((a + k + 1) * (b + k + 1)) / ((c + k + 1) * (k + 2)) * z) < 1) return sum;
    }
    if (term === 0) return sum;
  }
  return sum;
}

function nearInteger(v: number): boolean {
  return Math.abs(v - Math.round(v)) < 1e-6;
}

/**
 * Gauss hypergeometric function 2F1(a, b; c; z) for real z < 1 (c not a non-positive integer).
 * z < 0: Pfaff transformation onto [0, 1); 0 ≤ z ≤ 0.75: the series; z > 0.75: the 1 − z connection formula
 * (Abramowitz & Stegun 15.3.6) unless c − a − b is an integer, where the (slower, still convergent) series is used.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (z === 0) return 1;
  // Beyond 1 the function is complex (branch cut): no real answer, rather than z = 1's value passed off as one.
  if (z > 1 || Number.isNaN(z)) return NaN;
  if (z === 1) return c - a - b > 0 ? Math.exp(lgamma(c) + lgamma(c - a - b) - lgamma(c - a) - lgamma(c - b)) * gammaSign(c - a - b) * gammaSign(c) * gammaSign(c - a) * gammaSign(c - b) : Infinity;
  if (z < 0) {
    // Pfaff: 2F1(a, b; c; z) = (1 − z)^{−a} 2F1(a, c − b; c; z / (z − 1)), the new argument in [0, 1).
    const w = z / (z - 1);
    return Math.pow(1 - z, -a) * hyp2f1(a, c - b, c, w);
  }
  if (z <= 0.75) return hyp2f1Series(a, b, c, z);
  const d = c - a - b;
  if (nearInteger(d) || (a <= 0 && nearInteger(a)) || (b <= 0 && nearInteger(b))) {
    // Integer c − a − b: the connection formula is singular (the long series still converges); non-positive
    // integer a or b: a polynomial, the series ends.
    return hyp2f1Series(a, b, c, z);
  }
  const y = 1 - z;
  const lc = lgamma(c);
  const t1 =
    gammaSign(c) * gammaSign(d) * gammaSign(c - a) * gammaSign(c - b) *
    Math.exp(lc + lgamma(d) - lgamma(c - a) - lgamma(c - b)) * hyp2f1Series(a, b, 1 - d, y);
  const t2 =
    gammaSign(c) * gammaSign(-d) * gammaSign(a) * gammaSign(b) *
    Math.exp(lc + lgamma(-d) - lgamma(a) - lgamma(b) + d * Math.log(y)) * hyp2f1Series(c - a, c - b, d + 1, y);
  const sum = t1 + t2;
  // The two terms can nearly cancel (large a or b); then the slow series with its own accuracy is the safe answer.
  if (!Number.isFinite(sum) || Math.abs(sum) < 1e-6 * Math.max(Math.abs(t1), Math.abs(t2))) return hyp2f1Series(a, b, c, z);
  return sum;
}

/** ψ(x), the digamma function, for x > 0 (recurrence up to 6, then the asymptotic series). */
export function digamma(x: number): number {
  let result = 0;
  while (x < 6) {
    result -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return result + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}
