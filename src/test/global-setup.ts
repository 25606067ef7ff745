/**
 * Vitest global setup, once per project and run: the migrated template databases every test file copies (see
 * templates.ts). pglite: dumps and a data directory under the OS temp dir (kept while the sources are unchanged);
 * postgres: template databases on TEST_DATABASE_URL for this run; browser: the PGlite data directory and, with
 * TEST_DATABASE_URL, a PostgreSQL template, for the servers the browser tests start. For all three, the bundle of the server and the CLI that the tests' child
 * processes run.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ROOT_DIR } from '../platform/version.js';
import { buildServerBundle, removeServerBundle } from './server-bundle.js';
import { buildPgliteTemplates, buildPostgresTemplates, dropPostgresTemplates, type Templates } from './templates.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  let t: Templates | null = null;
  const base = process.env.TEST_DATABASE_URL;
  if (project.name === 'postgres') {
    // Without a server the harness explains why (and scripts/test.mjs skips or fails the suite): nothing to make.
    if (base) t = await buildPostgresTemplates(base);
  } else {
    // pglite, and browser (whose servers start on a copy of the migrated data directory).
    t = await buildPgliteTemplates();
  }
  project.provide('hearthTemplates', t);
  // The browser suite's servers run on PostgreSQL when the run has one (HEARTH_E2E_DB=pglite keeps them on PGlite):
  // a server's every query then runs in PostgreSQL's own process instead of WebAssembly in the server, which made the
  // browser servers a fifth of CI's CPU (docs/ARCHITECTURE.md, Tests). Files about the embedded database itself
  // (first run as installed, the server's sliced demo load) still start on a PGlite data directory.
  let e2ePg: Extract<Templates, { kind: 'postgres' }> | null = null;
  if (project.name === 'browser' && base && process.env.HEARTH_E2E_DB !== 'pglite') e2ePg = await buildPostgresTemplates(base);
  project.provide('hearthE2ePostgres', e2ePg ? { base: base!, template: e2ePg.migrated } : null);
  // The server and the CLI as the tests' child processes run them (server-bundle.ts).
  const bundle = await buildServerBundle(project.name);
  project.provide('hearthServerBundle', bundle);
  if (project.name === 'browser') {
    // The UI, once for the run (the server serves it only if it exists when it starts); the files then need not check.
    const r = spawnSync(process.execPath, [path.join(ROOT_DIR, 'scripts', 'build-web.mjs')], {
      cwd: ROOT_DIR,
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    if (r.status !== 0) throw new Error(`web build failed:\n${r.stdout}\n${r.stderr}`);
    project.provide('hearthWebBuilt', true);
  }
  if (t && process.env.HEARTH_TEST_VERBOSE) console.log(`${project.name}: template databases ready in ${Date.now() - started} ms`);
  return async () => {
    // The PGlite templates stay for the next run (templates.ts removes them once their inputs change and they idle).
    if (t?.kind === 'postgres') await dropPostgresTemplates(base!, t);
    if (e2ePg) await dropPostgresTemplates(base!, e2ePg);
    removeServerBundle(bundle);
  };
}
