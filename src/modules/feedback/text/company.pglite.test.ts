/**
 * The company models as pure functions (no database; the API and the CLI are tested in retrain.test.ts and
 * cli/feedback-retrain.cli.test.ts): the blend weight grows with the corrections and stays under its cap; the fit
 * turns a phrase the corrections name and leaves a text sharing nothing special with them alone; the fingerprint ignores
 * row order and sees a changed label; the category model needs its minimum and then suggests from examples alone.
 */
import { describe, expect, it } from 'vitest';
import { FEEDBACK_MODEL_RULES } from '../feedback.contract.js';
import { trainCategoryModel } from './category.js';
import { blendWeight, companySentiment, trainCompanySentiment, trainingFingerprint } from './company.js';
import { HEATING_CATEGORIES } from './heating.js';
import { analyseText } from './analyse.js';
import { sentimentModel } from './sentiment.js';

describe('company models', () => {
  it('the blend weight grows with the corrections, capped', () => {
    const w = [10, 20, 100, 1000, 1e6].map(blendWeight);
    for (let i = 1; i < w.length; i++) expect(w[i]!).toBeGreaterThan(w[i - 1]!);
    expect(w[1]).toBeCloseTo(0.4, 6);
    expect(w.at(-1)!).toBeLessThan(FEEDBACK_MODEL_RULES.weightCap);
  });

  it('the fingerprint ignores order and sees a changed label', () => {
    const rows = [
      { id: 'b', label: 'pos', text: '暖气片烫手' },
      { id: 'a', label: 'neg', text: '暖气不热' },
    ];
    expect(trainingFingerprint('m', rows)).toBe(trainingFingerprint('m', [...rows].reverse()));
    expect(trainingFingerprint('m', rows)).not.toBe(trainingFingerprint('m', [rows[0]!, { ...rows[1]!, label: 'neu' }]));
    expect(trainingFingerprint('m', rows)).not.toBe(trainingFingerprint('m2', rows));
  });

  it('turns the phrase the corrections name; a text without it keeps its reading', async () => {
    const pos = ['暖气片烫手', '今天家里暖气片烫手', '这两天暖气片都烫手', '卧室的暖气片烫手', '早上摸了一下暖气片烫手', '客厅暖气片烫手了', '我家暖气片烫手', '楼上楼下暖气片都烫手', '现在暖气片烫手', '暖气片一直烫手'];
    const neg = ['暖气片冰凉的', '暖气片一点都不热', '暖气片上面热下面凉', '暖气不热，家里只有十四度', '报修三天了没人来', '客服电话一直打不通', '暖气漏水把地板泡了', '缴费以后还显示欠费', '师傅态度太差了', '暖气管子响得睡不着', '屋里冷得穿棉袄', '维修拖了一个星期', '热线没人接，太气人了'];
    const stored = await trainCompanySentiment([...pos.map((text) => ({ text, label: 'pos' as const })), ...neg.map((text) => ({ text, label: 'neg' as const }))], sentimentModel());
    expect(stored.weight).toBeCloseTo(blendWeight(pos.length + neg.length), 3);
    expect(stored.neutralWeight).toBeCloseTo(blendWeight(pos.length + neg.length), 3);
    const company = { sentiment: companySentiment(stored) };
    expect(analyseText('我家暖气片现在烫手').sentiment).not.toBe('pos');
    expect(analyseText('我家暖气片现在烫手', { company }).sentiment).toBe('pos');
    for (const text of ['师傅态度很好，谢谢！', '请问什么时候开始供暖？']) expect(analyseText(text, { company }).sentiment).toBe(analyseText(text).sentiment);
  });

  it('the category model needs its minimum, then suggests from examples no seed word names', () => {
    const meter = ['热量表读数跳得厉害', '热量表的数字对不上', '楼道里的热量表坏了', '热量表显示的数不对', '热量表一直没读数'];
    expect(trainCategoryModel(meter.slice(0, 4).map((text) => ({ text, category: 'billing' })), HEATING_CATEGORIES)).toBeNull();
    const model = trainCategoryModel(meter.map((text) => ({ text, category: 'billing' })), HEATING_CATEGORIES)!;
    expect(model.centroids.map((c) => [c.key, c.examples])).toEqual([['billing', 5]]);
    expect(JSON.stringify(model)).not.toContain('热量表'); // hashes, not words
    expect(analyseText('热量表读数又跳了').category).not.toBe('billing');
    expect(analyseText('热量表读数又跳了', { company: { category: model } }).category).toBe('billing');
  });
});
