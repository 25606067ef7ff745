/**
 * CI's use of the core that typecheck leaves idle while lint runs (.ci/run): the migrated PGlite templates that
 * the integration and browser suites copy (kept under the OS temp dir, src/test/templates.ts) and the web UI build
 * (web/dist), both made before `npm test` so that its global setup finds them ready. Nothing here is required: a
 * failure is printed and `npm test` makes them itself.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildPgliteTemplates } from '../src/test/templates.js';
import { ROOT_DIR } from '../src/platform/version.js';

const t0 = Date.now();
try {
  await buildPgliteTemplates();
  console.log(`warm: PGlite templates ready in ${Date.now() - t0} ms`);
} catch (err) {
  console.log(`warm: PGlite templates not made (npm test will make them): ${(err as Error).message}`);
}
const t1 = Date.now();
const web = spawnSync(process.execPath, [path.join(ROOT_DIR, 'scripts', 'build-web.mjs')], { cwd: ROOT_DIR, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
console.log(web.status === 0 ? `warm: web UI built in ${Date.now() - t1} ms` : `warm: web build failed (npm test will try again):\n${web.stdout}\n${web.stderr}`);
