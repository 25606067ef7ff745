import { describe, expect, it } from 'vitest';
import { checkAnswers, DIMENSIONS, path, surveyDefinitionSchema } from './definition.js';
import { SURVEY_TEMPLATE_KEYS } from './surveys.contract.js';
import { DEFAULT_DIMENSION_WEIGHTS, SURVEY_TEMPLATES, surveyTemplate } from './templates.js';

describe('survey templates', () => {
  it('ships one template per key, each a valid definition that parses to itself', () => {
    expect(SURVEY_TEMPLATES.map((t) => t.key)).toEqual([...SURVEY_TEMPLATE_KEYS]);
    for (const t of SURVEY_TEMPLATES) {
      const parsed = surveyDefinitionSchema.safeParse(t.definition);
      expect(parsed.error?.issues ?? [], t.key).toEqual([]);
      expect(parsed.data).toEqual(t.definition);
      expect(t.definition.questions.some((q) => q.type === t.kind), t.key).toBe(true);
      expect([t.name.en, t.description.en].every(Boolean), t.key).toBe(true);
    }
  });

  it('gives SERVQUAL for heating the classic 22 items: 4 tangibles, 5 reliability, 4 responsiveness, 4 assurance, 5 empathy', () => {
    const q = surveyTemplate('heating_servqual').definition.questions.find((x) => x.type === 'servqual');
    if (q?.type !== 'servqual') throw new Error('no SERVQUAL question');
    expect(q.items).toHaveLength(22);
    const order = q.items.map((i) => i.dimension);
    // items 1–4, 5–9, 10–13, 14–17, 18–22
    expect(order).toEqual([
      ...new Array<string>(4).fill('tangibles'),
      ...new Array<string>(5).fill('reliability'),
      ...new Array<string>(4).fill('responsiveness'),
      ...new Array<string>(4).fill('assurance'),
      ...new Array<string>(5).fill('empathy'),
    ]);
    expect(q.items.every((i) => i.text.zh && i.text.en)).toBe(true);
    expect(new Set(q.items.map((i) => i.text.zh)).size).toBe(22);
    const weights = surveyTemplate('heating_servqual').definition.dimensionWeights!;
    expect(DIMENSIONS.reduce((s, d) => s + weights[d], 0)).toBe(100);
    expect(weights).toEqual(DEFAULT_DIMENSION_WEIGHTS);
  });

  it('asks detractors what disappointed them and everyone else what they value, then ends', () => {
    const def = surveyTemplate('relational_nps').definition;
    expect(path(def, { recommend: 6 })).toEqual(['recommend', 'dislike']);
    expect(path(def, { recommend: 0 })).toEqual(['recommend', 'dislike']);
    expect(path(def, { recommend: 7 })).toEqual(['recommend', 'valued']);
    expect(path(def, { recommend: 10, valued: '师傅很专业' })).toEqual(['recommend', 'valued']);
    expect(def.questions.find((q) => q.id === 'dislike')?.text.zh).toBe('哪些方面让您不满意？');
    expect(def.questions.find((q) => q.id === 'valued')?.text.zh).toBe('您最看重我们的哪一点？');
    expect(checkAnswers(def, { recommend: 3, dislike: '暖气不热' }, { partial: false })).toEqual({ ok: true, answers: { recommend: 3, dislike: '暖气不热' } });
    expect(checkAnswers(def, { recommend: 9, dislike: '暖气不热' }, { partial: false })).toMatchObject({
      ok: false,
      issues: [{ path: 'answers.dislike', key: 'survey_answer.not_on_path' }],
    });
  });

  it('words the CSAT and CES templates as asked, and hands out copies', () => {
    const csat = surveyTemplate('ticket_csat').definition;
    expect(csat.questions.map((q) => q.type)).toEqual(['csat', 'text']);
    expect(csat.questions[1]?.text.zh).toBe('您对本次服务还有什么建议？');
    const ces = surveyTemplate('repair_ces').definition;
    expect(ces.questions[0]).toMatchObject({ type: 'ces', text: { zh: '这次报修处理起来有多省心？' } });
    surveyTemplate('repair_ces').definition.questions.pop();
    expect(surveyTemplate('repair_ces').definition.questions).toHaveLength(2);
    expect(() => surveyTemplate('nope' as never)).toThrow(RangeError);
  });
});
