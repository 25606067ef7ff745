// A Vite plugin: `import { Button, Form } from 'antd'` in our sources becomes `import Button from 'antd/es/button'; …`
// (and the same for @ant-design/icons). Rolldown assigns modules to chunks by the import graph, and a barrel index
// that re-exports every component makes each page "reach" all of them: every component used by any page would land
// in the chunks the first page loads. Importing the component modules directly keeps each in the pages using it.
// The map comes from the packages' own index files (`export { default as X } from './x'`), read once.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** name → module path, from the `export { default as Name } from './path'` lines of a package's ES index. */
function defaultReExports(pkg, indexFiles) {
  const map = new Map();
  const root = path.dirname(require.resolve(`${pkg}/package.json`));
  for (const rel of indexFiles) {
    const file = path.join(root, rel);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/export \{ default as (\w+) \} from ["']\.\/([\w/-]+)["']/g)) {
      map.set(m[1], `${pkg}/${path.posix.join(path.posix.dirname(rel), m[2])}`);
    }
  }
  return map;
}

export function directImports() {
  let maps = null;
  const load = () =>
    (maps ??= {
      antd: defaultReExports('antd', ['es/index.js']),
      '@ant-design/icons': defaultReExports('@ant-design/icons', ['es/icons/index.js']),
    });
  const pattern = /import\s*\{([^}]*)\}\s*from\s*(['"])(antd|@ant-design\/icons)\2;?/g;
  return {
    name: 'hearth-direct-imports',
    enforce: 'pre',
    // Chunks exist only in a build; the dev server pre-bundles antd as one dependency and is better left so.
    apply: 'build',
    transform(code, id) {
      if (id.includes('node_modules') || !/\.[jt]sx?$/.test(id) || !/from\s*['"](antd|@ant-design\/icons)['"]/.test(code)) return null;
      const all = load();
      const out = code.replace(pattern, (whole, specs, _q, pkg) => {
        const map = all[pkg];
        const direct = [];
        const types = [];
        const rest = [];
        for (const raw of specs.split(',').map((s) => s.trim()).filter(Boolean)) {
          const isType = raw.startsWith('type ');
          const spec = isType ? raw.slice(5).trim() : raw;
          const [name, local = name] = spec.split(/\s+as\s+/).map((s) => s.trim());
          if (isType) types.push(spec);
          else if (map.has(name)) direct.push(`import ${local} from '${map.get(name)}';`);
          else rest.push(spec);
        }
        const lines = [...direct];
        if (rest.length) lines.push(`import { ${rest.join(', ')} } from '${pkg}';`);
        // Type-only names are erased entirely (`import { type X }` would leave a bare import of the barrel behind).
        if (types.length) lines.push(`import type { ${types.join(', ')} } from '${pkg}';`);
        // Same number of lines, so positions in error messages stay close.
        return lines.join(' ') + '\n'.repeat((whole.match(/\n/g) ?? []).length);
      });
      return out === code ? null : { code: out, map: null };
    },
  };
}
