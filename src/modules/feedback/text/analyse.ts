/** analyseText: sentiment, category suggestion, keywords and tokens of one text in one call. */
import { suggestCategory, type CategoryModel } from './category.js';
import type { Domain } from './features.js';
import { HEATING_CATEGORIES } from './heating.js';
import { keywordsOfTokens } from './keywords.js';
import { analyseSentiment, type CompanySentiment } from './sentiment.js';
import { tokenize } from './segment.js';
import type { CategoryDef, TextAnalysis } from './types.js';

export interface AnalyseOptions {
  /** The company's categories (default: the heating template's). */
  categories?: CategoryDef[];
  /** Labelled examples for the category suggestion (the company's corrected items). */
  examples?: { text: string; category: string }[];
  /** Words an administrator added to the dictionary (kept whole in tokens and keywords). */
  extraWords?: string[];
  /** The company's corpus for keyword IDF: document frequency per word, and the number of documents. */
  docFreq?: Map<string, number>;
  docCount?: number;
  /** Number of keywords (5). */
  top?: number;
  /** The text's domain for the sentiment model (default 'heating': feedback to a heating company). */
  domain?: Domain | 'auto';
  /** The company's own models (`hearth feedback retrain`), blended with the shipped model and the seed words. */
  company?: { sentiment?: CompanySentiment | null; category?: CategoryModel | null };
}

/** Sentiment, category suggestion, keywords and tokens of one text. */
export function analyseText(text: string, opts?: AnalyseOptions): TextAnalysis {
  const input = text ?? '';
  const sentiment = analyseSentiment(input, { domain: opts?.domain ?? 'heating', company: opts?.company?.sentiment });
  const tokens = tokenize(input, { extraWords: opts?.extraWords });
  const category = suggestCategory(input, opts?.categories ?? HEATING_CATEGORIES, opts?.examples, opts?.company?.category);
  return {
    sentiment: sentiment.sentiment,
    score: sentiment.score,
    polarity: sentiment.polarity,
    drivers: sentiment.drivers,
    category: category?.key ?? null,
    categoryConfidence: category?.confidence ?? 0,
    keywords: keywordsOfTokens(tokens, { top: opts?.top, docFreq: opts?.docFreq, docCount: opts?.docCount }),
    tokens,
  };
}
