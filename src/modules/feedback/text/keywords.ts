/**
 * Keywords of a text.
 *
 * - Short texts (fewer than `TEXTRANK_MIN_TOKENS` content words): TF-IDF. The IDF comes from the company's own corpus
 *   when the caller passes it (document frequencies and the number of documents: idf = ln((N + 1)/(df + 1)) + 1), else
 *   from jieba's bundled IDF table (a general Chinese corpus; words it does not know get its median).
 * - Long texts: TextRank (Mihalcea & Tarau 2004) — PageRank over the co-occurrence graph of content words within a
 *   window of 5, 30 iterations, damping 0.85 — each word's rank multiplied by its IDF, so a word frequent everywhere
 *   does not win on repetition alone.
 *
 * Candidates are content words (tokenize: stop words, punctuation and digits gone) of two or more characters; single
 * characters only when nothing longer is left.
 */
import { createRequire } from 'node:module';
import { tokenize } from './segment.js';

export const TEXTRANK_MIN_TOKENS = 40;

export interface KeywordOptions {
  top?: number;
  docFreq?: Map<string, number>;
  docCount?: number;
  extraWords?: string[];
}

const require = createRequire(import.meta.url);
let bundledIdf: { table: Map<string, number>; median: number } | null = null;

/** jieba's IDF table (270,000 words), parsed on first use. */
function defaultIdf(): { table: Map<string, number>; median: number } {
  if (!bundledIdf) {
    const { idf } = require('@node-rs/jieba/dict') as { idf: Uint8Array };
    const table = new Map<string, number>();
    const values: number[] = [];
    for (const line of Buffer.from(idf).toString('utf8').split('\n')) {
      const space = line.lastIndexOf(' ');
      if (space <= 0) continue;
      const value = Number(line.slice(space + 1));
      if (!Number.isFinite(value)) continue;
      table.set(line.slice(0, space), value);
      values.push(value);
    }
    values.sort((a, b) => a - b);
    bundledIdf = { table, median: values[values.length >> 1] ?? 10 };
  }
  return bundledIdf;
}

/** The IDF function for the options: the company's corpus when given, else jieba's table. */
function idfOf(opts?: KeywordOptions): (word: string) => number {
  if (opts?.docFreq && opts.docCount && opts.docCount > 0) {
    const n = opts.docCount;
    const df = opts.docFreq;
    return (w) => Math.log((n + 1) / ((df.get(w) ?? 0) + 1)) + 1;
  }
  const { table, median } = defaultIdf();
  return (w) => table.get(w) ?? median;
}

/** PageRank over the undirected co-occurrence graph of `words` (window 5). */
export function textRank(words: string[], window = 5, iterations = 30, damping = 0.85): Map<string, number> {
  const edges = new Map<string, Map<string, number>>();
  const link = (a: string, b: string) => {
    if (a === b) return;
    const m = edges.get(a) ?? new Map<string, number>();
    m.set(b, (m.get(b) ?? 0) + 1);
    edges.set(a, m);
  };
  for (let i = 0; i < words.length; i++) {
    for (let j = i + 1; j < Math.min(words.length, i + window); j++) {
      link(words[i]!, words[j]!);
      link(words[j]!, words[i]!);
    }
  }
  const nodes = [...new Set(words)];
  let rank = new Map<string, number>(nodes.map((w) => [w, 1] as const));
  const outSum = new Map(nodes.map((w) => [w, [...(edges.get(w)?.values() ?? [])].reduce((s, x) => s + x, 0)] as const));
  for (let it = 0; it < iterations; it++) {
    const next = new Map<string, number>();
    for (const w of nodes) {
      let s = 0;
      for (const [u, weight] of edges.get(w) ?? []) s += (weight / (outSum.get(u) || 1)) * rank.get(u)!;
      next.set(w, 1 - damping + damping * s);
    }
    rank = next;
  }
  return rank;
}

/**
 * Words of reported speech that say who spoke, not what about: an agent's note reads 「客户反映暖气片漏水」, a survey answer
 * 「业主表示…」. Never keywords (the sentiment and category models keep their own stop words: their weights were
 * trained with them).
 */
const SPEAKER_WORDS: ReadonlySet<string> = new Set(['客户', '用户', '业主', '住户', '居民', '反映', '反馈', '表示', '称', '来电', '致电', '投诉人']);

/** Keywords from already tokenised content words (analyseText reuses its tokens). */
export function keywordsOfTokens(tokens: string[], opts?: KeywordOptions): string[] {
  const top = opts?.top ?? 5;
  if (!tokens.length || top <= 0) return [];
  tokens = tokens.filter((w) => !SPEAKER_WORDS.has(w));
  if (!tokens.length) return [];
  let words = tokens.filter((w) => [...w].length > 1 || /^[a-z]{2,}$/u.test(w));
  if (!words.length) words = tokens;
  const idf = idfOf(opts);
  const score = new Map<string, number>();
  if (words.length >= TEXTRANK_MIN_TOKENS) {
    for (const [w, r] of textRank(words)) score.set(w, r * idf(w));
  } else {
    for (const w of words) score.set(w, (score.get(w) ?? 0) + 1);
    for (const [w, tf] of score) score.set(w, tf * idf(w));
  }
  const first = new Map<string, number>();
  words.forEach((w, i) => first.has(w) || first.set(w, i));
  return [...score.entries()]
    .sort((a, b) => b[1] - a[1] || first.get(a[0])! - first.get(b[0])!)
    .slice(0, top)
    .map(([w]) => w);
}

/** The `top` (5) keywords of a text, best first (see the file comment). */
export function keywords(text: string, opts?: KeywordOptions): string[] {
  return keywordsOfTokens(tokenize(text ?? '', { extraWords: opts?.extraWords }), opts);
}
