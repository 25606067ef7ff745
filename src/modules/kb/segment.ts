/**
 * Chinese word segmentation for the knowledge base: @node-rs/jieba (prebuilt native, with its bundled dictionary),
 * loaded once. Documents are indexed with both the precise cut and the search cut (暖气片 → 暖气, 暖气片), so a query
 * segmented either way meets the same tokens; queries drop stop words and gain synonyms of common heating terms.
 */
import { createRequire } from 'node:module';

type JiebaInstance = { cut(text: string, hmm?: boolean): string[]; cutForSearch(text: string, hmm?: boolean): string[] };

const require = createRequire(import.meta.url);
let jieba: JiebaInstance | null = null;

function instance(): JiebaInstance {
  if (!jieba) {
    const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(dict: Uint8Array): JiebaInstance } };
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
    jieba = Jieba.withDict(dict);
  }
  return jieba;
}

/** Words that say nothing about the topic: particles, pronouns, politeness and filler of a complaint. */
const STOP_WORDS = new Set(
  (
    '的 了 是 在 我 你 他 她 它 我们 你们 他们 咱们 我家 家里 这 那 这个 那个 这些 那些 这里 那里 就 都 也 还 又 和 与 及 或 而 但 但是 ' +
    '吗 呢 吧 啊 呀 哦 嗯 哈 啦 么 么样 怎么 怎么办 怎样 如何 什么 为什么 为何 哪 哪里 哪儿 多少 几 能 能不能 可以 可不可以 会 要 想 请 请问 ' +
    '麻烦 您好 你好 谢谢 感谢 一下 一直 已经 现在 今天 昨天 这几天 几天 好几天 天 有 没有 没 不 太 很 非常 特别 比较 有点 有些 一些 一点 ' +
    '把 被 给 让 从 到 对 向 于 以 为 着 过 之 其 所 等 等等 个 们 上 下 里 中 啥 咋 得 地 来 去 看看 看 说 问 一 二 两 好 再 才 只 只有 ' +
    'a an the is are was were be to of and or in on at for with my our your it this that please how what why can'
  ).split(/\s+/),
);

/**
 * Synonym groups: a query word of a group also looks for the others (暖气≈供暖≈采暖). Kept short and specific, so
 * a synonym never drowns the words the customer actually used.
 */
const SYNONYM_GROUPS: string[][] = [
  ['暖气', '供暖', '采暖', '供热', '暖气片', '散热器'],
  ['不热', '不太热', '不怎么热', '不暖', '温度低', '室温低', '冰凉', '冰冷', '冷'],
  ['室温', '温度', '屋里温度', '室内温度'],
  ['漏水', '跑水', '渗水', '滴水', '爆管'],
  ['缴费', '交费', '付费', '采暖费', '暖气费', '供暖费'],
  ['报停', '停供', '停暖'],
  ['发票', '开票', '票据'],
  ['投诉', '举报', '反映'],
  ['维修', '报修', '修理'],
];
const SYNONYMS = new Map<string, string[]>();
for (const group of SYNONYM_GROUPS) for (const w of group) SYNONYMS.set(w, group.filter((x) => x !== w));

/** A token that can go into a tsquery as it is: letters and digits only (no operators, quotes or punctuation). */
const WORD = /^[\p{L}\p{N}]+$/u;

function clean(tokens: string[]): string[] {
  return tokens.map((t) => t.trim().toLowerCase()).filter((t) => t && WORD.test(t));
}

/** The text of a document as space-joined tokens (precise and search cut, duplicates kept: they weigh the rank). */
export function documentTokens(text: string): string {
  if (!text) return '';
  const j = instance();
  const precise = clean(j.cut(text, true));
  const extra = clean(j.cutForSearch(text, true)).filter((t) => !precise.includes(t));
  return [...precise, ...extra].join(' ');
}

/**
 * The words of a query (or a ticket's text): segmented, stop words and lone punctuation dropped, distinct, most
 * frequent first, at most `max`. Single characters are kept only when nothing longer is left (一个字的搜索).
 */
export function queryTokens(text: string, max = 32): string[] {
  if (!text.trim()) return [];
  const j = instance();
  const counts = new Map<string, number>();
  for (const t of clean([...j.cut(text, true), ...j.cutForSearch(text, true)])) {
    if (STOP_WORDS.has(t)) continue;
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  let words = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
  const long = words.filter((w) => [...w].length > 1 || /^[a-z0-9]+$/.test(w));
  if (long.length) words = long;
  return words.slice(0, max);
}

/** A query word and how much a match on it counts. */
export type Term = { word: string; weight: number };

/**
 * The terms of a query: its own words (weight 1), and the synonyms of those words that it does not already contain
 * (weight ⅓, so 暖气 finds 供暖 articles without putting them above the ones that say 暖气).
 */
export function queryTerms(words: string[]): Term[] {
  const own = new Set(words.filter((w) => WORD.test(w)));
  const extra = new Set<string>();
  for (const w of own) for (const s of SYNONYMS.get(w) ?? []) if (!own.has(s)) extra.add(s);
  return [...[...own].map((word) => ({ word, weight: 1 })), ...[...extra].map((word) => ({ word, weight: 1 / 3 }))];
}

/** tsquery text of one word (letters and digits only, see WORD). */
export const tsWord = (word: string) => `'${word}'`;
