/**
 * Category suggestion: which of a company's categories a text most likely belongs to, with a confidence.
 *
 * - Seed words: the text is cut with every seed of two or more characters kept whole; each distinct seed found (as a
 *   word; a one-character seed such as 漏 or 响 only when jieba cut it alone) scores 1 / (number of categories listing
 *   it) for its category.
 * - Labelled examples (the company's own corrected items), when given: the text's TF-IDF vector against each
 *   category's centroid of example vectors (IDF over the examples); cosine × `EXAMPLE_WEIGHT` is added, so a category
 *   with many corrections can win on words no seed lists.
 * - confidence = best / (sum of all scores + `PRIOR`): one clear seed ≈ 0.67, two ≈ 0.8, a tie between two
 *   categories ≤ 0.4. No seed and no similar example → null (the caller files it under 其他 or leaves it open).
 */
import { normalise } from './normalise.js';
import { cutNormalised, STOP_WORDS } from './segment.js';
import type { CategoryDef, CategorySuggestion } from './types.js';

export const EXAMPLE_WEIGHT = 3;
const PRIOR = 0.5;

interface Prepared {
  long: string[];
  seeds: Map<string, Map<string, number>>; // word → category key → weight
}

const preparedCache = new WeakMap<CategoryDef[], Prepared>();

function prepare(categories: CategoryDef[]): Prepared {
  let p = preparedCache.get(categories);
  if (p) return p;
  const owners = new Map<string, Set<string>>();
  for (const c of categories) {
    for (const raw of c.seedWords) {
      const w = normalise(raw);
      if (!w) continue;
      const set = owners.get(w) ?? new Set<string>();
      set.add(c.key);
      owners.set(w, set);
    }
  }
  const seeds = new Map<string, Map<string, number>>();
  for (const [w, keys] of owners) seeds.set(w, new Map([...keys].map((k) => [k, 1 / keys.size] as const)));
  p = { long: [...owners.keys()].filter((w) => [...w].length > 1), seeds };
  preparedCache.set(categories, p);
  return p;
}

function words(text: string, p: Prepared): string[] {
  return cutNormalised(normalise(text ?? ''), p.long).filter((t) => /^[\p{L}\p{N}]+$/u.test(t));
}

type Vector = Map<string, number>;

function unit(v: Vector): Vector {
  let s = 0;
  for (const x of v.values()) s += x * x;
  const n = Math.sqrt(s) || 1;
  for (const [k, x] of v) v.set(k, x / n);
  return v;
}

interface ExampleModel {
  idf: (w: string) => number;
  centroids: Map<string, Vector>;
}

const exampleCache = new WeakMap<object, ExampleModel>();

function exampleModel(examples: { text: string; category: string }[], p: Prepared): ExampleModel {
  const cached = exampleCache.get(examples);
  if (cached) return cached;
  const docs = examples.map((e) => ({ key: e.category, words: words(e.text, p).filter((w) => !STOP_WORDS.has(w)) }));
  const df = new Map<string, number>();
  for (const d of docs) for (const w of new Set(d.words)) df.set(w, (df.get(w) ?? 0) + 1);
  const n = docs.length;
  const idf = (w: string) => Math.log((n + 1) / ((df.get(w) ?? 0) + 1)) + 1;
  const sums = new Map<string, Vector>();
  for (const d of docs) {
    const v = tfidf(d.words, idf);
    const sum = sums.get(d.key) ?? new Map<string, number>();
    for (const [w, x] of v) sum.set(w, (sum.get(w) ?? 0) + x);
    sums.set(d.key, sum);
  }
  const model = { idf, centroids: new Map([...sums].map(([k, v]) => [k, unit(v)] as const)) };
  exampleCache.set(examples, model);
  return model;
}

function tfidf(ws: string[], idf: (w: string) => number): Vector {
  const v = new Map<string, number>();
  for (const w of ws) v.set(w, (v.get(w) ?? 0) + 1);
  for (const [w, tf] of v) v.set(w, (1 + Math.log(tf)) * idf(w));
  return unit(v);
}

/** Scores per category key (seed part + example part). */
export function categoryScores(text: string, categories: CategoryDef[], examples?: { text: string; category: string }[]): Map<string, number> {
  const p = prepare(categories);
  const ws = words(text, p);
  const scores = new Map<string, number>(categories.map((c) => [c.key, 0] as const));
  for (const w of new Set(ws)) {
    for (const [key, weight] of p.seeds.get(w) ?? []) scores.set(key, scores.get(key)! + weight);
  }
  if (examples?.length) {
    const known = new Set(categories.map((c) => c.key));
    const m = exampleModel(examples, p);
    const v = tfidf(ws.filter((w) => !STOP_WORDS.has(w)), m.idf);
    for (const [key, centroid] of m.centroids) {
      if (!known.has(key)) continue;
      let cos = 0;
      for (const [w, x] of v) cos += x * (centroid.get(w) ?? 0);
      scores.set(key, scores.get(key)! + EXAMPLE_WEIGHT * cos);
    }
  }
  return scores;
}

/** The most likely category and its confidence, or null when nothing points anywhere (see the file comment). */
export function suggestCategory(
  text: string,
  categories: CategoryDef[],
  examples?: { text: string; category: string }[],
): CategorySuggestion | null {
  if (!categories.length) return null;
  const scores = categoryScores(text, categories, examples);
  let best: string | null = null;
  let top = 0;
  let sum = 0;
  for (const [key, s] of scores) {
    sum += s;
    if (s > top) {
      top = s;
      best = key;
    }
  }
  if (!best || top <= 1e-9) return null;
  return { key: best, confidence: Math.round((top / (sum + PRIOR)) * 1000) / 1000 };
}
