/**
 * The text library's analysis steps: segmentation with the domain dictionary and an administrator's words, stop
 * words, negation scope, keywords (TF-IDF, TextRank), category suggestion, drivers, and analyseText as a whole.
 * Pure functions, no database: the file runs once, in the embedded-database suite.
 */
import { describe, expect, it } from 'vitest';
import {
  analyseText,
  HEATING_CATEGORIES,
  keywords,
  loadSentimentModel,
  markTokens,
  normalise,
  STOP_WORDS,
  suggestCategory,
  textRank,
  tokenize,
} from './index.js';
import { cutNormalised } from './segment.js';

const nameOf = (key: string | null | undefined) => HEATING_CATEGORIES.find((c) => c.key === key)?.name ?? null;

describe('segmentation', () => {
  it('keeps heating words and dialect whole, drops stop words and punctuation', () => {
    const tokens = tokenize('家里暖气片贼冷，冻得慌！跟冰窖似的。');
    expect(tokens).toEqual(expect.arrayContaining(['暖气片', '贼冷', '冻得慌', '冰窖似的']));
    for (const t of tokens) {
      expect(STOP_WORDS.has(t)).toBe(false);
      expect(t).toMatch(/^[\p{L}\p{N}]+$/u);
    }
  });

  it('keeps an administrator’s words whole without changing anyone else’s cut', () => {
    const text = '幸福里小区换热站又坏了';
    expect(tokenize(text, { extraWords: ['幸福里小区'] })).toContain('幸福里小区');
    expect(tokenize(text)).not.toContain('幸福里小区');
  });

  it('normalises full-width characters, case and repeats', () => {
    expect(normalise('ＡＢＣ１２３！！！！  好好好好')).toBe('abc123!! 好好');
  });
});

describe('negation and degree', () => {
  const marked = (text: string) => markTokens(cutNormalised(normalise(text))).filter((t) => !t.boundary);
  const negatedWords = (text: string) => marked(text).filter((t) => t.negated).map((t) => t.text);

  it('opens a scope after a negator, skipping degree and filler words', () => {
    expect(negatedWords('暖气不热')).toContain('热');
    expect(negatedWords('一点也不冷')).toContain('冷');
    expect(negatedWords('暖气没怎么热过')).toContain('热过');
    expect(negatedWords('不是很热')).toContain('热');
  });

  it('closes the scope at punctuation and at a contrast word; a second negator cancels', () => {
    expect(negatedWords('不冷，很热')).not.toContain('热');
    expect(negatedWords('不是不热')).not.toContain('热');
  });

  it('marks degree words: 太…了 intensifies', () => {
    const t = marked('太冷了').find((x) => x.text === '冷');
    expect(t?.degree).toBe(2);
  });
});

describe('keywords', () => {
  it('ranks by TF-IDF against the company corpus, without stop words', () => {
    const docFreq = new Map([
      ['暖气', 900],
      ['漏水', 40],
      ['地板', 300],
    ]);
    const k = keywords('暖气漏水了，地板都泡了，暖气怎么办', { top: 3, docFreq, docCount: 1000 });
    expect(k[0]).toBe('漏水');
    expect(k).not.toContain('怎么办');
    for (const w of k) expect(STOP_WORDS.has(w)).toBe(false);
  });

  it('uses jieba’s IDF when no corpus is given', () => {
    expect(keywords('家里暖气片漏水了，地板都泡了')).toEqual(expect.arrayContaining(['漏水', '暖气片']));
    // An agent's note names who spoke; that is not what it is about.
    const noted = keywords('客户反映暖气片漏水，地板都湿了');
    expect(noted).toEqual(expect.arrayContaining(['漏水', '暖气片']));
    expect(noted).not.toContain('客户');
    expect(noted).not.toContain('反映');
  });

  it('uses TextRank on long texts', () => {
    const long = '小区的暖气今年一直不热，暖气片上面热下面凉，师傅来排气也没有用。' +
      '我们楼的暖气管道老化，暖气循环不好，温度上不来，老人孩子都冻感冒了。' +
      '希望热力公司尽快检查管道，更换阀门，让暖气热起来，我们按时交了采暖费。';
    const k = keywords(long, { top: 5 });
    expect(k.length).toBe(5);
    expect(k).toContain('暖气');
    const rank = textRank(['暖气', '不热', '暖气', '管道', '暖气', '阀门']);
    expect([...rank.entries()].sort((a, b) => b[1] - a[1])[0]![0]).toBe('暖气');
  });
});

describe('category suggestion', () => {
  it('suggests the heating template’s categories from seed words, with a confidence', () => {
    const cases: [string, string][] = [
      ['家里暖气片漏水了，地板都泡了', '漏水'],
      ['屋里才十四度，冻得慌', '室温不达标'],
      ['采暖费多收了三百块，发票也没开', '缴费问题'],
      ['客服态度太差，说两句就挂电话', '服务态度'],
      ['报修一个星期了，师傅还没来', '维修效率'],
      ['暖气片里咚咚响，晚上睡不着', '噪音异响'],
    ];
    for (const [text, name] of cases) {
      const s = suggestCategory(text, HEATING_CATEGORIES);
      expect(nameOf(s?.key), text).toBe(name);
      expect(s!.confidence).toBeGreaterThan(0.5);
      expect(s!.confidence).toBeLessThanOrEqual(1);
    }
    expect(suggestCategory('你好', HEATING_CATEGORIES)).toBeNull();
  });

  it('learns from labelled examples beyond the seed words', () => {
    const categories = [
      { key: 'a', name: 'A', seedWords: ['漏水'] },
      { key: 'b', name: 'B', seedWords: ['发票'] },
    ];
    expect(suggestCategory('小区门口的路灯坏了', categories)).toBeNull();
    const examples = [
      { text: '小区路灯坏了好几天', category: 'b' },
      { text: '楼下路灯不亮', category: 'b' },
      { text: '水管漏水', category: 'a' },
    ];
    expect(suggestCategory('小区门口的路灯坏了', categories, examples)?.key).toBe('b');
  });
});

describe('analyseText', () => {
  it('gives sentiment with its drivers, a category, keywords and tokens', () => {
    const a = analyseText('家里暖气片漏水了，地板都泡了');
    expect(a.sentiment).toBe('neg');
    expect(nameOf(a.category)).toBe('漏水');
    expect(a.categoryConfidence).toBeGreaterThan(0.5);
    expect(a.keywords).toContain('漏水');
    expect(a.tokens).toEqual(expect.arrayContaining(['暖气片', '漏水', '地板']));
    expect(a.drivers.length).toBeGreaterThan(0);
    expect(a.drivers.length).toBeLessThanOrEqual(5);
    expect(a.drivers.map((d) => d.word)).toContain('漏水');
    for (const d of a.drivers) expect(d.weight).toBeLessThan(0);
    for (const w of a.keywords) expect(STOP_WORDS.has(w)).toBe(false);
  });

  it('names the words behind a verdict: the negated word, the dialect word, the cold room', () => {
    expect(analyseText('一点也不冷').drivers[0]?.word).toBe('一点也不冷');
    expect(analyseText('屋里贼冷').drivers[0]?.word).toBe('贼冷');
    expect(analyseText('真是太暖和了，家里才14度').drivers.map((d) => d.word)).toContain('14度');
    const praise = analyseText('暖气很热，谢谢师傅');
    expect(praise.sentiment).toBe('pos');
    expect(praise.drivers.map((d) => d.word)).toContain('谢谢');
    for (const d of praise.drivers) expect(d.weight).toBeGreaterThan(0);
  });

  it('takes the company’s categories and words', () => {
    const categories = [{ key: 'lamp', name: '路灯', seedWords: ['路灯'] }];
    const a = analyseText('幸福里小区路灯坏了', { categories, extraWords: ['幸福里小区'] });
    expect(a.category).toBe('lamp');
    expect(a.tokens).toContain('幸福里小区');
  });

  it('handles empty and odd input', () => {
    const a = analyseText('');
    expect(a.tokens).toEqual([]);
    expect(a.keywords).toEqual([]);
    expect(a.category).toBeNull();
    expect(['neg', 'neu', 'pos']).toContain(a.sentiment);
    expect(analyseText('!!!???').tokens).toEqual([]);
    expect(analyseText('<script>alert(1)</script>').sentiment).toBeDefined();
  });

  it('prints its speed on short texts (measured properly by bench/feedback-text.bench.ts)', () => {
    loadSentimentModel();
    const texts = ['暖气不热', '家里暖气片漏水了，地板都泡了', '请问什么时候开始供暖？', '师傅来得很及时，谢谢'];
    for (let i = 0; i < 200; i++) analyseText(texts[i % 4]! + i);
    const n = 2000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) analyseText(texts[i % 4]! + i);
    console.log(`analyseText: ${Math.round(n / ((performance.now() - t0) / 1000))} texts/s (short texts, under the test runner)`);
  });
});
