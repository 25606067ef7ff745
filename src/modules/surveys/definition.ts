/**
 * A survey's definition (issue #15) and the pure checks on it: the questions a survey asks (NPS, CSAT, CES, ratings,
 * choices, free text, a matrix, SERVQUAL expectation/perception pairs), the branching between them, and the answers a
 * respondent may give. No database and no routes: the service stores the definition as JSON after
 * surveyDefinitionSchema accepted it, and the public page asks checkAnswers before it stores a response, so both
 * the builder and the page share one reading of what a survey means.
 *
 * Branching: after a question, its branches are tried in order and the first that matches sends the respondent to
 * its `goTo` (a later question, or 'end'); when none matches, the next question follows. Targets always point
 * forward, so a path is finite and a question's place on it depends only on the answers before it.
 */
import { z } from 'zod';
import { BRANCH_OPS, DIMENSIONS, SCALES, SURVEY_LIMITS, type Dimension, type QuestionType } from './surveys.contract.js';

// The plain constants live in the contract (shared with the web app); re-exported for the server's files.
export { BRANCH_OPS, DIMENSION_NAMES, DIMENSIONS, QUESTION_TYPES, SCALES, SURVEY_LIMITS, type BranchOp, type Dimension, type QuestionType } from './surveys.contract.js';

/** Message keys of the definition's cross-field checks (registered in the message catalogue by the module). */
export const SURVEY_DEFINITION_KEYS = [
  'survey_definition.duplicate_id',
  'survey_definition.reserved_id',
  'survey_definition.duplicate_option',
  'survey_definition.unknown_target',
  'survey_definition.backward_target',
  'survey_definition.bad_branch',
  'survey_definition.min_over_max',
  'survey_definition.weights_sum',
] as const;

/** Message keys of checkAnswers' issues. */
export const SURVEY_ANSWER_KEYS = [
  'survey_answer.required',
  'survey_answer.out_of_range',
  'survey_answer.bad_type',
  'survey_answer.unknown_option',
  'survey_answer.too_long',
  'survey_answer.unknown_question',
  'survey_answer.not_on_path',
] as const;
export type SurveyAnswerKey = (typeof SURVEY_ANSWER_KEYS)[number];

const ID = /^[a-z0-9_]{1,40}$/;
const idSchema = z.string().regex(ID);

export const textSchema = z.object({
  zh: z.string().min(1).max(SURVEY_LIMITS.text),
  en: z.string().max(SURVEY_LIMITS.text).optional(),
});
export type Text = z.infer<typeof textSchema>;

const scalar = z.union([z.number(), z.string().max(SURVEY_LIMITS.text)]);
export const branchSchema = z.object({
  when: z.object({ op: z.enum(BRANCH_OPS), value: z.union([scalar, z.array(scalar).min(1).max(SURVEY_LIMITS.options)]).optional() }),
  goTo: z.union([idSchema, z.literal('end')]).describe("A later question's id, or 'end'"),
});
export type Branch = z.infer<typeof branchSchema>;

const base = {
  id: idSchema,
  text: textSchema,
  help: textSchema.optional(),
  required: z.boolean(),
  branches: z.array(branchSchema).max(SURVEY_LIMITS.options).optional(),
};
const optionSchema = z.object({ value: idSchema, text: textSchema });
const options = z.array(optionSchema).min(2).max(SURVEY_LIMITS.options);

export const questionSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('nps') }),
  z.object({ ...base, type: z.literal('csat') }),
  z.object({ ...base, type: z.literal('ces') }),
  z.object({ ...base, type: z.literal('rating'), max: z.number().int().min(3).max(10) }),
  z.object({ ...base, type: z.literal('single'), options }),
  z.object({
    ...base,
    type: z.literal('multiple'),
    options,
    min: z.number().int().min(0).max(SURVEY_LIMITS.options).optional(),
    max: z.number().int().min(1).max(SURVEY_LIMITS.options).optional(),
  }),
  z.object({ ...base, type: z.literal('text'), maxLength: z.number().int().min(1).max(SURVEY_LIMITS.textAnswer).default(SURVEY_LIMITS.defaultTextAnswer) }),
  z.object({
    ...base,
    type: z.literal('matrix'),
    rows: z.array(z.object({ id: idSchema, text: textSchema })).min(1).max(SURVEY_LIMITS.rows),
    scale: z.object({ min: z.union([z.literal(0), z.literal(1)]), max: z.number().int().min(2).max(10) }),
  }),
  z.object({
    ...base,
    type: z.literal('servqual'),
    items: z.array(z.object({ id: idSchema, dimension: z.enum(DIMENSIONS), text: textSchema })).min(1).max(SURVEY_LIMITS.items),
  }),
]);
export type Question = z.infer<typeof questionSchema>;
export type QuestionOf<T extends QuestionType> = Extract<Question, { type: T }>;
export type ServqualItem = QuestionOf<'servqual'>['items'][number];

type Ctx = z.core.$RefinementCtx<unknown>;
type IssuePath = (string | number)[];
const fail = (ctx: Ctx, path: IssuePath, message: string, params?: Record<string, string | number>) =>
  ctx.addIssue({ code: 'custom', path, message, ...(params ? { params } : {}) });

/** Option values, row ids and item ids are unique within their question. */
function checkUniqueParts(q: Question, at: IssuePath, ctx: Ctx): void {
  const parts =
    q.type === 'single' || q.type === 'multiple'
      ? { key: 'options', field: 'value', ids: q.options.map((o) => o.value) }
      : q.type === 'matrix'
        ? { key: 'rows', field: 'id', ids: q.rows.map((r) => r.id) }
        : q.type === 'servqual'
          ? { key: 'items', field: 'id', ids: q.items.map((i) => i.id) }
          : null;
  if (!parts) return;
  const seen = new Set<string>();
  parts.ids.forEach((id, j) => {
    if (seen.has(id)) fail(ctx, [...at, parts.key, j, parts.field], 'survey_definition.duplicate_option', { value: id });
    seen.add(id);
  });
  if (q.type === 'multiple') {
    const { min, max } = q;
    if (min !== undefined && max !== undefined && min > max) fail(ctx, [...at, 'min'], 'survey_definition.min_over_max');
    if (max !== undefined && max > q.options.length) fail(ctx, [...at, 'max'], 'survey_definition.min_over_max');
    if (min !== undefined && min > q.options.length) fail(ctx, [...at, 'min'], 'survey_definition.min_over_max');
  }
}

const NUMERIC: readonly QuestionType[] = ['nps', 'csat', 'ces', 'rating'];
const CHOICE: readonly QuestionType[] = ['single', 'multiple'];

/** Whether a branch's condition can apply to its question (numeric ops on scores, eq/in on scores and choices). */
function branchFits(q: Question, when: Branch['when']): boolean {
  const { op, value } = when;
  if (op === 'answered' || op === 'skipped') return value === undefined;
  if (op === 'lte' || op === 'gte') return NUMERIC.includes(q.type) && typeof value === 'number';
  if (!NUMERIC.includes(q.type) && !CHOICE.includes(q.type)) return false;
  const values = op === 'in' ? (Array.isArray(value) ? value : null) : value === undefined || Array.isArray(value) ? null : [value];
  if (!values) return false;
  if (q.type !== 'single' && q.type !== 'multiple') return values.every((v) => typeof v === 'number');
  const known = new Set(q.options.map((o) => o.value));
  return values.every((v) => typeof v === 'string' && known.has(v));
}

/** Branch targets exist and lie after their question (so no cycle is possible). */
function checkBranches(q: Question, index: number, position: Map<string, number>, ctx: Ctx): void {
  (q.branches ?? []).forEach((b, j) => {
    const at = ['questions', index, 'branches', j];
    if (!branchFits(q, b.when)) fail(ctx, [...at, 'when'], 'survey_definition.bad_branch', { op: b.when.op });
    if (b.goTo === 'end') return;
    const target = position.get(b.goTo);
    if (target === undefined) fail(ctx, [...at, 'goTo'], 'survey_definition.unknown_target', { id: b.goTo });
    else if (target <= index) fail(ctx, [...at, 'goTo'], 'survey_definition.backward_target', { id: b.goTo });
  });
}

function checkDefinition(def: { questions: Question[]; dimensionWeights?: Record<Dimension, number> | undefined }, ctx: Ctx): void {
  const position = new Map<string, number>();
  def.questions.forEach((q, i) => {
    if (q.id === 'end') fail(ctx, ['questions', i, 'id'], 'survey_definition.reserved_id', { id: q.id });
    if (position.has(q.id)) fail(ctx, ['questions', i, 'id'], 'survey_definition.duplicate_id', { id: q.id });
    else position.set(q.id, i);
  });
  def.questions.forEach((q, i) => {
    checkUniqueParts(q, ['questions', i], ctx);
    checkBranches(q, i, position, ctx);
  });
  if (def.dimensionWeights) {
    const sum = DIMENSIONS.reduce((s, d) => s + (def.dimensionWeights?.[d] ?? 0), 0);
    if (Math.abs(sum - 100) > 1e-6) fail(ctx, ['dimensionWeights'], 'survey_definition.weights_sum', { sum });
  }
}

export const dimensionWeightsSchema = z
  .record(z.enum(DIMENSIONS), z.number().min(0).max(100))
  .describe('Importance points per SERVQUAL dimension, summing to 100');

export const surveyDefinitionSchema = z
  .object({
    title: textSchema,
    intro: textSchema.optional(),
    thanks: textSchema.optional(),
    questions: z.array(questionSchema).min(1).max(SURVEY_LIMITS.questions),
    dimensionWeights: dimensionWeightsSchema.optional(),
  })
  .superRefine(checkDefinition);
export type SurveyDefinition = z.infer<typeof surveyDefinitionSchema>;
export type SurveyDefinitionInput = z.input<typeof surveyDefinitionSchema>;

/** A cleaned answer: a score or an option value, option values, text, matrix row scores, SERVQUAL E/P pairs. */
export type ServqualAnswer = Record<string, { e: number; p: number }>;
export type AnswerValue = number | string | string[] | Record<string, number> | ServqualAnswer;
export type Answers = Record<string, AnswerValue>;

export interface AnswerIssue {
  /** e.g. 'answers.q3', 'answers.sq.i4.p', 'answers.colours.1' */
  path: string;
  key: SurveyAnswerKey;
  params?: Record<string, string | number>;
}
export type CheckAnswersResult = { ok: true; answers: Answers } | { ok: false; issues: AnswerIssue[] };

/** Absent, null, '', [] and {} are a skipped question, not an answer. */
function isGiven(raw: unknown): boolean {
  if (raw === undefined || raw === null || raw === '') return false;
  if (Array.isArray(raw)) return raw.length > 0;
  if (typeof raw === 'object') return Object.keys(raw).length > 0;
  return true;
}

/** Whether a branch's condition holds for an answer (undefined: skipped). A multiple choice hits when any value does. */
function matches(when: Branch['when'], value: unknown): boolean {
  const given = isGiven(value);
  const target = when.value;
  switch (when.op) {
    case 'answered':
      return given;
    case 'skipped':
      return !given;
    case 'lte':
      return typeof value === 'number' && typeof target === 'number' && value <= target;
    case 'gte':
      return typeof value === 'number' && typeof target === 'number' && value >= target;
    case 'eq':
    case 'in': {
      if (!given || target === undefined) return false;
      const targets: unknown[] = Array.isArray(target) ? target : [target];
      return Array.isArray(value) ? value.some((v) => targets.includes(v)) : targets.includes(value);
    }
  }
}

/** The index of the question after `index` given its answer: a matching branch's target, else the next one; -1 = end. */
function nextIndex(def: SurveyDefinition, index: number, answers: Record<string, unknown>): number {
  const q = def.questions[index];
  if (!q) return -1;
  const branch = (q.branches ?? []).find((b) => matches(b.when, answers[q.id]));
  if (!branch) return index + 1 < def.questions.length ? index + 1 : -1;
  if (branch.goTo === 'end') return -1;
  const target = def.questions.findIndex((x) => x.id === branch.goTo);
  // The schema guarantees a later target; a definition that skipped it ends rather than loops.
  return target > index ? target : -1;
}

/**
 * The ids of the questions a respondent visits, in order, given the answers so far (a question without an answer
 * counts as skipped). The prefix up to the first unanswered question is settled; what follows may change as it is
 * answered.
 */
export function path(def: SurveyDefinition, answers: Record<string, unknown>): string[] {
  const ids: string[] = [];
  for (let i = def.questions.length > 0 ? 0 : -1; i >= 0; i = nextIndex(def, i, answers)) ids.push(def.questions[i]!.id);
  return ids;
}

/** The questions on the respondent's path (for the public page's progress: "3 of 7"). */
export function visiblePath(def: SurveyDefinition, answers: Record<string, unknown>): Question[] {
  const byId = new Map(def.questions.map((q) => [q.id, q]));
  return path(def, answers).map((id) => byId.get(id)!);
}

/**
 * The question to show after `currentId` (null: the first question), following its branches on the answers given;
 * null at the end. A currentId that names no question is a RangeError (the caller checks ids it was sent).
 */
export function nextQuestion(def: SurveyDefinition, answers: Record<string, unknown>, currentId: string | null): Question | null {
  if (currentId === null) return def.questions[0] ?? null;
  const index = def.questions.findIndex((q) => q.id === currentId);
  if (index < 0) throw new RangeError(`no question '${currentId}'`);
  return def.questions[nextIndex(def, index, answers)] ?? null;
}

/** Control and direction-override characters are dropped (newlines and tabs kept); the page escapes on output. */
export function cleanText(s: string): string {
  let out = '';
  for (const ch of s.replace(/\r\n?/g, '\n')) {
    const c = ch.codePointAt(0)!;
    const control = (c < 0x20 && c !== 0x0a && c !== 0x09) || (c >= 0x7f && c <= 0x9f);
    const bidi = c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    if (!control && !bidi) out += ch;
  }
  return out.trim();
}

type Issues = AnswerIssue[];
const issue = (issues: Issues, path: string, key: SurveyAnswerKey, params?: Record<string, string | number>) =>
  void issues.push(params ? { path, key, params } : { path, key });

const isRecord = (raw: unknown): raw is Record<string, unknown> => typeof raw === 'object' && raw !== null && !Array.isArray(raw);

/** An integer score within [min, max], or an issue. */
function cleanScore(raw: unknown, min: number, max: number, at: string, issues: Issues): number | undefined {
  if (typeof raw !== 'number' || !Number.isInteger(raw)) return issue(issues, at, 'survey_answer.bad_type');
  if (raw < min || raw > max) return issue(issues, at, 'survey_answer.out_of_range', { min, max });
  return raw;
}

function cleanSingle(q: QuestionOf<'single'>, raw: unknown, at: string, issues: Issues): string | undefined {
  if (typeof raw !== 'string') return issue(issues, at, 'survey_answer.bad_type');
  if (!q.options.some((o) => o.value === raw)) return issue(issues, at, 'survey_answer.unknown_option', { value: raw.slice(0, 60) });
  return raw;
}

function cleanMultiple(q: QuestionOf<'multiple'>, raw: unknown, at: string, issues: Issues): string[] | undefined {
  if (!Array.isArray(raw) || raw.length > q.options.length) return issue(issues, at, 'survey_answer.bad_type');
  const known = new Set(q.options.map((o) => o.value));
  const seen = new Set<string>();
  const before = issues.length;
  raw.forEach((v: unknown, j) => {
    if (typeof v !== 'string' || seen.has(v)) return issue(issues, `${at}.${j}`, 'survey_answer.bad_type');
    if (!known.has(v)) return issue(issues, `${at}.${j}`, 'survey_answer.unknown_option', { value: v.slice(0, 60) });
    seen.add(v);
  });
  if (issues.length > before) return undefined;
  const min = q.min ?? 0;
  const max = q.max ?? q.options.length;
  if (seen.size < min || seen.size > max) return issue(issues, at, 'survey_answer.out_of_range', { min, max });
  return [...seen];
}

function cleanFreeText(q: QuestionOf<'text'>, raw: unknown, at: string, issues: Issues): string | undefined {
  if (typeof raw !== 'string') return issue(issues, at, 'survey_answer.bad_type');
  const text = cleanText(raw);
  if ([...text].length > q.maxLength) return issue(issues, at, 'survey_answer.too_long', { max: q.maxLength });
  return text === '' ? undefined : text;
}

function cleanMatrix(q: QuestionOf<'matrix'>, raw: unknown, at: string, issues: Issues, complete: boolean): Record<string, number> | undefined {
  if (!isRecord(raw)) return issue(issues, at, 'survey_answer.bad_type');
  const out: Record<string, number> = {};
  const before = issues.length;
  for (const [rowId, v] of Object.entries(raw)) {
    if (!q.rows.some((r) => r.id === rowId)) issue(issues, `${at}.${rowId.slice(0, 60)}`, 'survey_answer.unknown_option');
    else if (v !== null && v !== undefined) {
      const score = cleanScore(v, q.scale.min, q.scale.max, `${at}.${rowId}`, issues);
      if (score !== undefined) out[rowId] = score;
    }
  }
  if (complete) for (const r of q.rows) if (out[r.id] === undefined && raw[r.id] == null) issue(issues, `${at}.${r.id}`, 'survey_answer.required');
  return issues.length > before ? undefined : out;
}

/** SERVQUAL pairs: each item answered has both an expectation (e) and a perception (p) on 1–7. */
function cleanServqual(q: QuestionOf<'servqual'>, raw: unknown, at: string, issues: Issues, complete: boolean): ServqualAnswer | undefined {
  if (!isRecord(raw)) return issue(issues, at, 'survey_answer.bad_type');
  const { min, max } = SCALES.servqual;
  const out: ServqualAnswer = {};
  const before = issues.length;
  for (const [itemId, v] of Object.entries(raw)) {
    const here = `${at}.${itemId.slice(0, 60)}`;
    if (!q.items.some((i) => i.id === itemId)) issue(issues, here, 'survey_answer.unknown_option');
    else if (v === null || v === undefined) continue;
    else if (!isRecord(v)) issue(issues, here, 'survey_answer.bad_type');
    else {
      const e = v.e == null ? issue(issues, `${here}.e`, 'survey_answer.required') : cleanScore(v.e, min, max, `${here}.e`, issues);
      const p = v.p == null ? issue(issues, `${here}.p`, 'survey_answer.required') : cleanScore(v.p, min, max, `${here}.p`, issues);
      if (e !== undefined && p !== undefined) out[itemId] = { e, p };
    }
  }
  if (complete) for (const i of q.items) if (raw[i.id] == null) issue(issues, `${at}.${i.id}`, 'survey_answer.required');
  return issues.length > before ? undefined : out;
}

/** One answer, cleaned, or undefined with its issues added (or when it amounts to no answer). */
function cleanAnswer(q: Question, raw: unknown, at: string, issues: Issues, complete: boolean): AnswerValue | undefined {
  switch (q.type) {
    case 'nps':
    case 'csat':
    case 'ces':
      return cleanScore(raw, SCALES[q.type].min, SCALES[q.type].max, at, issues);
    case 'rating':
      return cleanScore(raw, 1, q.max, at, issues);
    case 'single':
      return cleanSingle(q, raw, at, issues);
    case 'multiple':
      return cleanMultiple(q, raw, at, issues);
    case 'text':
      return cleanFreeText(q, raw, at, issues);
    case 'matrix':
      return cleanMatrix(q, raw, at, issues, complete && q.required);
    case 'servqual':
      return cleanServqual(q, raw, at, issues, complete && q.required);
  }
}

/** At most this many unknown keys are reported (a response is small; a flood of keys says nothing more). */
const MAX_UNKNOWN_REPORTED = 20;

/**
 * Checks and cleans a respondent's answers against the definition, following its branching: answers to questions off
 * the path are refused ('not_on_path'); unless `partial`, every required question on the path must be answered (a
 * required matrix: every row; a required SERVQUAL question: every item). Returns only the answers on the path.
 */
export function checkAnswers(def: SurveyDefinition, answers: Record<string, unknown>, opts: { partial: boolean }): CheckAnswersResult {
  const issues: Issues = [];
  const byId = new Map(def.questions.map((q) => [q.id, q]));
  const cleaned: Answers = {};
  let unknown = 0;
  for (const [id, raw] of Object.entries(answers)) {
    const q = byId.get(id);
    if (!q) {
      if (unknown++ < MAX_UNKNOWN_REPORTED) issue(issues, `answers.${id.slice(0, 60)}`, 'survey_answer.unknown_question');
      continue;
    }
    if (!isGiven(raw)) continue;
    const value = cleanAnswer(q, raw, `answers.${id}`, issues, !opts.partial);
    if (value !== undefined) cleaned[id] = value;
  }
  const onPath = path(def, cleaned);
  const visited = new Set(onPath);
  for (const id of Object.keys(cleaned)) {
    if (!visited.has(id)) issue(issues, `answers.${id}`, 'survey_answer.not_on_path');
  }
  if (!opts.partial) {
    const flagged = (id: string) => issues.some((i) => i.path === `answers.${id}` || i.path.startsWith(`answers.${id}.`));
    for (const id of onPath) {
      if (byId.get(id)?.required && cleaned[id] === undefined && !flagged(id)) issue(issues, `answers.${id}`, 'survey_answer.required');
    }
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, answers: cleaned };
}

export interface HeadlineScores {
  nps: number | null;
  csat: number | null;
  ces: number | null;
}

/** The answers to the first NPS, CSAT and CES questions (the response's fast results columns). */
export function headlineScores(def: SurveyDefinition, answers: Record<string, unknown>): HeadlineScores {
  const first = (type: 'nps' | 'csat' | 'ces') => {
    const q = def.questions.find((x) => x.type === type);
    const v = q ? answers[q.id] : undefined;
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  return { nps: first('nps'), csat: first('csat'), ces: first('ces') };
}
