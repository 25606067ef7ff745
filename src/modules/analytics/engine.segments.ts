/**
 * The segments stage of the analytics run: k-means over six standardised features of the customers with
 * transactions (fitted on a stride sample, k chosen by silhouette unless the settings fix it), numbered by their
 * centroid's spend, highest first.
 */
import { kmeans } from 'ml-kmeans';
import type { AnalyticsSettings, RunFits } from './analytics.contract.js';
import type { Churn } from './engine.churn.js';
import { stride, type Population, type Tick } from './engine.population.js';
import type { RfmStage } from './engine.rfm.js';
import type { Loyalty } from './engine.value.js';

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

const FEATURES = ['recency', 'frequency', 'monetary', 'tenure', 'loyalty', 'churnRisk'];

/** What the segments' features read besides the population. */
export type SegmentInputs = {
  rfm: Pick<RfmStage, 'recencyDays' | 'tenureDays'>;
  loyalty: Pick<Loyalty, 'loyalty'>;
  churn: Pick<Churn, 'risk'>;
};

/** Segment numbers by customer (1 = highest spend; −1 = no transactions, or too few customers); fills `fits.kmeans`. */
export async function segmentStage(p: Population, s: AnalyticsSettings, inputs: SegmentInputs, fits: RunFits, tick: Tick): Promise<Int16Array> {
  const n = p.n;
  const { recencyDays, tenureDays } = inputs.rfm;
  const { loyalty } = inputs.loyalty;
  const { risk } = inputs.churn;
  const segment = new Int16Array(n).fill(-1);
  const features = [...FEATURES];
  const withData: number[] = [];
  for (let i = 0; i < n; i++) if (tenureDays[i]! >= 0) withData.push(i);
  if (withData.length < 20) return segment;
  const raw = (i: number) => [
    Math.log1p(recencyDays[i]!),
    Math.log1p(p.purchases[i]!),
    Math.log1p(Math.max(0, p.lifetime[i]!) / 100),
    Math.log1p(tenureDays[i]!),
    loyalty[i]! / 100,
    risk[i]! / 100,
  ];
  const mean = new Array(features.length).fill(0);
  const sd = new Array(features.length).fill(0);
  for (const i of withData) raw(i).forEach((v, d) => (mean[d] += v));
  for (let d = 0; d < features.length; d++) mean[d] /= withData.length;
  for (const i of withData) raw(i).forEach((v, d) => (sd[d] += (v - mean[d]) ** 2));
  for (let d = 0; d < features.length; d++) sd[d] = Math.sqrt(sd[d] / withData.length) || 1;
  const z = (i: number) => raw(i).map((v, d) => (v - mean[d]) / sd[d]);
  const sample = stride(withData, 20_000).map(z);
  const chosen = s.segments ? { k: s.segments, silhouette: null } : await chooseK(sample, tick);
  const k = Math.max(2, Math.min(chosen.k || 4, sample.length - 1));
  await tick();
  const res = kmeans(sample, k, { seed: 42, maxIterations: 100 });
  // Number the segments by their centroid's spend, highest first, so the numbering is stable between runs.
  const order = res.centroids.map((c, j) => [c[2]!, j] as const).sort((a, b) => b[0] - a[0]).map(([, j]) => j);
  const rank = new Array(k);
  order.forEach((j, pos) => (rank[j] = pos + 1));
  const sizes = new Array(k).fill(0);
  for (let w = 0; w < withData.length; w++) {
    if ((w & 1023) === 0) await tick();
    const i = withData[w]!;
    const best = nearest(res.centroids, z(i));
    segment[i] = rank[best];
    sizes[rank[best] - 1]++;
  }
  fits.kmeans = {
    k,
    silhouette: chosen.silhouette,
    features,
    sizes,
    centroids: order.map((j) => res.centroids[j]!.map((v, d) => round(v * sd[d] + mean[d], 4))),
  };
  return segment;
}

/** k from 2 to 6 with the best mean silhouette on a sample of about 1,000 points (k = 0 when none can be tried). */
async function chooseK(sample: number[][], tick: Tick): Promise<{ k: number; silhouette: number }> {
  const small = sample.filter((_, j) => j % Math.max(1, Math.floor(sample.length / 1000)) === 0);
  let best = -2;
  let k = 0;
  for (let c = 2; c <= Math.min(6, small.length - 1); c++) {
    await tick();
    const res = kmeans(small, c, { seed: 42, maxIterations: 50 });
    const sil = silhouetteOf(small, res.clusters, c);
    if (sil > best) {
      best = sil;
      k = c;
    }
  }
  return { k, silhouette: round(best, 4) };
}

/** The index of the centroid nearest to v (the first of equals). */
function nearest(centroids: number[][], v: number[]): number {
  let best = 0;
  let bestD = Infinity;
  centroids.forEach((c, j) => {
    let d = 0;
    for (let t = 0; t < v.length; t++) d += (v[t]! - c[t]!) ** 2;
    if (d < bestD) {
      bestD = d;
      best = j;
    }
  });
  return best;
}

/** Mean silhouette of a clustering (O(n²): for a sample of a few thousand points). */
export function silhouetteOf(points: number[][], clusters: number[], k: number): number {
  let total = 0;
  for (let i = 0; i < points.length; i++) {
    const sums = new Array(k).fill(0);
    const counts = new Array(k).fill(0);
    for (let j = 0; j < points.length; j++) {
      if (i === j) continue;
      let d = 0;
      for (let t = 0; t < points[i]!.length; t++) d += (points[i]![t]! - points[j]![t]!) ** 2;
      sums[clusters[j]!] += Math.sqrt(d);
      counts[clusters[j]!]++;
    }
    const own = clusters[i]!;
    const a = counts[own] ? sums[own] / counts[own] : 0;
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && counts[c]) b = Math.min(b, sums[c] / counts[c]);
    if (!Number.isFinite(b) || counts[own] === 0) continue;
    total += (b - a) / Math.max(a, b) || 0;
  }
  return total / points.length;
}
