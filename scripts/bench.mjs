// `npm run bench -- --scale N --db pglite|postgres [...]`: the benchmark suite (bench/run.ts; see docs/BENCHMARKS.md).
// `npm run bench -- --import-only [...]` runs only the import benchmark (bench/import.bench.mjs) with its own options.
// `npm run bench -- --responsive [--scale N ...]` runs only the responsiveness benchmark (bench/responsive.bench.ts):
// the 360 read and /api/health on PGlite while long jobs run.
// `npm run bench -- --segments [--scale N]` runs only the segments and campaigns benchmark (bench/segments.bench.ts, PostgreSQL).
// `npm run bench -- --surveys [--scale N]` runs only the survey benchmark (bench/surveys.bench.ts, PostgreSQL): a send to
// 100,000 households and the results of 100,000 responses.
// `npm run bench -- --feedback-text` runs only the feedback text analysis benchmark (bench/feedback-text.bench.ts): texts
// per second on one core, the model's load time, and the sentiment accuracy on ChnSentiCorp's dev set.
// `npm run bench -- --loyalty [--scale N]` runs only the loyalty upkeep benchmark (bench/loyalty.bench.ts, PostgreSQL): the
// nightly expiry and tier review on N members (default 1,000,000) against a floor of the same writes.
// `npm run bench -- --dashboards-verify [--scale N] [--keep] [--reuse]` runs only the dashboards verification
// (bench/dashboards-verify.ts, PostgreSQL): every home-dashboard figure against independent SQL and its drill-down, on
// the heating demo of N households (default 200,000).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const script = args.includes('--import-only')
  ? ['bench/import.bench.mjs']
  : args.includes('--segments')
    ? ['--import', 'tsx', 'bench/segments.bench.ts']
    : args.includes('--surveys')
      ? ['--import', 'tsx', 'bench/surveys.bench.ts']
      : args.includes('--responsive')
        ? ['--import', 'tsx', 'bench/responsive.bench.ts']
        : args.includes('--feedback-text')
          ? ['--import', 'tsx', 'bench/feedback-text.bench.ts']
          : args.includes('--loyalty')
            ? ['--import', 'tsx', 'bench/loyalty.bench.ts']
            : args.includes('--dashboards-verify')
              ? ['--import', 'tsx', 'bench/dashboards-verify.ts']
              : ['--import', 'tsx', 'bench/run.ts'];
const r = spawnSync(process.execPath, [...script, ...args.filter((a) => !['--import-only', '--responsive', '--segments', '--surveys', '--feedback-text', '--loyalty', '--dashboards-verify'].includes(a))], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
