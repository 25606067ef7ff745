/**
 * No import cycles among src/ and web/src/ (scripts/import-cycles.mjs; `node scripts/import-cycles.mjs` prints them).
 * DB-free: runs once. The checker itself is tried on a planted tree: a cycle through static imports, one through a
 * re-export and a dynamic import, and type-only imports that make none.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importCycles } from '../../scripts/import-cycles.mjs';

const planted = mkdtempSync(path.join(tmpdir(), 'hearth-cycles-'));
afterAll(() => rmSync(planted, { recursive: true, force: true }));

function plant(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(planted, name)), { recursive: true });
    writeFileSync(path.join(planted, name), text);
  }
}

describe('import cycles', () => {
  it('finds none in the source', () => {
    expect(importCycles()).toEqual([]);
  });

  it('finds a planted cycle, also through re-exports and import(), and not through type-only imports', () => {
    plant({
      'a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'b.ts': "import {\n  a,\n} from './a.js';\nexport const b = 1; void a;\n",
      'types/x.ts': "import type { Y } from './y.js';\nexport type X = { y?: Y };\n",
      'types/y.ts': "import type { X } from './x.js';\nexport type Y = { x?: X };\n// import { x } from './x.js' (a comment, no import)\n",
      'lazy/index.ts': "export * from './page.js';\n",
      'lazy/page.tsx': "export const load = () => import('./index.js');\n",
      'self.ts': "import './self.js';\n",
    });
    expect(importCycles([planted], planted)).toEqual(expect.arrayContaining([['a.ts', 'b.ts'], ['lazy/index.ts', 'lazy/page.tsx'], ['self.ts']]));
    expect(importCycles([planted], planted)).toHaveLength(3);
  });
});
