// `npm run bench -- --scale N --db pglite|postgres [...]`: the benchmark suite (bench/run.ts; see docs/BENCHMARKS.md).
// `npm run bench -- --import-only [...]` runs only the import benchmark (bench/import.bench.mjs) with its own options.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const script = args.includes('--import-only') ? ['bench/import.bench.mjs'] : ['--import', 'tsx', 'bench/run.ts'];
const r = spawnSync(process.execPath, [...script, ...args.filter((a) => a !== '--import-only')], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
