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
import { FEEDBACK_MODEL_RULES } from '../feedback.contract.js';
import { hashFeature } from './features.js';
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

/**
 * A company's category model (`hearth feedback retrain`, from the items its people categorised), as stored: the words'
 * IDF over those items and each category's centroid (its strongest terms), words kept as their 32-bit hashes (no text
 * of a customer's is stored), and each category's number of examples, which sets its weight against the seed words:
 * categoryCap · n / (n + categoryHalf).
 */
export interface CategoryModel {
  method: string;
  docs: number;
  idf: { h: number[]; v: number[] };
  centroids: { key: string; examples: number; weight: number; h: number[]; v: number[] }[];
}

export const CATEGORY_METHOD = 'tfidf-centroid/1';
/** Terms kept per centroid. */
const CENTROID_TERMS = 300;

/** Items per category that can be learnt from (categories still offered); short ones are left out. */
export function categoryExampleCounts(examples: { category: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of examples) counts.set(e.category, (counts.get(e.category) ?? 0) + 1);
  return counts;
}

/**
 * Fits the model from a company's categorised items: the categories with at least categoryMin items take part (the
 * others are left to their seed words). Null when none has enough.
 */
export function trainCategoryModel(examples: { text: string; category: string }[], categories: CategoryDef[]): CategoryModel | null {
  const counts = categoryExampleCounts(examples);
  const known = new Set(categories.map((c) => c.key));
  const kept = examples.filter((e) => known.has(e.category) && (counts.get(e.category) ?? 0) >= FEEDBACK_MODEL_RULES.categoryMin);
  if (!kept.length) return null;
  const p = prepare(categories);
  const docs = kept.map((e) => ({ key: e.category, words: words(e.text, p).filter((w) => !STOP_WORDS.has(w)).map(hashFeature) }));
  const df = new Map<number, number>();
  for (const d of docs) for (const w of new Set(d.words)) df.set(w, (df.get(w) ?? 0) + 1);
  const n = docs.length;
  const idfOf = (w: number) => Math.log((n + 1) / ((df.get(w) ?? 0) + 1)) + 1;
  const sums = new Map<string, Map<number, number>>();
  for (const d of docs) {
    const v = tfidfHashed(d.words, idfOf);
    const sum = sums.get(d.key) ?? new Map<number, number>();
    for (const [w, x] of v) sum.set(w, (sum.get(w) ?? 0) + x);
    sums.set(d.key, sum);
  }
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  const centroids = [...sums.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([key, sum]) => {
      const top = [...sum.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, CENTROID_TERMS);
      const norm = Math.sqrt(top.reduce((s, [, x]) => s + x * x, 0)) || 1;
      const examplesOf = counts.get(key) ?? 0;
      return {
        key,
        examples: examplesOf,
        weight: round((FEEDBACK_MODEL_RULES.categoryCap * examplesOf) / (examplesOf + FEEDBACK_MODEL_RULES.categoryHalf)),
        h: top.map(([w]) => w),
        v: top.map(([, x]) => round(x / norm)),
      };
    });
  const terms = [...df.keys()].sort((a, b) => a - b);
  return { method: CATEGORY_METHOD, docs: n, idf: { h: terms, v: terms.map((w) => round(idfOf(w))) }, centroids };
}

function tfidfHashed(ws: number[], idf: (w: number) => number): Map<number, number> {
  const v = new Map<number, number>();
  for (const w of ws) v.set(w, (v.get(w) ?? 0) + 1);
  for (const [w, tf] of v) v.set(w, (1 + Math.log(tf)) * idf(w));
  let s = 0;
  for (const x of v.values()) s += x * x;
  const norm = Math.sqrt(s) || 1;
  for (const [w, x] of v) v.set(w, x / norm);
  return v;
}

interface LoadedCategoryModel {
  idf: (w: number) => number;
  centroids: { key: string; weight: number; terms: Map<number, number> }[];
}
const loadedModels = new WeakMap<CategoryModel, LoadedCategoryModel>();

function loadCategoryModel(m: CategoryModel): LoadedCategoryModel {
  let l = loadedModels.get(m);
  if (!l) {
    const idf = new Map(m.idf.h.map((h, i) => [h, m.idf.v[i]!] as const));
    const unseen = Math.log(m.docs + 1) + 1;
    l = { idf: (w) => idf.get(w) ?? unseen, centroids: m.centroids.map((c) => ({ key: c.key, weight: c.weight, terms: new Map(c.h.map((h, i) => [h, c.v[i]!] as const)) })) };
    loadedModels.set(m, l);
  }
  return l;
}

/**
 * Scores per category key (seed part + example part): `examples` are labelled texts given as they are; `model` is a
 * company's trained model (each category's cosine times its own weight).
 */
export function categoryScores(text: string, categories: CategoryDef[], examples?: { text: string; category: string }[], model?: CategoryModel | null): Map<string, number> {
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
  if (model?.centroids.length) {
    const m = loadCategoryModel(model);
    const v = tfidfHashed(ws.filter((w) => !STOP_WORDS.has(w)).map(hashFeature), m.idf);
    for (const c of m.centroids) {
      const current = scores.get(c.key);
      if (current === undefined) continue; // a category archived since
      let cos = 0;
      for (const [w, x] of v) cos += x * (c.terms.get(w) ?? 0);
      scores.set(c.key, current + c.weight * cos);
    }
  }
  return scores;
}

/** The most likely category and its confidence, or null when nothing points anywhere (see the file comment). */
export function suggestCategory(
  text: string,
  categories: CategoryDef[],
  examples?: { text: string; category: string }[],
  model?: CategoryModel | null,
): CategorySuggestion | null {
  if (!categories.length) return null;
  const scores = categoryScores(text, categories, examples, model);
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
