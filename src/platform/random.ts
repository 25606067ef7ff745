/**
 * Seeded randomness for the demo generator and the models' simulation studies. The bits come from pure-rand's xoroshiro128+; on top of them, the few
 * distributions the generator draws from (gamma by Marsaglia–Tsang, beta as a ratio of gammas, exponential, normal by
 * Box–Muller). Every household gets its own stream (`Random.stream(seed, kind, index)`), so a household's data does
 * not depend on which batch produced it or on how many households came before it. Also the keyed hashes that stand in
 * for randomness where it must repeat: ranks (`keyedRank`) and ids (`stableUuid`).
 */
import { createHash, createHmac } from 'node:crypto';
import { xoroshiro128plus, type RandomGenerator } from 'pure-rand';

/**
 * A rank from a keyed hash: the first 64 bits of HMAC-SHA256(seed, id), as 16 hex digits. The same seed gives the same
 * order, so a sample or a holdout drawn by lowest rank is drawn again identically (campaign holdouts, survey samples).
 */
export const keyedRank = (seed: string, id: string): string => createHmac('sha256', seed).update(id).digest('hex').slice(0, 16);

/** A UUID (version 4 layout) made of SHA-256 of the text: the same text always gives the same id. */
export function stableUuid(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A 32-bit mix of the seed, a stream kind and an index (murmur3's finaliser): nearby inputs give unrelated seeds. */
export function mix32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h | 0;
}

export class Random {
  private readonly g: RandomGenerator;
  private spare: number | null = null;

  constructor(seed: number) {
    this.g = xoroshiro128plus(seed | 0);
  }

  static stream(seed: number, kind: number, index: number): Random {
    return new Random(mix32(seed, kind, index));
  }

  /** Uniform on (0, 1), never 0 or 1 (safe for logarithms). */
  next(): number {
    return ((this.g.unsafeNext() >>> 0) + 0.5) / 4294967296;
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Index drawn with the given cumulative weights (ascending, last = total). */
  weighted(cumulative: readonly number[]): number {
    const x = this.next() * cumulative[cumulative.length - 1]!;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.next()));
    const a = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(a);
    return r * Math.cos(a);
  }

  exponential(rate: number): number {
    return -Math.log(this.next()) / rate;
  }

  /** Gamma(shape, rate): mean shape / rate. */
  gamma(shape: number, rate: number): number {
    if (shape < 1) return this.gamma(shape + 1, rate) * Math.pow(this.next(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
    }
  }

  beta(a: number, b: number): number {
    const x = this.gamma(a, 1);
    return x / (x + this.gamma(b, 1));
  }

  /** A UUID (version 4 layout) made of this stream's bits: the same seed gives the same ids. */
  uuid(): string {
    const h = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
    const a = h(this.g.unsafeNext());
    const b = h(this.g.unsafeNext());
    const c = h(this.g.unsafeNext());
    const d = h(this.g.unsafeNext());
    const variant = ((parseInt(c[0]!, 16) & 0x3) | 0x8).toString(16);
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
  }
}
