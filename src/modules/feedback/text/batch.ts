/**
 * The core of the CLI contract `hearth feedback analyse --input FILE --format json` (issue #19): the command reads the
 * file, calls `analyseFeedbackFile`, and prints `JSON.stringify(result)` as its last stdout line. No database and no
 * server: the shipped model and the heating template's categories (or the caller's).
 *
 * Input: UTF-8 (a BOM is dropped), either one text per line, or a TSV whose header row has a `text` column (any
 * position, case-insensitive; the other columns are ignored). Every line after the header is one text — an empty line
 * too, so the output lines up with the input — except a final line break. Output: one object per text, in order:
 * `{"sentiment":"neg|neu|pos","score":0.93,"category":"漏水","keywords":["…"]}`, `category` being the category's
 * name (null when none is suggested).
 */
import { analyseText, type AnalyseOptions } from './analyse.js';
import { HEATING_CATEGORIES } from './heating.js';
import type { Sentiment } from './types.js';

export interface FeedbackAnalysisLine {
  sentiment: Sentiment;
  score: number;
  category: string | null;
  keywords: string[];
}

/** The texts of an input file (see the file comment). */
export function readFeedbackTexts(content: string): string[] {
  let body = content.startsWith('\uFEFF') ? content.slice(1) : content;
  if (body.endsWith('\r\n')) body = body.slice(0, -2);
  else if (body.endsWith('\n')) body = body.slice(0, -1);
  if (!body) return [];
  const lines = body.split(/\r?\n/);
  const header = lines[0]!.split('\t').map((c) => c.trim().toLowerCase());
  const column = lines[0]!.includes('\t') || header[0] === 'text' ? header.indexOf('text') : -1;
  if (column < 0) return lines;
  return lines.slice(1).map((line) => line.split('\t')[column] ?? '');
}

/** One line of the contract per text. */
export function analyseFeedbackTexts(texts: string[], opts?: AnalyseOptions): FeedbackAnalysisLine[] {
  const categories = opts?.categories ?? HEATING_CATEGORIES;
  const names = new Map(categories.map((c) => [c.key, c.name] as const));
  return texts.map((text) => {
    const a = analyseText(text, { ...opts, categories });
    return {
      sentiment: a.sentiment,
      score: Math.round(a.score * 100) / 100,
      category: a.category === null ? null : (names.get(a.category) ?? a.category),
      keywords: a.keywords,
    };
  });
}

/** The whole contract: file content in, the array the command prints (as JSON, on its last line) out. */
export function analyseFeedbackFile(content: string, opts?: AnalyseOptions): FeedbackAnalysisLine[] {
  return analyseFeedbackTexts(readFeedbackTexts(content), opts);
}
