import { TEMPLATE_VARIABLES, type TemplateVariable } from './messages.contract.js';

/** `{{ name }}`: two braces, optional spaces, a name. */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

const KNOWN = new Set<string>(TEMPLATE_VARIABLES);
export const knownVariables = TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(' ');

/** What is wrong with a text's placeholders: an unknown variable (the first), or braces that do not close. */
export function placeholderProblem(text: string): { key: 'messages.unknown_variable'; variable: string } | { key: 'messages.unclosed_variable' } | null {
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (!KNOWN.has(m[1]!)) return { key: 'messages.unknown_variable', variable: `{{${m[1]}}}` };
  }
  const rest = text.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) return { key: 'messages.unclosed_variable' };
  return null;
}

/** A zod refinement for a text with placeholders: the issue names the field and the variable, in both languages. */
export function checkPlaceholders(text: unknown, ctx: { addIssue: (issue: { code: 'custom'; message: string; params: Record<string, string> }) => void }): void {
  if (typeof text !== 'string') return;
  const problem = placeholderProblem(text);
  if (!problem) return;
  ctx.addIssue({
    code: 'custom',
    message: problem.key,
    params: problem.key === 'messages.unknown_variable' ? { variable: problem.variable, known: knownVariables } : {},
  });
}

export type VariableValues = Partial<Record<TemplateVariable, string | null>>;

/**
 * Field grants (issue #18): the customer field each variable renders, as grants name it (null: none). `name` and
 * `owner` are always visible (ALWAYS_VISIBLE_FIELDS); `points` is the custom field `points`, which a role may hide.
 * The others are the company's (company, date), the caller's (coupon, surveyLink) or the record's number
 * (customerNo, no grant). Every variable is listed (the type says so): a new one that renders a field (an address)
 * names its grant here, and previews and message views then hide it from a role that does not see the field.
 */
export const VARIABLE_FIELDS: Record<TemplateVariable, string | null> = {
  name: 'name',
  company: null,
  points: 'custom.points',
  date: null,
  owner: 'owner',
  customerNo: null,
  coupon: null,
  surveyLink: null,
};

/** Where a hideable field's value was rendered into a text: [grant field, start, end) in UTF-16 units. */
export type FieldSpan = [field: string, start: number, end: number];

/**
 * Fills the placeholders; a variable without a value becomes empty text and is reported in `missing`. `spans`, when
 * given, receives where the value of each variable bound to a field a role may hide (`hideable`) landed. `hidden`
 * names variables rendered as `placeholder` instead (a preview for a role that does not see their field): such a
 * variable is never reported missing, which would tell that the customer has no value.
 */
export function render(
  text: string,
  values: VariableValues,
  missing: Set<TemplateVariable>,
  opts: { spans?: FieldSpan[]; hideable?: (field: string) => boolean; hidden?: (variable: TemplateVariable) => boolean; placeholder?: string } = {},
): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    out += text.slice(last, m.index);
    last = m.index + m[0].length;
    const name = m[1] as TemplateVariable;
    if (opts.hidden?.(name)) {
      out += opts.placeholder ?? '';
      continue;
    }
    const value = values[name];
    if (value === null || value === undefined || value === '') {
      missing.add(name);
      continue;
    }
    const field = VARIABLE_FIELDS[name];
    if (field && opts.spans && opts.hideable?.(field)) opts.spans.push([field, out.length, out.length + value.length]);
    out += value;
  }
  return out + text.slice(last);
}

/** The `field_spans` column: per text, its length when written and the spans in it. */
export type TextSpans = { length: number; spans: FieldSpan[] };
export type StoredSpans = { subject?: TextSpans; body?: TextSpans };

/**
 * A stored text as a caller sees it: each span of a field the caller's role does not see replaced by `placeholder`.
 * Spans of a text whose length changed since it was written (rewritten: an erased person's messages) are ignored —
 * the rewrite took the value out.
 */
export function maskSpans(text: string, stored: TextSpans | null | undefined, visible: (field: string) => boolean, placeholder: string): string {
  if (!stored?.spans.length || stored.length !== text.length) return text;
  const hide = stored.spans.filter(([f, s, e]) => !visible(f) && s >= 0 && e <= text.length && s <= e).sort((a, b) => b[1] - a[1]);
  let out = text;
  let floor = Infinity;
  for (const [, s, e] of hide) {
    if (e > floor) continue; // overlapping spans: never the case for rendered values, but never mangle either
    out = out.slice(0, s) + placeholder + out.slice(e);
    floor = s;
  }
  return out;
}
