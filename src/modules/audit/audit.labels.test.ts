/**
 * Every action code and entity type the code base can write to the audit log has a label in zh-CN and in English.
 * The codes are read from the sources (as scripts/boundaries.mjs reads them): each `recordAudit(…)` call's `action` and
 * `entityType` string literals, the tickets' `audit(db, actor, '<code>', …)` helper, and the few calls that build a
 * code at run time, whose values are listed in DYNAMIC (and checked to still appear in their file). A new code
 * without a label, or a new computed one not listed here, fails this test.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import '../../messages.js';
import { auditLabel } from './audit.service.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Calls whose action or entity type is computed: file → the values it can take. */
const DYNAMIC: Record<string, { action?: string[]; entityType?: string[] }> = {
  // The importer's updates, collected as AuditEntry objects and recorded in one call.
  'src/modules/customers/import.ts': { action: ['update'], entityType: ['customer'] },
  // updateTask's action by what changed; auditTarget: the customer's, or the task's own when it has none.
  'src/modules/interactions/tasks.service.ts': { action: ['task_update', 'task_cancel', 'task_reopen'], entityType: ['customer', 'task'] },
  // updateArticle's audit option: an edit, or restoring an earlier version.
  'src/modules/kb/kb.service.ts': { action: ['update', 'restore_version'] },
  // The tickets' audit helper: its codes are read from its callers (WRAPPERS).
  'src/modules/tickets/tickets.writes.ts': { action: [] },
};

/** Helpers that call recordAudit with a code their callers pass: where the callers are and the entity type. */
const WRAPPERS = [{ under: 'src/modules/tickets/', call: /(?<![\w.])audit\(\s*[^,()]+(?:\([^)]*\))?\s*,\s*[^,]+,\s*([^,]+),/g, entityType: 'ticket' }];

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.tsx?$/.test(name) && !/\.(test|oracle|messages)\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

/** The text of a call from its opening parenthesis to the matching closing one. */
function callText(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open, i + 1);
  }
  return text.slice(open);
}

const literals = (expr: string) => [...expr.matchAll(/'([a-z0-9_.]+)'/g)].map((m) => m[1]!);

/** Every action code and entity type written, and what could not be read. */
function auditCodes() {
  const actions = new Map<string, string>(); // code → where
  const entities = new Map<string, string>();
  const problems: string[] = [];
  const files = walk(path.join(ROOT, 'src')).filter((f) => !path.relative(ROOT, f).startsWith('src/modules/audit/'));
  for (const file of files) {
    const rel = path.relative(ROOT, file).split(path.sep).join('/');
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\brecordAudit\(/g)) {
      const lineStart = text.lastIndexOf('\n', m.index) + 1;
      if (/^\s*(import|export|\/\/|\*)/.test(text.slice(lineStart, m.index))) continue;
      const where = `${rel}:${text.slice(0, m.index).split('\n').length}`;
      const call = callText(text, m.index + 'recordAudit'.length);
      for (const [prop, into] of [['action', actions], ['entityType', entities]] as const) {
        const exprs = [...call.matchAll(new RegExp(`\\b${prop}\\s*:\\s*([^,\\n}]+)`, 'g'))].map((x) => x[1]!);
        const found = exprs.flatMap(literals);
        const computed = !exprs.length || exprs.some((e) => !literals(e).length);
        for (const code of found) into.set(code, where);
        if (!computed) continue;
        const listed = DYNAMIC[rel]?.[prop];
        if (!listed) problems.push(`${where}: a computed ${prop}; list its values in DYNAMIC`);
        for (const code of listed ?? []) {
          if (!text.includes(`'${code}'`)) problems.push(`${rel}: DYNAMIC ${prop} '${code}' no longer appears in the file`);
          into.set(code, rel);
        }
      }
    }
    for (const w of WRAPPERS) {
      if (!rel.startsWith(w.under)) continue;
      for (const m of text.matchAll(w.call)) {
        const where = `${rel}:${text.slice(0, m.index).split('\n').length}`;
        const codes = literals(m[1]!);
        if (!codes.length) {
          if (!/^\s*action\s*:\s*string\s*$/.test(m[1]!)) problems.push(`${where}: a computed action passed to audit(); pass a literal`);
          continue;
        }
        for (const code of codes) actions.set(code, where);
        entities.set(w.entityType, where);
      }
    }
  }
  return { actions, entities, problems };
}

const CJK = /[\u3400-\u9fff]/;

describe('audit labels', () => {
  const { actions, entities, problems } = auditCodes();

  it('reads every audit code from the sources', () => {
    expect(problems).toEqual([]);
    // The scan works: the codes of the report and the common ones are found.
    for (const code of ['create', 'update', 'login', 'ticket_reply', 'analytics.run', 'demo.load', 'task_cancel', 'restore_version', 'ticket_create']) {
      expect(actions.has(code), code).toBe(true);
    }
    for (const type of ['customer', 'kb_article', 'task', 'ticket', 'settings']) expect(entities.has(type), type).toBe(true);
    expect(actions.size).toBeGreaterThan(100);
    expect(entities.size).toBeGreaterThan(25);
  });

  it('labels every action code and entity type in zh-CN and English', () => {
    const missing: string[] = [];
    for (const [kind, codes] of [['action', actions], ['entity', entities]] as const) {
      for (const [code, where] of codes) {
        const zh = auditLabel('zh-CN', kind, code);
        const en = auditLabel('en', kind, code);
        if (zh === code || !CJK.test(zh)) missing.push(`audit.${kind}.${code} (zh-CN; written at ${where})`);
        if (en === code || CJK.test(en)) missing.push(`audit.${kind}.${code} (en; written at ${where})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('falls back to the code itself for one no catalogue labels', () => {
    expect(auditLabel('zh-CN', 'action', 'no_such_action')).toBe('no_such_action');
    expect(auditLabel('en', 'entity', 'no_such_entity')).toBe('no_such_entity');
    expect(auditLabel('zh-CN', 'action', 'ticket_reply')).toBe('回复客户');
    expect(auditLabel('en', 'entity', 'kb_article')).toBe('Knowledge-base article');
  });
});
