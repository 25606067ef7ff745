/** The text library's types (re-exported by index.ts). */
export type Sentiment = 'neg' | 'neu' | 'pos';

/** A word behind a sentiment: `weight` > 0 pushed towards positive, < 0 towards negative (log-odds). */
export interface Driver {
  word: string;
  weight: number;
}

export interface SentimentResult {
  sentiment: Sentiment;
  /** Confidence of the label, 0..1. */
  score: number;
  /** P(pos), 0..1. */
  polarity: number;
  /** The words that drove it (in the label's direction), strongest first, at most 5. */
  drivers: Driver[];
}

export interface CategoryDef {
  key: string;
  name: string;
  seedWords: string[];
}

export interface CategorySuggestion {
  key: string;
  confidence: number;
}

export interface TextAnalysis {
  sentiment: Sentiment;
  score: number;
  polarity: number;
  drivers: Driver[];
  /** The suggested category's key, or null when none is likely. */
  category: string | null;
  categoryConfidence: number;
  keywords: string[];
  tokens: string[];
}
