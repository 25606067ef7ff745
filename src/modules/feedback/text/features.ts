/**
 * The sentiment model's features, shared by the training script and the runtime (so both see the same thing):
 *
 * - `c…` character n-grams (1..`charN`) of the normalised text, digits folded to 0;
 * - `w…` jieba words, `w¬…` the same word inside a negation scope, `a…` a word after a contrast word (但是 …);
 * - `b…|…` word bigrams (punctuation included: 好|! differs from 好|吗), negation-marked;
 * - `lex:<class>` / `lex:¬<class>` / `lex:<class>+` the heating lexicon classes (cold, warm, good, bad), negated or
 *   intensified (太冷了);
 * - `t:<band>` a room temperature (家里才14度 → t:cold), `t:only` when 才 / 只有 / 不到 come before it, `irony` when a
 *   warm or good word meets a cold temperature (真是太暖和了，家里才14度);
 * - `q` / `q:ask` a question, an enquiry (请问 …), which is how a neutral message usually reads;
 * - each of the above once more, tagged with the text's domain (`guessDomain`, or given: feedback is `heating`).
 *
 * Each feature carries its span in the normalised text, so the drivers of a prediction can be named.
 */
import { LEXICON } from './heating.js';
import { markTokens, type MarkedToken } from './negation.js';
import { normalise } from './normalise.js';
import { cutNormalised } from './segment.js';

export interface FeatureOptions {
  /** Longest character n-gram. */
  charN: number;
  /** Word bigrams. */
  bigrams: boolean;
  /** Word tokens a negation scope reaches (0: no negation marking). */
  negScope: number;
  /** Extra features for words after a contrast word. */
  contrast: boolean;
  /** A domain-tagged copy of every feature (feature augmentation, Daumé 2007). */
  domains: boolean;
}

export const DEFAULT_FEATURES: FeatureOptions = { charN: 3, bigrams: true, negScope: 2, contrast: true, domains: true };

/**
 * The domain a text is written in. The model keeps, beside each feature's shared weight, one per domain (a copy of
 * the feature tagged with the domain), so 小 can be bad in a hotel room and good in a laptop, and heating messages
 * get weights of their own learnt from the heating set. Feedback to a heating company is `heating`; `auto` guesses
 * from keywords (how ChnSentiCorp's hotel, laptop and book reviews are told apart in training and evaluation).
 */
export type Domain = 'hotel' | 'laptop' | 'book' | 'heating' | 'other';
const DOMAIN_TAG: Record<Domain, string> = { hotel: 'h', laptop: 'l', book: 'b', heating: 'e', other: 'x' };
const DOMAIN_WORDS: [Domain, RegExp][] = [
  ['hotel', /酒店|房间|宾馆|前台|入住|早餐|服务员|客房|大堂|携程|住/gu],
  ['laptop', /电脑|本本|笔记本|屏幕|键盘|系统|驱动|散热|电池|京东|机器|硬盘|内存|显卡|vista|xp|声卡|摄像头/gu],
  ['book', /书|作者|读|故事|当当|小说|文字|出版|看完|写/gu],
  ['heating', /暖气|供暖|采暖|供热|热力|室温|地暖|取暖|报停|换热站|阀门|漏水|跑水|缴费|师傅|报修/gu],
];

/** The domain with the most keyword hits in the (normalised) text; `other` without any. */
export function guessDomain(text: string): Domain {
  let best: Domain = 'other';
  let most = 0;
  for (const [domain, re] of DOMAIN_WORDS) {
    const hits = text.match(re)?.length ?? 0;
    if (hits > most) {
      most = hits;
      best = domain;
    }
  }
  return best;
}

const LEXICAL = new Map<string, string>();
for (const [cls, words] of Object.entries(LEXICON)) for (const w of words) if (!LEXICAL.has(w)) LEXICAL.set(w, cls);

export interface Extracted {
  /** The normalised text the spans refer to. */
  text: string;
  tokens: MarkedToken[];
  /** Distinct features. */
  features: string[];
  /** Span of each feature (start, end) in `text`, parallel to `features`. */
  spans: Int32Array;
}

const DIGIT = /\d/gu;
const TEMPERATURE = /(零下|负|-)?(\d{1,2}(?:\.\d)?)\s*(?:度|℃|°c|°)/gu;
const OUTDOOR = /(外面|室外|户外|外边|外头|气温|最低|天气)[^，,。！!？?]{0,4}$/u;
const ONLY = /(才|只有|只|就|仅|不到|还不到|没到|刚|勉强)\s*$/u;
const ASK = /(请问|咨询|问一下|问下|什么时候|何时|几号|能否|是否|怎么办理|如何办理|在哪|哪里|多少钱|怎么交|怎么缴|想了解|想问)/u;

function band(t: number): string | null {
  if (t < 5 || t > 30) return null; // outdoor or water temperatures, not a room
  if (t < 16) return 'cold';
  if (t < 18) return 'cool';
  if (t < 20) return 'fair';
  if (t < 24) return 'ok';
  return 'warm';
}

/** Temperature bands and irony: features from the raw normalised text. */
function temperatureFeatures(text: string, add: (f: string, s: number, e: number) => void): string | null {
  let worst: string | null = null;
  for (const m of text.matchAll(TEMPERATURE)) {
    const before = text.slice(Math.max(0, m.index - 8), m.index);
    if (m[1] || OUTDOOR.test(before)) continue;
    const b = band(Number(m[2]));
    if (!b) continue;
    add(`t:${b}`, m.index, m.index + m[0].length);
    if (ONLY.test(before)) add('t:only', m.index - 2, m.index + m[0].length);
    if (b === 'cold' || (b === 'cool' && worst !== 'cold')) worst = b;
  }
  return worst;
}

/** The features of one text (see the file comment). */
export function extractFeatures(raw: string, opts: FeatureOptions = DEFAULT_FEATURES, domain: Domain | 'auto' = 'auto'): Extracted {
  const text = normalise(raw);
  const folded = text.replace(DIGIT, '0');
  const seen = new Map<string, number>();
  const features: string[] = [];
  const spans: number[] = [];
  const add = (f: string, s: number, e: number) => {
    if (seen.has(f)) return;
    seen.set(f, features.length);
    features.push(f);
    spans.push(Math.max(0, s), e);
  };
  // character n-grams (spaces are not characters of a word)
  const chars = [...folded];
  const offsets: number[] = [];
  let o = 0;
  for (const ch of chars) {
    offsets.push(o);
    o += ch.length;
  }
  offsets.push(o);
  for (let i = 0; i < chars.length; i++) {
    let g = '';
    for (let n = 1; n <= opts.charN && i + n <= chars.length; n++) {
      const ch = chars[i + n - 1]!;
      if (ch === ' ') break;
      g += ch;
      add(`c${g}`, offsets[i]!, offsets[i + n]!);
    }
  }
  const tokens = markTokens(cutNormalised(text), opts.negScope);
  const words = tokens.filter((t) => t.text.trim());
  let prev: MarkedToken | null = null;
  let prevKey = '^';
  let positive = false;
  for (const t of words) {
    const key = t.boundary ? t.text : t.text.replace(DIGIT, '0');
    const end = t.start + t.text.length;
    if (!t.boundary) {
      const neg = t.negated && opts.negScope > 0 ? '¬' : '';
      add(`w${neg}${key}`, t.scopeStart, end);
      if (opts.contrast && t.afterContrast) add(`a${neg}${key}`, t.scopeStart, end);
      const cls = LEXICAL.get(t.text);
      if (cls) {
        const lexNeg = neg;
        add(`lex:${lexNeg}${cls}`, t.scopeStart, end);
        if (t.degree > 1 && !lexNeg) add(`lex:${cls}+`, prev ? prev.start : t.start, end);
        if (!lexNeg && (cls === 'warm' || cls === 'good')) positive = true;
      }
    }
    if (opts.bigrams) {
      const neg = t.negated && opts.negScope > 0 ? '¬' : '';
      add(`b${prevKey}|${neg}${key}`, prev ? prev.start : t.start, end);
    }
    prev = t;
    prevKey = key;
  }
  if (opts.bigrams && prev) add(`b${prevKey}|$`, prev.start, prev.start + prev.text.length);
  const worst = temperatureFeatures(text, add);
  if (worst && positive) add('irony', 0, text.length);
  if (/[?？]|吗\s*$|吗[，。,.!！]/u.test(text)) add('q', 0, text.length);
  const ask = ASK.exec(text);
  if (ask) add('q:ask', ask.index, ask.index + ask[0].length);
  if (opts.domains) {
    const tag = DOMAIN_TAG[domain === 'auto' ? guessDomain(text) : domain];
    const n = features.length;
    for (let i = 0; i < n; i++) {
      const f = features[i]!;
      // character n-grams stay in their group (the `c` prefix), the rest in theirs
      features.push(f.charCodeAt(0) === 99 ? `cD${tag}${f}` : `D${tag}${f}`);
      spans.push(spans[2 * i]!, spans[2 * i + 1]!);
    }
  }
  return { text, tokens, features, spans: Int32Array.from(spans) };
}

/** FNV-1a over UTF-16 code units: the model stores features by this 32-bit hash. */
export function hashFeature(f: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < f.length; i++) {
    h ^= f.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
