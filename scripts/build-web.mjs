// Builds the web UI into web/dist when its sources are newer than the last build (or with --force).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const marker = path.join(web, 'dist', 'index.html');

function newest(dir, counts = () => true) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p, counts) : counts(entry.name) ? statSync(p).mtimeMs : 0);
  }
  return t;
}

/** The server files the UI imports (types and constants shared with it) are its sources too. */
const sharedWithUi = (name) => name.endsWith('.contract.ts') || name === 'catalog.ts';

const force = process.argv.includes('--force');
const sources = () => Math.max(newest(web), newest(path.join(root, 'src'), sharedWithUi));
if (!force && existsSync(marker) && statSync(marker).mtimeMs >= sources()) {
  console.log('web UI is up to date (web/dist)');
  process.exit(0);
}
console.log('building the web UI …');
const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(web, 'vite.config.ts'), '--logLevel', 'warn'], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
