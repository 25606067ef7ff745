/**
 * Negation scope and degree words over a raw jieba cut.
 *
 * - A negator (不, 没, 没有, 并不, 一点也不, 没怎么, 谈不上 …) opens a scope over the next `NEGATION_SCOPE` word tokens of
 *   its clause; the scope closes early at punctuation, at a contrast word (但是, 不过, 却 …) or at a second negator,
 *   which toggles instead (不是不热: not negated). Degree and filler words inside the scope (太, 很, 怎么, 那么, 是, 也)
 *   do not use it up: 没怎么热 and 不是很热 both negate 热.
 * - A token jieba kept whole with a negator or degree word in front of a lexicon word (不热, 不暖和, 太冷) is split
 *   first, so 热 is negated and 冷 intensified.
 * - A degree word (太, 很, 贼, 特别, 有点 …) marks the next word as intensified (`degree` 2) or softened (0.5); 太…了
 *   is intensified.
 */
import { LEXICON } from './heating.js';
import { isBoundary } from './normalise.js';

const LEXICAL = new Set(Object.values(LEXICON).flat());

export const NEGATORS: ReadonlySet<string> = new Set([
  '不', '没', '没有', '无', '未', '别', '非', '不是', '并不', '并非', '并没有', '并没', '毫不', '从不', '从未', '从来不',
  '从来没', '绝不', '决不', '不太', '不怎么', '没怎么', '不大', '不够', '不算', '谈不上', '算不上', '一点也不', '一点都不',
  '一点儿也不', '一点儿都不', '根本不', '根本没', '根本没有', '完全不', '丝毫不', '丝毫没有', '不再', '毫无', '不会', '无法',
  '没法', '不能', '不用', '甭', '木有', '没啥', '不咋', '不咋地', '未必', '不怎', '一直不', '还不', '也不', '都不', '就是不', '还没',
]);

/** Words that soften or strengthen what follows without changing its sign, and are skipped inside a negation scope. */
export const DEGREE_WORDS: ReadonlyMap<string, number> = new Map([
  ['太', 2], ['很', 1.5], ['非常', 2], ['特别', 2], ['极', 2], ['极其', 2], ['十分', 2], ['相当', 1.5], ['超', 2],
  ['超级', 2], ['贼', 2], ['巨', 2], ['老', 1.5], ['挺', 1.3], ['蛮', 1.3], ['真', 1.5], ['真是', 1.5], ['真是太', 2],
  ['实在', 2], ['实在是', 2], ['好', 1.5], ['太过', 2], ['过于', 2], ['更', 1.5], ['最', 2], ['越来越', 1.5], ['够', 1.5],
  ['有点', 0.5], ['有点儿', 0.5], ['有些', 0.5], ['稍微', 0.5], ['稍', 0.5], ['略', 0.5], ['比较', 0.7], ['还算', 0.7],
  ['怎么', 1], ['那么', 1], ['这么', 1], ['多么', 1.5], ['如此', 1.5],
]);

const FILLERS: ReadonlySet<string> = new Set(['是', '也', '都', '还', '就', '再', '得', '太', '会', '能', '感觉', '觉得', '算']);
export const CONTRAST: ReadonlySet<string> = new Set(['但', '但是', '可是', '不过', '却', '然而', '可惜', '只可惜']);

/** Word tokens a negation scope reaches (degree and filler words not counted). */
export const NEGATION_SCOPE = 2;

export interface MarkedToken {
  text: string;
  /** Offset in the normalised text. */
  start: number;
  boundary: boolean;
  negator: boolean;
  /** Inside a negation scope. */
  negated: boolean;
  /** Offset where the negator of this token's scope starts (for display: 不 + 热 → 不热), else `start`. */
  scopeStart: number;
  /** Multiplier from a preceding degree word: 2 intensified, 0.5 softened, 1 none. */
  degree: number;
  /** After a contrast word in its sentence (但是 … : what follows usually carries the verdict). */
  afterContrast: boolean;
}

const NEG_PREFIX = /^(没有|不太|不怎么|没怎么|不够|一点也不|一点都不|不|没)(.+)$/u;
const DEGREE_PREFIX = /^(真是太|非常|特别|超级|实在|太|很|好|超|贼|巨|老|挺|蛮|真|有点|有些|比较|更|最)(.+)$/u;

/**
 * Splits a token jieba kept whole with a negator or a degree word in front of a lexicon word (不热 → 不 热, 太冷 → 太 冷,
 * 不暖和 → 不 暖和), so the scope and degree rules see both; a token that is itself a lexicon word (贼冷) stays whole.
 */
export function splitModified(tokens: string[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    if (!LEXICAL.has(t) && !NEGATORS.has(t) && !DEGREE_WORDS.has(t)) {
      const m = NEG_PREFIX.exec(t) ?? DEGREE_PREFIX.exec(t);
      if (m && LEXICAL.has(m[2]!)) {
        out.push(m[1]!, m[2]!);
        continue;
      }
    }
    out.push(t);
  }
  return out;
}

const SENTENCE_END = /[.!?;。！？；\n]/u;

/** Marks negation scopes, degree and contrast over a raw cut (tokens in order, joined they are the text). */
export function markTokens(raw: string[], scope = NEGATION_SCOPE): MarkedToken[] {
  const tokens = splitModified(raw);
  const out: MarkedToken[] = [];
  let offset = 0;
  let left = 0; // word tokens the open scope still reaches
  let negStart = 0;
  let degree = 1;
  let contrast = false;
  for (const text of tokens) {
    const start = offset;
    offset += text.length;
    const boundary = isBoundary(text);
    if (boundary) {
      left = 0;
      degree = 1;
      if (SENTENCE_END.test(text)) contrast = false;
      out.push({ text, start, boundary, negator: false, negated: false, scopeStart: start, degree: 1, afterContrast: contrast });
      continue;
    }
    if (CONTRAST.has(text)) {
      left = 0;
      contrast = true;
      out.push({ text, start, boundary, negator: false, negated: false, scopeStart: start, degree: 1, afterContrast: contrast });
      continue;
    }
    if (NEGATORS.has(text)) {
      // a second negator inside a scope cancels it (不是不热); otherwise it opens one
      if (left > 0) left = 0;
      else {
        left = scope;
        negStart = start;
      }
      out.push({ text, start, boundary, negator: true, negated: false, scopeStart: start, degree: 1, afterContrast: contrast });
      continue;
    }
    const deg = DEGREE_WORDS.get(text);
    const negated = left > 0;
    out.push({ text, start, boundary, negator: false, negated, scopeStart: negated ? negStart : start, degree, afterContrast: contrast });
    if (deg !== undefined) {
      degree = deg;
      continue;
    }
    degree = 1;
    if (left > 0 && !FILLERS.has(text)) left--;
  }
  return out;
}
