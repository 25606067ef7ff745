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

/** Fills the placeholders; a variable without a value becomes empty text and is reported in `missing`. */
export function render(text: string, values: VariableValues, missing: Set<TemplateVariable>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name as TemplateVariable];
    if (value === null || value === undefined || value === '') {
      missing.add(name as TemplateVariable);
      return '';
    }
    return value;
  });
}
