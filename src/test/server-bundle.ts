/**
 * The server and the `hearth` CLI as two plain JavaScript files, for the processes the tests start. Run through tsx,
 * every process spent about 1.3 s of CPU compiling and resolving ~400 TypeScript modules through a loader thread
 * before doing anything (the tests start ~80 such processes); bundled (esbuild, node_modules left as imports) it
 * starts from one file. Built once per test run by the global setup, from the sources as they are; `npm start` and
 * `bin/hearth.mjs` still run the sources through tsx, and one test each starts them that way (e2e/first-run.test.ts,
 * src/cli/cli.test.ts: `asInstalled` in spawn.ts).
 *
 * The bundle sits two folders below the project root, like `src/platform/version.ts`, so ROOT_DIR (drizzle/, web/dist,
 * package.json) resolves the same from it.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { isAlive } from '../platform/db/client.js';
import { ROOT_DIR } from '../platform/version.js';

export type ServerBundle = { dir: string; server: string; hearth: string };

const BUILDS = path.join(ROOT_DIR, '.test-build');

/**
 * Bundles into `.test-build/<pid>-<project>/` (one folder per test run and project, so that runs side by side —
 * `npm test` runs the integration and browser suites at once — never write over each other's files); folders of
 * runs that are gone are removed first.
 */
export async function buildServerBundle(project: string): Promise<ServerBundle> {
  mkdirSync(BUILDS, { recursive: true });
  for (const name of readdirSync(BUILDS)) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (!pid || (pid !== process.pid && !isAlive(pid))) rmSync(path.join(BUILDS, name), { recursive: true, force: true });
  }
  const outdir = path.join(BUILDS, `${process.pid}-${project.replace(/[^a-z0-9]/gi, '')}`);
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { main: path.join(ROOT_DIR, 'src', 'main.ts'), hearth: path.join(ROOT_DIR, 'src', 'cli', 'main.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return { dir: outdir, server: path.join(outdir, 'main.mjs'), hearth: path.join(outdir, 'hearth.mjs') };
}

/** Removes this run's bundle (global teardown). */
export function removeServerBundle(bundle: ServerBundle): void {
  rmSync(bundle.dir, { recursive: true, force: true });
}
