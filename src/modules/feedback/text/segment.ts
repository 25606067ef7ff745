/**
 * Chinese word segmentation: @node-rs/jieba with its bundled dictionary plus the heating domain dictionary, loaded
 * once (about 0.4 s) the way the knowledge base loads it. An administrator's extra words are not loaded into the
 * shared instance (that would change every other company's cut): they are matched first, longest first, and jieba cuts
 * only the text between them.
 */
import { createRequire } from 'node:module';
import { HEATING_DICTIONARY } from './heating.js';
import { isWordLike, normalise } from './normalise.js';

type JiebaInstance = {
  cut(text: string, hmm?: boolean): string[];
  loadDict(dict: Uint8Array): void;
};

const require = createRequire(import.meta.url);
let jieba: JiebaInstance | null = null;

/** The shared jieba instance (bundled dictionary + heating dictionary), created on first use. */
export function segmenter(): JiebaInstance {
  if (!jieba) {
    const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(dict: Uint8Array): JiebaInstance } };
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
    const instance = Jieba.withDict(dict);
    // A high frequency makes jieba prefer the whole word over its parts.
    instance.loadDict(Buffer.from(HEATING_DICTIONARY.map((w) => `${w} 20000 n`).join('\n') + '\n', 'utf8'));
    jieba = instance;
  }
  return jieba;
}

/** Extra words as a lookup by first character, longest first. */
type ForcedWords = Map<string, string[]>;
const forcedCache = new Map<string, ForcedWords | null>();
const forcedByArray = new WeakMap<string[], ForcedWords | null>();

function forcedWords(words: string[]): ForcedWords | null {
  const byArray = forcedByArray.get(words);
  if (byArray !== undefined) return byArray;
  const found = forcedWordsOf(words);
  forcedByArray.set(words, found);
  return found;
}

function forcedWordsOf(words: string[]): ForcedWords | null {
  const clean = [...new Set(words.map((w) => normalise(w)).filter((w) => [...w].length > 1))];
  if (!clean.length) return null;
  const key = clean.sort().join('\u0001');
  let found = forcedCache.get(key);
  if (!found) {
    found = new Map();
    for (const w of clean) {
      const list = found.get(w[0]!) ?? [];
      list.push(w);
      found.set(w[0]!, list);
    }
    for (const list of found.values()) list.sort((a, b) => b.length - a.length);
    if (forcedCache.size > 64) forcedCache.clear();
    forcedCache.set(key, found);
  }
  return found;
}

/**
 * The raw cut of already normalised text: every token, punctuation and spaces included (the sentiment features need
 * the clause boundaries). `extraWords` are kept whole.
 */
export function cutNormalised(text: string, extraWords?: string[]): string[] {
  if (!text) return [];
  const j = segmenter();
  const forced = extraWords?.length ? forcedWords(extraWords) : null;
  if (!forced) return j.cut(text, true);
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; ) {
    const hit = forced.get(text[i]!)?.find((w) => text.startsWith(w, i));
    if (!hit) {
      i++;
      continue;
    }
    if (i > start) out.push(...j.cut(text.slice(start, i), true));
    out.push(hit);
    i += hit.length;
    start = i;
  }
  if (start < text.length) out.push(...j.cut(text.slice(start), true));
  return out;
}

/**
 * Words that say nothing about the topic: particles, pronouns, politeness, filler — and, for topic words, negators
 * and degree words too (the sentiment step reads those itself, from the raw cut).
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    '的 了 是 在 我 你 他 她 它 我们 你们 他们 咱们 咱 我家 家里 家 这 那 这个 那个 这些 那些 这里 那里 这儿 那儿 就 都 也 还 又 和 与 及 或 而 ' +
    '但 但是 可是 不过 却 吗 呢 吧 啊 呀 哦 嗯 哈 啦 么 嘛 哎 唉 喂 怎么 怎么办 怎样 如何 什么 为什么 为何 哪 哪里 哪儿 多少 几 能 能不能 可以 ' +
    '会 要 想 请 请问 麻烦 您 您好 你好 谢谢 感谢 一下 一直 已经 现在 今天 昨天 前天 这几天 几天 好几天 天 有 没有 没 不 别 太 很 非常 特别 ' +
    '比较 有点 有些 一些 一点 一点也不 一点都不 一点儿也不 挺 蛮 真 真是 真是太 实在 十分 相当 把 被 给 让 从 到 对 向 于 以 为 着 过 之 ' +
    '其 所 等 等等 个 们 上 下 里 中 啥 咋 得 地 来 去 看看 看 说 问 一 二 两 再 才 只 只有 又 就是 还是 而且 然后 因为 所以 如果 ' +
    '虽然 一个 这样 那样 这么 那么 自己 人 时候 事 东西 已 并 该 应该 能否 是否 一次 每次 次 呗 哟 嗷 额 呃 喽 哇 ' +
    'a an the is are was were be to of and or in on at for with my our your it this that please how what why can'
  ).split(/\s+/),
);

/**
 * The content words of a text: normalised, segmented (heating dictionary + `extraWords`), stop words, punctuation
 * and lone digits removed; in text order, repeats kept.
 */
export function tokenize(text: string, opts?: { extraWords?: string[] }): string[] {
  const out: string[] = [];
  for (const t of cutNormalised(normalise(text ?? ''), opts?.extraWords)) {
    const w = t.trim();
    if (!w || !isWordLike(w) || STOP_WORDS.has(w) || /^\d+$/.test(w)) continue;
    out.push(w);
  }
  return out;
}
