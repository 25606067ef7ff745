#!/usr/bin/env node
// Module boundaries, checked at the level of the source text (the test src/platform/boundaries.pglite.test.ts runs
// the same checks): who reads `actor.scope`, which module's code names another module's tables or settings keys.
// `node scripts/boundaries.mjs` prints every finding; exit code 1 when there is one.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

// Tests, and a test's oracle (`*.oracle.ts`: the plain re-implementation a test compares against, which reads the rows
// with simple SQL on purpose).
const isTest = (f) => /\.(test|oracle)\.tsx?$/.test(f);
const rel = (f) => path.relative(root, f);

/** The one file allowed to read an actor's scope. */
export const SCOPE_READER = 'src/platform/auth/access.ts';

export function findings() {
  const out = [];
  const modulesDir = path.join(root, 'src/modules');
  const modules = readdirSync(modulesDir).filter((m) => statSync(path.join(modulesDir, m)).isDirectory());
  const files = walk(path.join(root, 'src')).filter((f) => !isTest(f));

  // 1. actor.scope outside the access component.
  for (const f of files) {
    if (rel(f) === SCOPE_READER) continue;
    const text = readFileSync(f, 'utf8');
    text.split('\n').forEach((line, i) => {
      if (/\bactor\??\.scope\b/.test(line)) out.push({ kind: 'scope', file: rel(f), line: i + 1, text: line.trim() });
    });
  }

  // 2. Tables (and views) by owning module.
  const owner = new Map();
  for (const m of modules) {
    for (const f of walk(path.join(modulesDir, m))) {
      if (!/schema\.ts$/.test(f)) continue;
      const text = readFileSync(f, 'utf8');
      // Tables are private to their module; views (pgView) are what a module exports for others to read.
      for (const match of text.matchAll(/pgTable\(\s*'([a-z0-9_]+)'/g)) owner.set(match[1], m);
    }
  }
  const moduleOf = (f) => {
    const r = rel(f);
    const m = /^src\/modules\/([^/]+)\//.exec(r);
    return m ? m[1] : null;
  };
  for (const f of files) {
    const m = moduleOf(f);
    if (!m) continue;
    const text = readFileSync(f, 'utf8');
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (/^\s*(\/\/|\*|\/\*)/.test(line)) return; // comments
      // Another module's schema (its table objects): only a schema.ts may import one, for foreign keys. A module's views
      // are imported through its index.ts like everything else it exports.
      const imp = /from '\.\.\/(?:\.\.\/)?([a-z]+)\/schema\.js'/.exec(line);
      if (imp && imp[1] !== m && !/schema\.ts$/.test(f)) out.push({ kind: 'table-import', file: rel(f), line: i + 1, text: line.trim() });
      // Raw SQL naming another module's table.
      for (const mm of line.matchAll(/\b(?:from|join|into|update|table|exists)\s+"?([a-z0-9_]+)"?/gi)) {
        const t = mm[1].toLowerCase();
        const o = owner.get(t);
        if (o && o !== m) out.push({ kind: 'sql-table', file: rel(f), line: i + 1, text: `${t} (of ${o}): ${line.trim()}` });
      }
      // Another module's settings key.
      for (const mm of line.matchAll(/'([a-z]+)\.settings'/g)) {
        if (mm[1] !== m && modules.includes(mm[1])) out.push({ kind: 'settings-key', file: rel(f), line: i + 1, text: line.trim() });
      }
    });
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const list = findings();
  for (const f of list) console.log(`${f.kind.padEnd(13)} ${f.file}:${f.line}  ${f.text.slice(0, 140)}`);
  const byKind = {};
  for (const f of list) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
  console.log(`\n${list.length} findings`, byKind);
  process.exit(list.length ? 1 : 0);
}
