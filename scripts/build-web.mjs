// Builds the web UI into web/dist when its sources are newer than the last build (or with --force), then measures it
// against the size budget (scripts/web-budget.mjs; the build fails when over) and writes .br/.gz copies of every
// text asset, which the server sends to browsers that accept them (@fastify/static `preCompressed`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { measure, overBudget, report } from './web-budget.mjs';

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
if (!force && existsSync(marker) && existsSync(path.join(web, 'dist', 'public.html')) && statSync(marker).mtimeMs >= sources()) {
  console.log('web UI is up to date (web/dist)');
  process.exit(0);
}
console.log('building the web UI …');
const vite = (...args) =>
  spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(web, 'vite.config.ts'), '--logLevel', 'warn', ...args], {
    cwd: root,
    stdio: 'inherit',
  });
// The agent app first (it empties web/dist), then the public pages beside it (web/vite.config.ts says why two builds).
for (const args of [[], ['--mode', 'public']]) {
  const r = vite(...args);
  if (r.status !== 0) {
    rmSync(marker, { force: true }); // half a build: never "up to date"
    process.exit(r.status ?? 1);
  }
}

const dist = path.join(web, 'dist');
const readManifest = (name) => JSON.parse(readFileSync(path.join(dist, '.vite', name), 'utf8'));
const manifests = { app: readManifest('manifest.json'), public: readManifest('manifest.public.json') };

// Pre-compressed copies: gzip (level 9) and brotli (quality 11), once here instead of on every request.
const gzipped = new Map();
const compressible = /\.(js|css|html|svg|json|txt)$/;
function compressDir(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.vite') compressDir(p);
      continue;
    }
    if (!compressible.test(entry.name)) continue;
    const raw = readFileSync(p);
    const gz = gzipSync(raw, { level: 9 });
    gzipped.set(path.relative(dist, p).split(path.sep).join('/'), gz.length);
    if (raw.length < 1024) continue; // too small to gain anything: sent as it is
    writeFileSync(`${p}.gz`, gz);
    writeFileSync(`${p}.br`, brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } }));
  }
}
compressDir(dist);

const sizes = measure(manifests, (file) => {
  const n = gzipped.get(file);
  if (n === undefined) throw new Error(`web budget: ${file} is not in web/dist`);
  return n;
});
for (const line of report(sizes)) console.log(line);
const over = overBudget(sizes);
if (over.length) {
  for (const line of over) console.error(`web build failed: ${line}`);
  // Not served, and rebuilt next time (the up-to-date check looks at index.html).
  rmSync(marker, { force: true });
  process.exit(1);
}
