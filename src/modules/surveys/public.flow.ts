/**
 * The public page's steps (pure: no database, no HTML). One question per screen; a SERVQUAL question with many items
 * is split into screens by dimension (the heating template's 22 items: five screens of 4–5 items), so a phone never
 * shows 300 radio buttons at once. A step is (question id, part). The steps follow the branching path of the answers
 * so far (definition.ts `path`); the form's fields become an answer (`fieldsToAnswer`), merged into the stored ones,
 * cut to the path and checked by checkAnswers (partial) plus the screen's own required check (`applyStep`).
 *
 * Form fields: a score, a choice or a text is `v` (repeated for a multiple choice); a matrix row is `r.<row id>`; a
 * SERVQUAL item is `e.<item id>` (expectation) and `p.<item id>` (perception). Numbers arrive as text and are turned
 * into numbers only when they look like integers, so anything else reaches checkAnswers as text and is refused there
 * (bad_type), the same rule the API would apply.
 */
import { checkAnswers, path, type AnswerIssue, type Answers, type Question, type QuestionOf, type SurveyDefinition } from './definition.js';

/** Form fields by name (repeated names keep every value). */
export type Fields = Record<string, string[]>;
export type Step = { id: string; part: number };
export type Screen = { q: Question; part: number; parts: number; items: QuestionOf<'servqual'>['items'] | null };

/** A SERVQUAL question with more items than this is split by dimension. */
const SERVQUAL_ONE_SCREEN = 8;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The items of each screen of a SERVQUAL question (consecutive items of one dimension share a screen). */
export function servqualParts(q: QuestionOf<'servqual'>): QuestionOf<'servqual'>['items'][] {
  if (q.items.length <= SERVQUAL_ONE_SCREEN) return [q.items];
  const parts: QuestionOf<'servqual'>['items'][] = [];
  for (const item of q.items) {
    const last = parts[parts.length - 1];
    if (last && last[0]!.dimension === item.dimension) last.push(item);
    else parts.push([item]);
  }
  return parts;
}

const partsOf = (q: Question) => (q.type === 'servqual' ? servqualParts(q).length : 1);

export function screenOf(def: SurveyDefinition, step: Step): Screen | null {
  const q = def.questions.find((x) => x.id === step.id);
  if (!q) return null;
  const parts = partsOf(q);
  if (!Number.isInteger(step.part) || step.part < 0 || step.part >= parts) return null;
  return { q, part: step.part, parts, items: q.type === 'servqual' ? servqualParts(q)[step.part]! : null };
}

/** Every step on the path of the answers so far, in order. */
export function stepsOf(def: SurveyDefinition, answers: Record<string, unknown>): Step[] {
  const byId = new Map(def.questions.map((q) => [q.id, q]));
  return path(def, answers).flatMap((id) => Array.from({ length: partsOf(byId.get(id)!) }, (_, part) => ({ id, part })));
}

const sameStep = (a: Step, b: Step) => a.id === b.id && a.part === b.part;

function answeredStep(def: SurveyDefinition, answers: Record<string, unknown>, step: Step): boolean {
  const screen = screenOf(def, step);
  const value = answers[step.id];
  if (!screen || value === undefined) return false;
  if (!screen.items) return true;
  return isRecord(value) && screen.items.every((i) => value[i.id] !== undefined);
}

/**
 * Where a reopened link continues: the first step without an answer after the last answered one (an optional
 * question the household left empty on the way is not asked again); null when every step after it has one (submit).
 */
export function resumeStep(def: SurveyDefinition, answers: Record<string, unknown>): Step | null {
  const steps = stepsOf(def, answers);
  let last = -1;
  steps.forEach((s, i) => {
    if (answeredStep(def, answers, s)) last = i;
  });
  return steps.slice(last + 1).find((s) => !answeredStep(def, answers, s)) ?? null;
}

/** The step's place on the path: its neighbours (null before the first / after the last) and the question's number. */
export function placeOf(def: SurveyDefinition, answers: Record<string, unknown>, step: Step): { prev: Step | null; next: Step | null; number: number; total: number } | null {
  const steps = stepsOf(def, answers);
  const at = steps.findIndex((s) => sameStep(s, step));
  if (at < 0) return null;
  const ids = path(def, answers);
  return { prev: steps[at - 1] ?? null, next: steps[at + 1] ?? null, number: ids.indexOf(step.id) + 1, total: ids.length };
}

/** A field's one value: undefined when absent or empty, the list when repeated (refused as bad_type downstream). */
function one(fields: Fields, name: string): string | string[] | undefined {
  const v = fields[name];
  if (!v || v.length === 0) return undefined;
  if (v.length > 1) return v;
  return v[0] === '' ? undefined : v[0];
}

/** An integer when the text is one (a score), else the text itself, for checkAnswers to refuse. */
function numberOf(v: string | string[] | undefined): unknown {
  if (typeof v === 'string' && /^-?\d{1,6}$/.test(v.trim())) return Number(v.trim());
  return v;
}

/** Fields of `prefix.<id>` as an object of numbers (matrix rows, SERVQUAL halves). */
function prefixed(fields: Fields, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(fields)) {
    if (!name.startsWith(prefix)) continue;
    const v = one(fields, name);
    if (v !== undefined) out[name.slice(prefix.length)] = numberOf(v);
  }
  return out;
}

/** The raw answer a screen's form gives (undefined: nothing chosen). */
export function fieldsToAnswer(q: Question, fields: Fields): unknown {
  switch (q.type) {
    case 'nps':
    case 'csat':
    case 'ces':
    case 'rating':
      return numberOf(one(fields, 'v'));
    case 'single':
    case 'text':
      return one(fields, 'v');
    case 'multiple': {
      const v = (fields.v ?? []).filter((x) => x !== '');
      return v.length ? v : undefined;
    }
    case 'matrix': {
      const rows = prefixed(fields, 'r.');
      return Object.keys(rows).length ? rows : undefined;
    }
    case 'servqual': {
      const e = prefixed(fields, 'e.');
      const p = prefixed(fields, 'p.');
      const out: Record<string, unknown> = {};
      for (const id of new Set([...Object.keys(e), ...Object.keys(p)])) out[id] = { e: e[id], p: p[id] };
      return Object.keys(out).length ? out : undefined;
    }
  }
}

/** A stored answer as the form's fields (to show what was chosen). */
export function answerToFields(q: Question, value: unknown): Fields {
  if (value === undefined || value === null) return {};
  if (q.type === 'multiple') return { v: Array.isArray(value) ? value.map(String) : [] };
  if (q.type === 'matrix' && isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [`r.${k}`, [String(v)]]));
  if (q.type === 'servqual' && isRecord(value)) {
    const out: Fields = {};
    for (const [k, v] of Object.entries(value)) {
      if (!isRecord(v)) continue;
      if (v.e !== undefined) out[`e.${k}`] = [String(v.e)];
      if (v.p !== undefined) out[`p.${k}`] = [String(v.p)];
    }
    return out;
  }
  return typeof value === 'string' || typeof value === 'number' ? { v: [String(value)] } : {};
}

/** Required parts of the screen left unanswered (a required matrix: every row; SERVQUAL: the screen's items). */
function missingOnScreen(screen: Screen, value: unknown): string[] {
  const { q } = screen;
  if (!q.required) return [];
  const at = `answers.${q.id}`;
  if (q.type === 'matrix') return q.rows.filter((r) => !isRecord(value) || value[r.id] === undefined).map((r) => `${at}.${r.id}`);
  if (screen.items) return screen.items.filter((i) => !isRecord(value) || value[i.id] === undefined).map((i) => `${at}.${i.id}`);
  return value === undefined ? [at] : [];
}

export type StepResult = { ok: true; answers: Answers } | { ok: false; issues: AnswerIssue[] };

/**
 * The stored answers with this screen's form applied, cut to the branching path and checked; or the issues (of
 * this screen: nothing is saved then). Answers to questions the new answer takes off the path are dropped.
 */
export function applyStep(def: SurveyDefinition, stored: Record<string, unknown>, screen: Screen, fields: Fields): StepResult {
  const { q } = screen;
  const raw = fieldsToAnswer(q, fields);
  const merged: Record<string, unknown> = { ...stored };
  const before = stored[q.id];
  if (q.type === 'servqual' && isRecord(raw)) merged[q.id] = { ...(isRecord(before) ? before : {}), ...raw };
  else if (raw === undefined) {
    if (q.type !== 'servqual') delete merged[q.id];
  } else merged[q.id] = raw;
  const onPath = path(def, merged);
  if (!onPath.includes(q.id)) return { ok: false, issues: [{ path: `answers.${q.id}`, key: 'survey_answer.not_on_path' }] };
  const kept = Object.fromEntries(Object.entries(merged).filter(([id]) => onPath.includes(id)));
  const checked = checkAnswers(def, kept, { partial: true });
  const issues = checked.ok ? [] : [...checked.issues];
  for (const p of missingOnScreen(screen, kept[q.id])) {
    if (!issues.some((i) => i.path === p || i.path.startsWith(`${p}.`))) issues.push({ path: p, key: 'survey_answer.required' });
  }
  if (!checked.ok || issues.length) return { ok: false, issues };
  return { ok: true, answers: checked.answers };
}

/** Parses an application/x-www-form-urlencoded body (UTF-8) into fields. */
export function parseForm(body: string): Fields {
  const out: Fields = Object.create(null) as Fields;
  for (const [k, v] of new URLSearchParams(body)) (out[k] ??= []).push(v);
  return out;
}
