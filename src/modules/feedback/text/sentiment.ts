/**
 * Sentiment of one text with the shipped model (model/sentiment.bin.gz, made by scripts/train-sentiment.ts): a linear
 * model over the features of features.ts, loaded once on first use (or eagerly by `loadSentimentModel`).
 *
 * - margin = bias + Σ weight(feature) · v, v = 1/√(number of the text's features of the same group: character n-grams
 *   or word-level features); polarity = P(pos) = σ(a·margin + b) (Platt calibration fitted on out-of-fold margins).
 * - The model is binary (ChnSentiCorp has two labels), so neutral is decided beside it: a small neutral detector
 *   (logistic regression on the word-level features and the size of the sentiment margin, trained on the heating
 *   set's rows: a plain question such as 请问什么时候开始供暖？ or a statement of fact carries no evaluative word and
 *   a small margin) and a band of polarity around ½. Both, and the detector's threshold, are chosen by
 *   cross-validation on the heating training rows and kept in the model's header.
 * - Drivers: each feature's share of the margin is credited to the words its span covers (a character n-gram inside a
 *   word, a bigram to both its words, a negated word together with its negator: 不 + 热 → 不热); the words pushing the
 *   way of the label, strongest first.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../../../platform/version.js';
import { extractFeatures, hashFeature, type Domain, type Extracted } from './features.js';
import { decodeModel, lookup, type LoadedModel, type ModelHeader } from './model.js';
import { segmenter, STOP_WORDS } from './segment.js';
import type { Driver, Sentiment, SentimentResult } from './types.js';

// Resolved from the project root (as drizzle/ and web/dist are), so the test servers' bundle finds it too.
export const MODEL_FILE = path.join(ROOT_DIR, 'src', 'modules', 'feedback', 'text', 'model', 'sentiment.bin.gz');

let model: LoadedModel | null = null;

/** Loads the shipped model and the segmenter now (startup, timing); later calls do nothing. */
export function loadSentimentModel(): void {
  if (model) return;
  segmenter();
  model = decodeModel(readFileSync(MODEL_FILE));
}

/** The loaded model (for the training script's checks and the benchmark). */
export function sentimentModel(): LoadedModel {
  loadSentimentModel();
  return model!;
}

/** Replaces the model in use (tests, a freshly trained model); `null` returns to the shipped file. */
export function useSentimentModel(m: LoadedModel | null): void {
  model = m;
}

export interface Scored {
  margin: number;
  polarity: number;
  /** P(neutral) from the neutral detector. */
  neutrality: number;
  contributions: Float64Array;
  extracted: Extracted;
}

/**
 * A company's own model (company.ts, fitted from its agents' corrections): per feature hash, a residual weight in
 * log-odds added to the shipped model's calibrated log-odds (polarity) and to the neutral detector's, each scaled by
 * its blend weight. Features the corrections never showed weigh nothing, so other texts score as before.
 */
export interface CompanySentiment {
  weight: number;
  neutralWeight: number;
  polarity: Map<number, number>;
  neutral: Map<number, number>;
}

/**
 * The margin, polarity and each feature's contribution for one text under `m` (domain: features.ts `Domain`); with a
 * company model, its blended residual is added: polarity = σ(a·margin + b + λ·Δ(x)) — the weighted average, with weight
 * λ, of the shipped model's log-odds and the company model's (the shipped ones plus Δ) — and each feature's share of
 * λ·Δ is credited to its contribution (in margin units), so the drivers name the words the corrections taught.
 */
export function scoreText(text: string, m: LoadedModel, domain: Domain | 'auto' = 'auto', company?: CompanySentiment | null): Scored {
  const extracted = extractFeatures(text, m.header.features, domain);
  const f = extracted.features;
  let chars = 0;
  for (const x of f) if (x.charCodeAt(0) === 99 /* c */) chars++;
  const group = m.header.normalise === 'group';
  const vChar = group ? 1 / Math.sqrt(chars || 1) : 1;
  const vWord = group ? 1 / Math.sqrt(f.length - chars || 1) : 1;
  const contributions = new Float64Array(f.length);
  const d = m.header.detector;
  let margin = m.header.bias;
  let neutral = d.bias;
  const { a, b } = m.header.calibration;
  let shift = 0;
  let neutralShift = 0;
  for (let i = 0; i < f.length; i++) {
    const x = f[i]!;
    const h = hashFeature(x);
    const isChar = x.charCodeAt(0) === 99;
    const v = isChar ? vChar : vWord;
    let c = lookup(m.table, h) * v;
    margin += c;
    if (!isChar) neutral += lookup(m.detector, h) * vWord;
    if (company) {
      const p = company.polarity.get(h);
      if (p !== undefined) {
        const s = (company.weight * p * v) / a;
        c += s;
        shift += s;
      }
      const n = isChar ? undefined : company.neutral.get(h);
      if (n !== undefined) neutralShift += company.neutralWeight * n * vWord;
    }
    contributions[i] = c;
  }
  // The detector reads the shipped margin's size (as it was fitted); the company's neutral residual is added after.
  neutral += d.marginWeight * Math.abs(margin) + neutralShift;
  margin += shift;
  return { margin, polarity: sigmoid(a * margin + b), neutrality: sigmoid(neutral), contributions, extracted };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * The label of a scored text and its confidence: neutral when the detector says so (P(neutral) above its threshold:
 * confidence P(neutral)) or the polarity lies in the neutral band (confidence 1 at ½, ½ at the band's edges);
 * otherwise positive (confidence = polarity) or negative (1 − polarity).
 */
export function labelOf(s: { polarity: number; neutrality: number }, header: ModelHeader): { sentiment: Sentiment; score: number } {
  const { polarity, neutrality } = s;
  const band = header.neutral;
  if (neutrality > header.detector.threshold) return { sentiment: 'neu', score: neutrality };
  if (polarity > band.high) return { sentiment: 'pos', score: polarity };
  if (polarity < band.low) return { sentiment: 'neg', score: 1 - polarity };
  const half = Math.max(band.high - 0.5, 0.5 - band.low, 1e-9);
  return { sentiment: 'neu', score: Math.max(0.5, 1 - (0.5 * Math.abs(polarity - 0.5)) / half) };
}

/** Stop words for topics, but words of praise or complaint: they can drive a sentiment. */
const EVALUATIVE = new Set(['谢谢', '感谢', '麻烦', '好']);
const NUMBER = /^\d+(\.\d+)?$/u;
const UNIT = /^(度|℃|°|°c)$/u;

/** Words and their credited weight (see the file comment). */
export function driversOf(s: Scored, direction: 1 | -1 | 0, max = 5): Driver[] {
  const { tokens, spans, text } = s.extracted;
  // display units: content words (stop, degree and filler words, negators and punctuation pass their share to no
  // one); a number joined with its unit (14度); a negated word with its negator, which it also takes the span of (不热)
  const units: { start: number; end: number; word: string }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.boundary || t.negator) continue;
    let end = t.start + t.text.length;
    const next = tokens[i + 1];
    if (NUMBER.test(t.text) && next && UNIT.test(next.text)) {
      end = next.start + next.text.length;
      i++;
    } else if ((STOP_WORDS.has(t.text) && !EVALUATIVE.has(t.text)) || NUMBER.test(t.text)) continue;
    const start = t.negated ? t.scopeStart : t.start;
    units.push({ start, end, word: text.slice(start, end) });
  }
  if (!units.length) return [];
  const credit = new Float64Array(units.length);
  const whole = text.length;
  for (let f = 0; f < s.contributions.length; f++) {
    const c = s.contributions[f]!;
    if (c === 0) continue;
    const start = spans[2 * f]!;
    const end = spans[2 * f + 1]!;
    if (end - start >= whole && whole > 4) continue; // whole-text features (a question) name no word
    const length = Math.max(1, end - start);
    for (let u = 0; u < units.length; u++) {
      const unit = units[u]!;
      const overlap = Math.min(end, unit.end) - Math.max(start, unit.start);
      if (overlap > 0) credit[u] = credit[u]! + (c * overlap) / length;
    }
  }
  const byWord = new Map<string, number>();
  units.forEach((u, i) => byWord.set(u.word, (byWord.get(u.word) ?? 0) + credit[i]!));
  return [...byWord.entries()]
    .filter(([word, w]) => (direction === 0 ? w !== 0 : w * direction > 0) && word.trim())
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, max)
    .map(([word, weight]) => ({ word, weight: Math.round(weight * 1000) / 1000 }));
}

/**
 * Sentiment of a text with the shipped model, blended with the company's own when given (see scoreText). Feedback is read as written to a heating company
 * (`domain` 'heating'); 'auto' guesses the domain from keywords (features.ts `guessDomain`).
 */
export function analyseSentiment(text: string, opts?: { domain?: Domain | 'auto'; company?: CompanySentiment | null }): SentimentResult {
  const m = sentimentModel();
  const s = scoreText(text ?? '', m, opts?.domain ?? 'heating', opts?.company);
  const { sentiment, score } = labelOf(s, m.header);
  const direction = sentiment === 'pos' ? 1 : sentiment === 'neg' ? -1 : 0;
  return { sentiment, score: round(score), polarity: round(s.polarity), drivers: driversOf(s, direction) };
}

const round = (x: number) => Math.round(x * 10000) / 10000;
