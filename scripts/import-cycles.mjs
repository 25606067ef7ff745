// Import cycles among the source files (src/ and web/src/): `node scripts/import-cycles.mjs` prints them, and
// src/platform/import-cycles.pglite.test.ts fails on any. An ES module cycle makes initialisation order depend on who
// is imported first (a value read before its module ran). This replaced ESLint's import-x/no-cycle, which re-parsed
// every file a second time and was a fifth of the lint step's time (docs/ARCHITECTURE.md, Tests): a scan of the import
// statements is enough, because every relative import here names its file.
//
// Counted: static imports and re-exports, side-effect imports and dynamic `import('…')` with a relative path (as the
// ESLint rule did). Not counted: `import type` / `export type` (erased at compile time), packages.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (/\.(ts|tsx|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The file a relative specifier names: `./x.js` is `./x.ts` (or .tsx) in TypeScript sources; a folder is its index. */
function resolveSpecifier(from, spec) {
  const base = path.resolve(path.dirname(from), spec);
  const stem = base.replace(/\.(js|mjs|jsx)$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? null;
}

/** Comments out (so an example in a comment is no import); string contents are kept. */
function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const STATIC = /(?:^|[\n;}])\s*(import|export)\s+(type\s+)?(?:[\w$*\s{},]*?\s+from\s+)?['"](\.[^'"]*)['"]/g;
const DYNAMIC = /\bimport\(\s*['"](\.[^'"]*)['"]\s*\)/g;

/** The relative imports of one file that exist at run time. */
export function importsOf(file) {
  const text = stripComments(readFileSync(file, 'utf8'));
  const out = new Set();
  for (const m of text.matchAll(STATIC)) {
    if (m[2]) continue; // import type / export type
    const target = resolveSpecifier(file, m[3]);
    if (target) out.add(target);
  }
  for (const m of text.matchAll(DYNAMIC)) {
    const target = resolveSpecifier(file, m[1]);
    if (target) out.add(target);
  }
  return out;
}

/** Every cycle (a strongly connected set of files, or a file importing itself) under `dirs`, as paths from `base`. */
export function importCycles(dirs = [path.join(root, 'src'), path.join(root, 'web', 'src')], base = root) {
  const files = dirs.flatMap((d) => walk(d));
  const graph = new Map(files.map((f) => [f, [...importsOf(f)]]));
  // Tarjan's strongly connected components, iterative (deep import chains must not overflow the stack).
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const cycles = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work = [[start, 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const frame = work[work.length - 1];
      const [v, i] = frame;
      const edges = graph.get(v) ?? [];
      if (i < edges.length) {
        frame[1]++;
        const w = edges[i];
        if (!graph.has(w)) continue;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(v)));
      }
      if (low.get(v) === index.get(v)) {
        const component = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1 || edges.includes(v)) cycles.push(component.map((f) => path.relative(base, f).split(path.sep).join('/')).sort());
      }
    }
  }
  return cycles;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cycles = importCycles();
  for (const c of cycles) console.log(`cycle: ${c.join(' ↔ ')}`);
  console.log(`${cycles.length} import cycle(s)`);
  process.exit(cycles.length ? 1 : 0);
}
