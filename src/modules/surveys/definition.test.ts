import { describe, expect, it } from 'vitest';
import {
  checkAnswers,
  cleanText,
  headlineScores,
  nextQuestion,
  path,
  surveyDefinitionSchema,
  visiblePath,
  type SurveyDefinition,
  type SurveyDefinitionInput,
} from './definition.js';

const t = (zh: string) => ({ zh });

/** A survey with every question type; q_nps branches: detractors → why, promoters (≥ 9) → end. */
const input: SurveyDefinitionInput = {
  title: t('测试问卷'),
  questions: [
    { id: 'q_nps', type: 'nps', text: t('推荐'), required: true, branches: [{ when: { op: 'lte', value: 6 }, goTo: 'why' }, { when: { op: 'gte', value: 9 }, goTo: 'end' }] },
    { id: 'csat', type: 'csat', text: t('满意'), required: true },
    { id: 'why', type: 'text', text: t('为什么'), required: false },
    { id: 'ces', type: 'ces', text: t('省心'), required: false },
    { id: 'stars', type: 'rating', text: t('星级'), required: false, max: 5 },
    { id: 'channel', type: 'single', text: t('渠道'), required: false, options: [{ value: 'phone', text: t('电话') }, { value: 'app', text: t('App') }], branches: [{ when: { op: 'eq', value: 'app' }, goTo: 'grid' }] },
    { id: 'pick', type: 'multiple', text: t('多选'), required: false, min: 1, max: 2, options: [{ value: 'a', text: t('甲') }, { value: 'b', text: t('乙') }, { value: 'c', text: t('丙') }] },
    { id: 'grid', type: 'matrix', text: t('矩阵'), required: true, rows: [{ id: 'r1', text: t('行一') }, { id: 'r2', text: t('行二') }], scale: { min: 1, max: 5 } },
    { id: 'sq', type: 'servqual', text: t('服务质量'), required: true, items: [{ id: 'i1', dimension: 'reliability', text: t('可靠') }, { id: 'i2', dimension: 'empathy', text: t('关心') }] },
  ],
  dimensionWeights: { tangibles: 10, reliability: 40, responsiveness: 20, assurance: 20, empathy: 10 },
};
const def: SurveyDefinition = surveyDefinitionSchema.parse(input);
const full = { csat: 4, ces: 6, stars: 5, channel: 'phone', pick: ['a'], grid: { r1: 3, r2: 5 }, sq: { i1: { e: 7, p: 5 }, i2: { e: 6, p: 6 } } };

/** The schema's issues as [path, message] pairs. */
function issuesOf(value: unknown): [string, string][] {
  const r = surveyDefinitionSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => [i.path.join('.'), i.message]);
}
const withQuestions = (questions: unknown[]) => ({ title: t('x'), questions });

describe('survey definition: the schema', () => {
  it('accepts every question type and defaults a text answer to 500 characters', () => {
    expect(def.questions).toHaveLength(9);
    expect(def.questions.find((q) => q.id === 'why')).toMatchObject({ type: 'text', maxLength: 500 });
  });

  it('refuses bad ids, empty Chinese text, unknown types and fields out of range', () => {
    const q = { id: 'q1', type: 'nps', text: t('x'), required: true };
    expect(issuesOf(withQuestions([{ ...q, id: 'Q 1' }]))[0]?.[0]).toBe('questions.0.id');
    expect(issuesOf(withQuestions([{ ...q, text: { zh: '' } }]))[0]?.[0]).toBe('questions.0.text.zh');
    expect(issuesOf(withQuestions([{ ...q, type: 'slider' }]))[0]?.[0]).toBe('questions.0.type');
    expect(issuesOf(withQuestions([{ ...q, type: 'rating', max: 11 }]))[0]?.[0]).toBe('questions.0.max');
    expect(issuesOf(withQuestions([{ ...q, type: 'single', options: [{ value: 'a', text: t('a') }] }]))[0]?.[0]).toBe('questions.0.options');
    expect(issuesOf(withQuestions([{ ...q, type: 'text', maxLength: 2001 }]))[0]?.[0]).toBe('questions.0.maxLength');
    expect(issuesOf(withQuestions([{ ...q, type: 'matrix', rows: [{ id: 'r', text: t('r') }], scale: { min: 2, max: 5 } }]))[0]?.[0]).toBe('questions.0.scale.min');
    expect(issuesOf(withQuestions([]))[0]?.[0]).toBe('questions');
  });

  it('names duplicate question ids, options, rows and items, and the reserved id "end"', () => {
    const opt = (value: string) => ({ value, text: t(value) });
    expect(
      issuesOf(
        withQuestions([
          { id: 'a', type: 'single', text: t('x'), required: true, options: [opt('x'), opt('y'), opt('x')] },
          { id: 'a', type: 'matrix', text: t('x'), required: true, rows: [{ id: 'r', text: t('r') }, { id: 'r', text: t('r') }], scale: { min: 0, max: 4 } },
          { id: 'end', type: 'servqual', text: t('x'), required: true, items: [{ id: 'i', dimension: 'assurance', text: t('i') }, { id: 'i', dimension: 'empathy', text: t('i') }] },
        ]),
      ),
    ).toEqual([
      ['questions.1.id', 'survey_definition.duplicate_id'],
      ['questions.2.id', 'survey_definition.reserved_id'],
      ['questions.0.options.2.value', 'survey_definition.duplicate_option'],
      ['questions.1.rows.1.id', 'survey_definition.duplicate_option'],
      ['questions.2.items.1.id', 'survey_definition.duplicate_option'],
    ]);
  });

  it('refuses branches to unknown or earlier questions (no cycles) and conditions that do not fit the question', () => {
    const q = (id: string, branches: unknown[], type = 'nps') => ({ id, type, text: t(id), required: false, branches });
    expect(
      issuesOf(
        withQuestions([
          q('a', [{ when: { op: 'lte', value: 6 }, goTo: 'nowhere' }]),
          q('b', [{ when: { op: 'answered' }, goTo: 'a' }, { when: { op: 'skipped' }, goTo: 'b' }]),
          q('c', [{ when: { op: 'lte', value: 'x' }, goTo: 'end' }, { when: { op: 'in', value: 3 }, goTo: 'end' }, { when: { op: 'answered', value: 1 }, goTo: 'end' }]),
          { ...q('d', [{ when: { op: 'eq', value: 'x' }, goTo: 'end' }], 'text'), maxLength: 10 },
          { ...q('e', [{ when: { op: 'eq', value: 'zz' }, goTo: 'end' }], 'single'), options: [{ value: 'a', text: t('a') }, { value: 'b', text: t('b') }] },
        ]),
      ),
    ).toEqual([
      ['questions.0.branches.0.goTo', 'survey_definition.unknown_target'],
      ['questions.1.branches.0.goTo', 'survey_definition.backward_target'],
      ['questions.1.branches.1.goTo', 'survey_definition.backward_target'],
      ['questions.2.branches.0.when', 'survey_definition.bad_branch'],
      ['questions.2.branches.1.when', 'survey_definition.bad_branch'],
      ['questions.2.branches.2.when', 'survey_definition.bad_branch'],
      ['questions.3.branches.0.when', 'survey_definition.bad_branch'],
      ['questions.4.branches.0.when', 'survey_definition.bad_branch'],
    ]);
  });

  it('wants dimension weights for all five dimensions, non-negative, summing to 100, and multiple-choice bounds that fit', () => {
    const base = withQuestions([{ id: 'a', type: 'csat', text: t('x'), required: true }]);
    expect(issuesOf({ ...base, dimensionWeights: { tangibles: 10, reliability: 40, responsiveness: 20, assurance: 20, empathy: 5 } })).toEqual([
      ['dimensionWeights', 'survey_definition.weights_sum'],
    ]);
    expect(issuesOf({ ...base, dimensionWeights: { tangibles: -10, reliability: 60, responsiveness: 20, assurance: 20, empathy: 10 } })[0]?.[0]).toBe('dimensionWeights.tangibles');
    expect(issuesOf({ ...base, dimensionWeights: { reliability: 100 } }).length).toBeGreaterThan(0);
    const opts = [{ value: 'a', text: t('a') }, { value: 'b', text: t('b') }];
    expect(issuesOf(withQuestions([{ id: 'm', type: 'multiple', text: t('m'), required: true, options: opts, min: 2, max: 1 }]))).toEqual([
      ['questions.0.min', 'survey_definition.min_over_max'],
    ]);
    expect(issuesOf(withQuestions([{ id: 'm', type: 'multiple', text: t('m'), required: true, options: opts, max: 3 }]))).toEqual([
      ['questions.0.max', 'survey_definition.min_over_max'],
    ]);
  });
});

describe('survey definition: the path', () => {
  it('follows branches in order, else the next question', () => {
    const all = def.questions.map((q) => q.id);
    expect(path(def, {})).toEqual(all);
    expect(path(def, { q_nps: 10 })).toEqual(['q_nps']);
    expect(path(def, { q_nps: 3 })).toEqual(['q_nps', 'why', 'ces', 'stars', 'channel', 'pick', 'grid', 'sq']);
    expect(path(def, { q_nps: 7, channel: 'app' })).toEqual(['q_nps', 'csat', 'why', 'ces', 'stars', 'channel', 'grid', 'sq']);
    expect(visiblePath(def, { q_nps: 10 }).map((q) => q.type)).toEqual(['nps']);
  });

  it('gives the next question for the one-question-per-screen page', () => {
    expect(nextQuestion(def, {}, null)?.id).toBe('q_nps');
    expect(nextQuestion(def, { q_nps: 2 }, 'q_nps')?.id).toBe('why');
    expect(nextQuestion(def, { q_nps: 8 }, 'q_nps')?.id).toBe('csat');
    expect(nextQuestion(def, { q_nps: 9 }, 'q_nps')).toBeNull();
    expect(nextQuestion(def, {}, 'sq')).toBeNull();
    expect(() => nextQuestion(def, {}, 'nope')).toThrow(RangeError);
  });

  it('treats a multiple choice as hitting eq/in when any chosen value does', () => {
    const d = surveyDefinitionSchema.parse(
      withQuestions([
        { id: 'm', type: 'multiple', text: t('m'), required: false, options: [{ value: 'a', text: t('a') }, { value: 'b', text: t('b') }], branches: [{ when: { op: 'in', value: ['b'] }, goTo: 'z' }] },
        { id: 'y', type: 'csat', text: t('y'), required: false },
        { id: 'z', type: 'csat', text: t('z'), required: false },
      ]),
    );
    expect(path(d, { m: ['a', 'b'] })).toEqual(['m', 'z']);
    expect(path(d, { m: ['a'] })).toEqual(['m', 'y', 'z']);
  });
});

describe('survey definition: checking answers', () => {
  it('accepts a complete response and returns it cleaned', () => {
    const r = checkAnswers(def, { q_nps: 8, ...full, why: undefined }, { partial: false });
    expect(r).toEqual({ ok: true, answers: { q_nps: 8, ...full } });
  });

  it('wants every required question on the path unless partial, and only those on the path', () => {
    expect(checkAnswers(def, { q_nps: 8 }, { partial: false })).toEqual({
      ok: false,
      issues: [
        { path: 'answers.csat', key: 'survey_answer.required' },
        { path: 'answers.grid', key: 'survey_answer.required' },
        { path: 'answers.sq', key: 'survey_answer.required' },
      ],
    });
    expect(checkAnswers(def, { q_nps: 8 }, { partial: true })).toEqual({ ok: true, answers: { q_nps: 8 } });
    // a promoter's survey ends at once: a CSAT answer is off the path, and nothing else is required
    expect(checkAnswers(def, { q_nps: 10, csat: 5 }, { partial: true })).toEqual({ ok: false, issues: [{ path: 'answers.csat', key: 'survey_answer.not_on_path' }] });
    expect(checkAnswers(def, { q_nps: 10 }, { partial: false })).toEqual({ ok: true, answers: { q_nps: 10 } });
    expect(checkAnswers(def, { q_nps: 8, csat: null, ces: '' }, { partial: true })).toEqual({ ok: true, answers: { q_nps: 8 } });
  });

  it('refuses scores of the wrong type or off the scale, and unknown questions', () => {
    const r = checkAnswers(def, { q_nps: 11, csat: '4', ces: 2.5, stars: 0, bogus: 1 }, { partial: true });
    expect(r).toEqual({
      ok: false,
      issues: [
        { path: 'answers.q_nps', key: 'survey_answer.out_of_range', params: { min: 0, max: 10 } },
        { path: 'answers.csat', key: 'survey_answer.bad_type' },
        { path: 'answers.ces', key: 'survey_answer.bad_type' },
        { path: 'answers.stars', key: 'survey_answer.out_of_range', params: { min: 1, max: 5 } },
        { path: 'answers.bogus', key: 'survey_answer.unknown_question' },
      ],
    });
  });

  it('checks choices: known options, unique values, within min and max', () => {
    const check = (answers: Record<string, unknown>) => {
      const r = checkAnswers(def, { q_nps: 7, ...answers }, { partial: true });
      return r.ok ? r.answers : r.issues;
    };
    expect(check({ channel: 'fax' })).toEqual([{ path: 'answers.channel', key: 'survey_answer.unknown_option', params: { value: 'fax' } }]);
    expect(check({ channel: ['phone'] })).toEqual([{ path: 'answers.channel', key: 'survey_answer.bad_type' }]);
    expect(check({ pick: ['a', 'z'] })).toEqual([{ path: 'answers.pick.1', key: 'survey_answer.unknown_option', params: { value: 'z' } }]);
    expect(check({ pick: ['a', 'a'] })).toEqual([{ path: 'answers.pick.1', key: 'survey_answer.bad_type' }]);
    expect(check({ pick: ['a', 'b', 'c'] })).toEqual([{ path: 'answers.pick', key: 'survey_answer.out_of_range', params: { min: 1, max: 2 } }]);
    expect(check({ pick: 'a' })).toEqual([{ path: 'answers.pick', key: 'survey_answer.bad_type' }]);
    expect(check({ pick: ['b', 'a'] })).toEqual({ q_nps: 7, pick: ['b', 'a'] });
  });

  it('cleans text: control characters dropped, trimmed, at most maxLength characters', () => {
    expect(cleanText('  暖气\u0000不热\r\n\u202e请尽快\t处理 \u0007 ')).toBe('暖气不热\n请尽快\t处理');
    const ok = checkAnswers(def, { q_nps: 0, why: '  <b>太冷</b>\u0001 ' }, { partial: true });
    expect(ok).toEqual({ ok: true, answers: { q_nps: 0, why: '<b>太冷</b>' } });
    expect(checkAnswers(def, { q_nps: 0, why: '冷'.repeat(501) }, { partial: true })).toEqual({
      ok: false,
      issues: [{ path: 'answers.why', key: 'survey_answer.too_long', params: { max: 500 } }],
    });
    // 500 Chinese characters (or emoji, counted once each) fit
    expect(checkAnswers(def, { q_nps: 0, why: '😀'.repeat(500) }, { partial: true }).ok).toBe(true);
    expect(checkAnswers(def, { q_nps: 0, why: ' \u0000 ' }, { partial: true })).toEqual({ ok: true, answers: { q_nps: 0 } });
    expect(checkAnswers(def, { q_nps: 0, why: 42 }, { partial: true })).toMatchObject({ ok: false, issues: [{ path: 'answers.why', key: 'survey_answer.bad_type' }] });
  });

  it('checks a matrix row by row and wants every row of a required matrix', () => {
    const base = { q_nps: 7, channel: 'app' };
    expect(checkAnswers(def, { ...base, grid: { r1: 6, r9: 1 } }, { partial: true })).toEqual({
      ok: false,
      issues: [
        { path: 'answers.grid.r1', key: 'survey_answer.out_of_range', params: { min: 1, max: 5 } },
        { path: 'answers.grid.r9', key: 'survey_answer.unknown_option' },
      ],
    });
    expect(checkAnswers(def, { ...base, grid: { r1: 2 } }, { partial: true })).toEqual({ ok: true, answers: { ...base, grid: { r1: 2 } } });
    const r = checkAnswers(def, { ...base, csat: 3, grid: { r1: 2 }, sq: full.sq }, { partial: false });
    expect(r).toEqual({ ok: false, issues: [{ path: 'answers.grid.r2', key: 'survey_answer.required' }] });
    expect(checkAnswers(def, { ...base, grid: [1, 2] }, { partial: true })).toMatchObject({ ok: false, issues: [{ path: 'answers.grid', key: 'survey_answer.bad_type' }] });
  });

  it('checks SERVQUAL pairs: both scores 1–7 for each item, every item when required', () => {
    const base = { q_nps: 7, channel: 'app', grid: { r1: 1, r2: 1 }, csat: 5 };
    expect(checkAnswers(def, { ...base, sq: { i1: { e: 7, p: 8 }, i2: { e: 0 } } }, { partial: false })).toEqual({
      ok: false,
      issues: [
        { path: 'answers.sq.i1.p', key: 'survey_answer.out_of_range', params: { min: 1, max: 7 } },
        { path: 'answers.sq.i2.e', key: 'survey_answer.out_of_range', params: { min: 1, max: 7 } },
        { path: 'answers.sq.i2.p', key: 'survey_answer.required' },
      ],
    });
    expect(checkAnswers(def, { ...base, sq: { i1: { e: 7, p: 6 } } }, { partial: false })).toEqual({
      ok: false,
      issues: [{ path: 'answers.sq.i2', key: 'survey_answer.required' }],
    });
    expect(checkAnswers(def, { ...base, sq: { i1: { e: 7, p: 6 }, i3: { e: 1, p: 1 }, i2: 5 } }, { partial: true })).toEqual({
      ok: false,
      issues: [
        { path: 'answers.sq.i3', key: 'survey_answer.unknown_option' },
        { path: 'answers.sq.i2', key: 'survey_answer.bad_type' },
      ],
    });
    expect(checkAnswers(def, { ...base, sq: full.sq }, { partial: false })).toEqual({ ok: true, answers: { ...base, sq: full.sq } });
  });

  it('does not let hostile keys reach the cleaned answers', () => {
    const answers = JSON.parse('{"__proto__": {"x": 1}, "q_nps": 10}') as Record<string, unknown>;
    expect(checkAnswers(def, answers, { partial: true })).toEqual({ ok: false, issues: [{ path: 'answers.__proto__', key: 'survey_answer.unknown_question' }] });
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`x${i}`, 1]));
    const r = checkAnswers(def, many, { partial: true });
    expect(r.ok ? 0 : r.issues.length).toBe(20);
  });
});

describe('survey definition: headline scores', () => {
  it('takes the first NPS, CSAT and CES answers', () => {
    expect(headlineScores(def, { q_nps: 3, csat: 4, ces: 6 })).toEqual({ nps: 3, csat: 4, ces: 6 });
    expect(headlineScores(def, { q_nps: 9 })).toEqual({ nps: 9, csat: null, ces: null });
    const noScores = surveyDefinitionSchema.parse(withQuestions([{ id: 'a', type: 'text', text: t('a'), required: true }]));
    expect(headlineScores(noScores, { a: 'hi' })).toEqual({ nps: null, csat: null, ces: null });
  });
});
