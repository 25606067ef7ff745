/**
 * Statistics shared by the modules that report proportions with their uncertainty (campaign uplift, survey scores):
 * the normal quantile of a 95 % interval and Wilson's score interval for one proportion.
 *
 * E. B. Wilson, "Probable inference, the law of succession, and statistical inference", JASA 22 (1927) 209–212.
 */

/** The 0.975 quantile of the standard normal: the z of a two-sided 95 % interval. */
export const Z95 = 1.959964;

export type Interval = { lower: number; upper: number };
export function checkCount(x: number, n: number): void {
  if (!Number.isInteger(x) || !Number.isInteger(n) || x < 0 || n < 0 || x > n) {
    throw new RangeError(`expected integer counts 0 <= x <= n, got x=${x}, n=${n}`);
  }
}

/**
 * The Wilson score interval for a proportion x/n (Wilson 1927): the p whose score test |p̂ − p| / √(p(1−p)/n) ≤ z,
 * i.e. centre (x + z²/2) / (n + z²) ± z / (n + z²) · √(x(n − x)/n + z²/4). Unlike the Wald interval it stays within
 * [0, 1] and behaves at x = 0 or x = n. With n = 0 nothing is known: {0, 1}.
 */
export function wilson(x: number, n: number, z: number = Z95): Interval {
  checkCount(x, n);
  if (n === 0) return { lower: 0, upper: 1 };
  const z2 = z * z;
  const denom = n + z2;
  const centre = (x + z2 / 2) / denom;
  const half = (z / denom) * Math.sqrt((x * (n - x)) / n + z2 / 4);
  // At x = 0 (x = n) the lower (upper) end is 0 (1) exactly in theory; clamp away rounding.
  return { lower: x === 0 ? 0 : Math.max(0, centre - half), upper: x === n ? 1 : Math.min(1, centre + half) };
}
