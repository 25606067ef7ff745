// `npm run bench`: every benchmark under bench/, one after another (extra arguments are passed to each).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.env.BENCH;
let failed = false;
for (const file of readdirSync(path.join(root, 'bench')).filter((f) => f.endsWith('.bench.mjs')).sort()) {
  if (only && !file.startsWith(only)) continue;
  console.log(`\n▶ ${file}`);
  const r = spawnSync(process.execPath, [path.join(root, 'bench', file), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
