/**
 * A survey's definition as the builder edits it. Mirrors src/modules/surveys/definition.ts (its zod schema is the
 * rule; the web app does not bundle zod): the question shapes are declared here, on the contract's constants (the
 * question types, the SERVQUAL dimensions, the branch ops, the scales and limits). Branches: after a question, the
 * first matching branch sends the respondent to a later question or to the end.
 */
import { DIMENSIONS, SCALES, SURVEY_LIMITS, type BranchOp, type Dimension, type QuestionType } from '../../../../src/modules/surveys/surveys.contract';

export type Text = { zh: string; en?: string };
export type Scalar = number | string;
export type Branch = { when: { op: BranchOp; value?: Scalar | Scalar[] }; goTo: string };
export type Option = { value: string; text: Text };
type Base = { id: string; text: Text; help?: Text; required: boolean; branches?: Branch[] };
export type Question = Base &
  (
    | { type: 'nps' | 'csat' | 'ces' }
    | { type: 'rating'; max: number }
    | { type: 'single'; options: Option[] }
    | { type: 'multiple'; options: Option[]; min?: number; max?: number }
    | { type: 'text'; maxLength?: number }
    | { type: 'matrix'; rows: { id: string; text: Text }[]; scale: { min: 0 | 1; max: number } }
    | { type: 'servqual'; items: { id: string; dimension: Dimension; text: Text }[] }
  );
export type QuestionOf<T extends QuestionType> = Extract<Question, { type: T }>;

export type Definition = {
  title: Text;
  intro?: Text;
  thanks?: Text;
  questions: Question[];
  dimensionWeights?: Partial<Record<Dimension, number>>;
};

/** The first free id `<prefix><n>` among `taken`. */
export function freeId(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let n = 1; ; n++) if (!used.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

const opts = (prefix: string, texts: [string, string][]): Option[] => texts.map(([zh, en], i) => ({ value: `${prefix}${i + 1}`, text: { zh, en } }));

/** A new question of a type, with the texts and parts it needs to be valid. */
export function newQuestion(type: QuestionType, taken: string[]): Question {
  const base = { id: freeId('q', taken), required: true };
  switch (type) {
    case 'nps':
      return { ...base, type, text: { zh: '您有多大可能向亲友推荐我们？', en: 'How likely are you to recommend us?' }, help: { zh: '0 = 完全不可能，10 = 非常可能', en: '0 = not at all likely, 10 = extremely likely' } };
    case 'csat':
      return { ...base, type, text: { zh: '您对本次服务满意吗？', en: 'How satisfied are you with our service?' } };
    case 'ces':
      return { ...base, type, text: { zh: '解决您的问题容易吗？', en: 'How easy was it to get your issue resolved?' } };
    case 'rating':
      return { ...base, type, max: 5, text: { zh: '请打分', en: 'Your rating' } };
    case 'single':
      return { ...base, type, text: { zh: '请选择一项', en: 'Choose one' }, options: opts('o', [['是', 'Yes'], ['否', 'No']]) };
    case 'multiple':
      return { ...base, type, text: { zh: '请选择（可多选）', en: 'Choose any' }, options: opts('o', [['选项一', 'Option 1'], ['选项二', 'Option 2']]) };
    case 'text':
      return { ...base, type, required: false, maxLength: SURVEY_LIMITS.defaultTextAnswer, text: { zh: '您还有什么建议？', en: 'Any suggestions?' } };
    case 'matrix':
      return { ...base, type, text: { zh: '请为以下各项打分', en: 'Please rate each' }, scale: { min: 1, max: 5 }, rows: [{ id: 'r1', text: { zh: '服务态度', en: 'Attitude' } }] };
    case 'servqual':
      return { ...base, type, text: { zh: '请分别给出您的期望和实际感受', en: 'Your expectation and your experience' }, items: [{ id: 'i1', dimension: 'reliability', text: { zh: '按约定时间上门', en: 'Arrive at the agreed time' } }] };
  }
}

/** A blank survey: one CSAT question. */
export const blankDefinition = (title: string): Definition => ({ title: { zh: title }, questions: [newQuestion('csat', [])] });

/** Whether a question's answer is a score (branches compare numbers) or a choice (branches compare option values). */
export const isScore = (q: Question) => q.type === 'nps' || q.type === 'csat' || q.type === 'ces' || q.type === 'rating';
export const isChoice = (q: Question) => q.type === 'single' || q.type === 'multiple';

/** The score range of a score question. */
export function scaleOf(q: Question): { min: number; max: number } {
  if (q.type === 'nps' || q.type === 'csat' || q.type === 'ces') return SCALES[q.type];
  if (q.type === 'rating') return { min: 1, max: q.max };
  if (q.type === 'matrix') return q.scale;
  return SCALES.servqual;
}

/** The ops a question's branches may use. */
export function opsFor(q: Question): BranchOp[] {
  if (isScore(q)) return ['eq', 'in', 'lte', 'gte', 'answered', 'skipped'];
  if (isChoice(q)) return ['eq', 'in', 'answered', 'skipped'];
  return ['answered', 'skipped'];
}

/** A definition as the server reads it: empty English texts left out, branches dropped when none. */
export function cleanDefinition(def: Definition): Definition {
  const text = (t: Text | undefined): Text | undefined => (t && t.zh.trim() ? { zh: t.zh.trim(), ...(t.en?.trim() ? { en: t.en.trim() } : {}) } : undefined);
  const must = (t: Text): Text => text(t) ?? { zh: '' };
  const out: Definition = { title: must(def.title), questions: [] };
  const intro = text(def.intro);
  const thanks = text(def.thanks);
  if (intro) out.intro = intro;
  if (thanks) out.thanks = thanks;
  out.questions = def.questions.map((q) => {
    const c = { ...q, text: must(q.text) } as Question;
    const help = text(q.help);
    if (help) c.help = help;
    else delete c.help;
    if (!q.branches?.length) delete c.branches;
    if (c.type === 'single' || c.type === 'multiple') c.options = c.options.map((o) => ({ ...o, text: must(o.text) }));
    if (c.type === 'matrix') c.rows = c.rows.map((r) => ({ ...r, text: must(r.text) }));
    if (c.type === 'servqual') c.items = c.items.map((i) => ({ ...i, text: must(i.text) }));
    return c;
  });
  if (def.dimensionWeights && def.questions.some((q) => q.type === 'servqual')) {
    out.dimensionWeights = Object.fromEntries(DIMENSIONS.map((d) => [d, def.dimensionWeights?.[d] ?? 0]));
  }
  return out;
}

/** Moves item `from` to `to` (a copy). */
export function moved<T>(list: T[], from: number, to: number): T[] {
  const out = [...list];
  const [x] = out.splice(from, 1);
  out.splice(to, 0, x!);
  return out;
}

/** The text in the UI language (the Chinese one when English is missing). */
export const textIn = (t: Text | undefined, lang: string) => (t ? (lang === 'en' && t.en ? t.en : t.zh) : '');
