/**
 * The training corpus for scripts/train-sentiment.ts: ChnSentiCorp's train.tsv, cleaned of every text that also
 * occurs in its dev.tsv (353 rows verbatim, a few more after normalisation or as near copies: a ChnSentiCorp review
 * posted twice), de-duplicated, plus the heating set's training rows. dev.tsv is read only to drop those overlaps,
 * never to fit or choose anything.
 */
import { readFileSync } from 'node:fs';
import { normalise } from '../normalise.js';

export interface LabelledText {
  text: string;
  /** 0 negative, 1 positive, 0.5 neutral. */
  y: number;
  source: 'chnsenticorp' | 'heating';
}

/** `label<TAB>text` rows after a header line. */
export function readTsv(file: string): { label: string; text: string; rest: string[] }[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const out: { label: string; text: string; rest: string[] }[] = [];
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const [label, text, ...rest] = line.split('\t');
    if (label === undefined || text === undefined) continue;
    out.push({ label: label.trim(), text, rest });
  }
  return out;
}

/** Letters and digits only, lower case: two copies of a review differing in spaces or punctuation compare equal. */
const key = (text: string) => normalise(text).replace(/[^\p{L}\p{N}]/gu, '');

function shingles(s: string, n = 5): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + n <= s.length; i++) out.add(s.slice(i, i + n));
  if (!out.size && s) out.add(s);
  return out;
}

/**
 * Removes from `train` every text equal to a `held` text after normalisation, or a near copy of one: at least half of
 * its character 5-grams shared (Jaccard, or containment when the shorter has ten or more).
 */
export function withoutOverlap<T extends { text: string }>(train: T[], held: string[]): { kept: T[]; removed: number } {
  const heldKeys = held.map(key);
  const exact = new Set(heldKeys);
  const heldShingles = heldKeys.map((k) => shingles(k));
  const index = new Map<string, number[]>();
  heldShingles.forEach((s, j) => {
    for (const g of s) {
      const list = index.get(g) ?? [];
      list.push(j);
      index.set(g, list);
    }
  });
  const kept: T[] = [];
  let removed = 0;
  for (const row of train) {
    const k = key(row.text);
    if (exact.has(k)) {
      removed++;
      continue;
    }
    const s = shingles(k);
    const shared = new Map<number, number>();
    for (const g of s) for (const j of index.get(g) ?? []) shared.set(j, (shared.get(j) ?? 0) + 1);
    let near = false;
    for (const [j, c] of shared) {
      const other = heldShingles[j]!.size;
      const jaccard = c / (s.size + other - c);
      const small = Math.min(s.size, other);
      if (jaccard >= 0.5 || (small >= 10 && c / small >= 0.5)) {
        near = true;
        break;
      }
    }
    if (near) removed++;
    else kept.push(row);
  }
  return { kept, removed };
}

/** One row per distinct text (normalised); a text given both labels is dropped. */
export function dedupe(rows: LabelledText[]): LabelledText[] {
  const byKey = new Map<string, LabelledText | null>();
  for (const r of rows) {
    const k = key(r.text);
    if (!k) continue;
    const seen = byKey.get(k);
    if (seen === undefined) byKey.set(k, r);
    else if (seen && seen.y !== r.y) byKey.set(k, null);
  }
  return [...byKey.values()].filter((r): r is LabelledText => r !== null);
}
