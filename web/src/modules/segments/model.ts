/**
 * The builder's editable rule: the server's tree (rule.ts: `{ all } | { any } | { not } | { field, op, value?, params? }`)
 * with an id on every node, NOT as a flag of a group or a condition, and conditions that may still be incomplete.
 * `toRule` drops what is incomplete and records each node's path in the rule it sends (`rule.all.1`), so the server's
 * field errors (`rule.all.1.value`) find their condition again.
 */
import type { SegmentFieldItem } from './api';

type Scalar = string | number;
export type RuleValue = Scalar | boolean | Scalar[];
export type Params = Record<string, string | number | boolean>;

export type CondNode = { id: string; kind: 'cond'; not: boolean; field?: string; op?: string; value?: RuleValue; params: Params };
export type GroupNode = { id: string; kind: 'group'; not: boolean; mode: 'all' | 'any'; children: RuleNode[] };
export type RuleNode = CondNode | GroupNode;

/** The API's rule (opaque to the contract). */
export type ApiRule = { all: ApiRule[] } | { any: ApiRule[] } | { not: ApiRule } | { field: string; op: string; value?: RuleValue; params?: Params };

let seq = 0;
const nextId = () => `n${++seq}`;

export const newCondition = (): CondNode => ({ id: nextId(), kind: 'cond', not: false, params: {} });
export const newGroup = (mode: 'all' | 'any' = 'all', children: RuleNode[] = [newCondition()]): GroupNode => ({ id: nextId(), kind: 'group', not: false, mode, children });

/** Operators that take no value, a list, a pair, or a number of days. */
export const NO_VALUE_OPS = ['isTrue', 'isFalse', 'isEmpty', 'isNotEmpty'];
export const LIST_OPS = ['in', 'notIn', 'hasAny', 'hasAll', 'hasNone'];
export const DAYS_OPS = ['withinDays', 'notWithinDays'];
export type ValueShape = 'none' | 'list' | 'pair' | 'days' | 'single';
export const shapeOf = (op: string | undefined): ValueShape =>
  !op ? 'none' : NO_VALUE_OPS.includes(op) ? 'none' : LIST_OPS.includes(op) ? 'list' : op === 'between' ? 'pair' : DAYS_OPS.includes(op) ? 'days' : 'single';

/** The field's default params (those with a default). */
export function defaultParams(field: SegmentFieldItem): Params {
  const out: Params = {};
  for (const p of field.params ?? []) if (p.default !== undefined) out[p.name] = p.default;
  return out;
}

const filled = (v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && (v.length === 0 || v.some((x) => x === null || x === undefined || x === '')));

/** Whether a condition is complete enough to send (the server checks the rest). */
export function complete(c: CondNode): boolean {
  if (!c.field || !c.op) return false;
  const shape = shapeOf(c.op);
  if (shape === 'none') return true;
  if (shape === 'pair') return Array.isArray(c.value) && c.value.length === 2 && filled(c.value);
  return filled(c.value);
}

function condRule(c: CondNode): ApiRule {
  const out: { field: string; op: string; value?: RuleValue; params?: Params } = { field: c.field!, op: c.op! };
  if (shapeOf(c.op) !== 'none') out.value = c.value;
  const params = Object.fromEntries(Object.entries(c.params).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  if (Object.keys(params).length) out.params = params;
  return out;
}

/**
 * The rule to send, or null when nothing is complete yet; `paths` gets each sent node's path (`rule`, `rule.all.0`,
 * `rule.all.1.not` …) by node id.
 */
export function toRule(node: RuleNode, paths: Map<string, string> = new Map(), path = 'rule'): ApiRule | null {
  const inner = node.not ? `${path}.not` : path;
  let rule: ApiRule | null;
  if (node.kind === 'cond') {
    rule = complete(node) ? condRule(node) : null;
  } else {
    const key = node.mode;
    const kids: ApiRule[] = [];
    for (const child of node.children) {
      const r = toRule(child, paths, `${inner}.${key}.${kids.length}`);
      if (r) kids.push(r);
    }
    rule = kids.length ? (key === 'all' ? { all: kids } : { any: kids }) : null;
  }
  if (!rule) return null;
  paths.set(node.id, path);
  return node.not ? { not: rule } : rule;
}

/** The builder's tree of a stored rule (the root is always a group). */
export function fromRule(rule: unknown): GroupNode {
  const node = nodeOf(rule);
  return node.kind === 'group' ? node : newGroup('all', [node]);
}

function nodeOf(rule: unknown): RuleNode {
  const r = (rule ?? {}) as Record<string, unknown>;
  if (Array.isArray(r.all) || Array.isArray(r.any)) {
    const mode = Array.isArray(r.all) ? 'all' : 'any';
    return { id: nextId(), kind: 'group', not: false, mode, children: (r[mode] as unknown[]).map(nodeOf) };
  }
  if ('not' in r) {
    const inner = nodeOf(r.not);
    return inner.not ? { ...newGroup('all', [inner]), not: true } : { ...inner, not: true };
  }
  // A condition the reader's role may not see (field grants): the server sends only its label, 「（无权查看的条件）」.
  if (r.hidden === true) return { id: nextId(), kind: 'cond', not: false, field: String(r.label ?? ''), params: {} };
  return { id: nextId(), kind: 'cond', not: false, field: r.field as string, op: r.op as string, value: r.value as RuleValue | undefined, params: (r.params as Params | undefined) ?? {} };
}

/** The tree with one node replaced (or removed, when `next` is null). */
export function replaceNode(root: GroupNode, id: string, next: RuleNode | null): GroupNode {
  const walk = (n: RuleNode): RuleNode | null => {
    if (n.id === id) return next;
    if (n.kind === 'cond') return n;
    return { ...n, children: n.children.map(walk).filter((c): c is RuleNode => c !== null) };
  };
  return walk(root) as GroupNode;
}

/**
 * The server's messages on rule parts, by node id: each `errors[].field` under `rule` goes to the node with the
 * longest path that starts it (a message on `rule.all.1.value` to the condition at `rule.all.1`).
 */
export function errorsByNode(errors: { field: string; message: string }[], paths: Map<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const entries = [...paths.entries()].sort((a, b) => b[1].length - a[1].length);
  for (const e of errors) {
    if (e.field !== 'rule' && !e.field.startsWith('rule.')) continue;
    const hit = entries.find(([, p]) => e.field === p || e.field.startsWith(`${p}.`));
    const id = hit?.[0] ?? 'root';
    out.set(id, [...(out.get(id) ?? []), e.message]);
  }
  return out;
}
