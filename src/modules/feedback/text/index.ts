/**
 * Chinese text analysis for feedback (issue #19, docs/FEEDBACK-TEXT.md): a pure library — no database, no tables.
 * Segmentation with jieba and the heating dictionary, stop words, keywords (TF-IDF against the company's corpus,
 * TextRank for long texts), negation and degree words, sentiment from the shipped model (neg / neu / pos with its
 * drivers), category suggestion from seed words and labelled examples, and the core of the CLI contract
 * (`hearth feedback analyse`).
 */
export type { CategoryDef, CategorySuggestion, Driver, Sentiment, SentimentResult, TextAnalysis } from './types.js';
export type { Domain } from './features.js';
export { analyseText, type AnalyseOptions } from './analyse.js';
export { analyseFeedbackFile, analyseFeedbackTexts, readFeedbackTexts, type FeedbackAnalysisLine } from './batch.js';
export { HEATING_CATEGORIES, HEATING_DICTIONARY } from './heating.js';
export { tokenize, STOP_WORDS } from './segment.js';
export { keywords, textRank } from './keywords.js';
export { suggestCategory, categoryScores, trainCategoryModel, categoryExampleCounts, CATEGORY_METHOD, type CategoryModel } from './category.js';
export { analyseSentiment, loadSentimentModel, sentimentModel, type CompanySentiment } from './sentiment.js';
export {
  COMPANY_METHOD,
  companySentiment,
  sentimentCounts,
  sentimentShortfall,
  trainCompanySentiment,
  trainingFingerprint,
  type SentimentCorrection,
  type StoredCompanySentiment,
} from './company.js';
export { normalise } from './normalise.js';
export { markTokens, NEGATORS, DEGREE_WORDS } from './negation.js';
