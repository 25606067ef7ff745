// `npm test`: the integration suite on PGlite, the same suite on PostgreSQL when TEST_DATABASE_URL is set, and the
// browser suite when Chromium is present. Under CI=true nothing may be skipped: a missing server or browser fails.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ci = ['1', 'true', 'yes'].includes(String(process.env.CI ?? '').toLowerCase());
const extra = process.argv.slice(2);
const results = path.join(root, 'test-results');
mkdirSync(results, { recursive: true });

const skipped = [];
const problems = [];

async function postgresReason() {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return 'TEST_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/postgres)';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const { rows } = await client.query('show server_version_num');
    await client.end();
    if (Number(rows[0].server_version_num) < 150000) return `PostgreSQL at TEST_DATABASE_URL is older than 15`;
    return null;
  } catch (err) {
    return `PostgreSQL at TEST_DATABASE_URL is not reachable: ${err.message}`;
  }
}

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const integration = ['pglite'];
const pgReason = await postgresReason();
if (pgReason) (ci ? problems : skipped).push(`postgres suite: ${pgReason}`);
else integration.push('postgres');
let browser = existsSync(chromium);
if (!browser) (ci ? problems : skipped).push(`browser suite: no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH)`);

if (problems.length) {
  console.error(`CI=true and a required suite cannot run:\n  - ${problems.join('\n  - ')}`);
  process.exit(1);
}

/** Runs a node script to its end, its output prefixed with `label` line by line (two suites run at once). */
function run(args, label) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
    for (const [from, to] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ]) {
      let rest = '';
      from.on('data', (d) => {
        const lines = (rest + d.toString()).split('\n');
        rest = lines.pop();
        for (const line of lines) to.write(`${label} ${line}\n`);
      });
      from.on('end', () => rest && to.write(`${label} ${rest}\n`));
    }
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function vitest(projects, outFile, label) {
  rmSync(outFile, { force: true });
  const args = [
    path.join(root, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    ...projects.flatMap((p) => ['--project', p]),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${outFile}`,
    ...extra,
  ];
  const status = await run(args, label);
  let counts = { passed: 0, failed: 0, skipped: 0 };
  if (existsSync(outFile)) {
    const j = JSON.parse(readFileSync(outFile, 'utf8'));
    counts = { passed: j.numPassedTests, failed: j.numFailedTests, skipped: j.numPendingTests + j.numTodoTests };
    // A test that passed on its retry (the browser suite retries once in CI) keeps the first try's errors: listed.
    for (const f of j.testResults ?? []) {
      for (const t of f.assertionResults ?? []) {
        if (t.status === 'passed' && t.failureMessages?.length) {
          console.warn(`${label} FLAKY (passed on retry): ${path.relative(root, f.name)} > ${t.fullName}\n  first try: ${String(t.failureMessages[0]).split('\n')[0]}`);
        }
      }
    }
    // Every file must have run to the end with every test accounted for (a worker that died mid-file is a failure).
    const unfinished = (j.testResults ?? []).filter((f) => !['passed', 'skipped'].includes(f.status)).map((f) => path.relative(root, f.name));
    const unaccounted = j.numTotalTests - j.numPassedTests - j.numFailedTests - j.numPendingTests - j.numTodoTests;
    if (unfinished.length || unaccounted !== 0 || (j.numTotalTestSuites ?? 1) === 0) {
      console.error(`${label} files that did not pass: ${unfinished.join(', ') || '(none)'}; tests unaccounted for: ${unaccounted}`);
      counts.failed = Math.max(counts.failed, unfinished.length, 1);
    }
  } else if (status !== 0) {
    counts.failed = 1;
  }
  return { status, ...counts };
}

/**
 * The integration suite and the browser suite run at the same time: the integration files wait on the database,
 * on child processes and on timers much of the time (about one of the two cores busy), and the browser suite fills
 * the other. One after the other they took ~15 of CI's minutes; side by side, see docs/ARCHITECTURE.md (Tests).
 */
console.log(`\n▶ integration suite on: ${integration.join(', ')}${browser ? '; browser suite (Chromium) alongside' : ''}`);
const browserRun = async () => {
  const build = await run([path.join(root, 'scripts', 'build-web.mjs')], '[web]');
  if (build !== 0) return { status: 1, passed: 0, failed: 1, skipped: 0 };
  // Two browser files at a time beside the integration suite (HEARTH_BROWSER_WORKERS sets it; vitest.config.ts). Measured
  // in clean-clone CI on 2026-12-05: two → integration 1,028 s, browser 816 s, whole run 19:59; one → integration
  // 898 s, browser 1,024 s (then the longer of the two), whole run 20:13.
  return vitest(['browser'], path.join(results, 'browser.json'), '[browser]');
};
const runs = await Promise.all([vitest(integration, path.join(results, 'integration.json'), '[integration]'), ...(browser ? [browserRun()] : [])]);

const total = runs.reduce((a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }), {
  passed: 0,
  failed: 0,
  skipped: 0,
});
console.log('');
console.log(`suites run: ${[...integration, ...(browser ? ['browser'] : [])].join(', ')}`);
for (const s of skipped) console.log(`SKIPPED ${s}`);
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(runs.every((r) => r.status === 0) && total.failed === 0 ? 0 : 1);
