// The web bundle's size budget (issue 12): what a page must download before it can show anything, gzipped.
// Used by scripts/build-web.mjs after every build; the functions are pure so a unit test can feed them a manifest.
import { gzipSync } from 'node:zlib';

/** Gzipped bytes the build may ship: the agent app's initial JavaScript, and a public page in all. */
export const BUDGETS = { appInitialJs: 300 * 1024, publicPage: 60 * 1024 };

export const gzipSize = (buf) => gzipSync(buf, { level: 9 }).length;

/**
 * Files (paths under dist) that loading manifest entry `key` brings, following static imports only (what the browser
 * fetches before the page runs) or also dynamic ones (everything the page can ever load).
 * `manifest` is Vite's .vite/manifest.json: { [key]: { file, imports?, dynamicImports?, css? } }.
 */
export function closure(manifest, key, { dynamic = false } = {}) {
  const js = new Set();
  const css = new Set();
  const seen = new Set();
  const walk = (k) => {
    if (seen.has(k)) return;
    seen.add(k);
    const chunk = manifest[k];
    if (!chunk) throw new Error(`web budget: "${k}" is not in the build manifest`);
    if (chunk.file.endsWith('.js')) js.add(chunk.file);
    for (const c of chunk.css ?? []) css.add(c);
    for (const i of chunk.imports ?? []) walk(i);
    if (dynamic) for (const i of chunk.dynamicImports ?? []) walk(i);
  };
  walk(key);
  return { js: [...js], css: [...css] };
}

/** The manifest key of the page module whose source path ends with `suffix` (e.g. 'accounts/LoginPage.tsx'). */
export function findKey(manifest, suffix) {
  return Object.keys(manifest).find((k) => (manifest[k].src ?? k).endsWith(suffix)) ?? null;
}

/**
 * Measures the build: `manifests.app` and `manifests.public` are the two builds' manifests; `size(file)` gives a
 * file's gzipped size (file relative to dist). Returns the figures the budget checks, plus the sign-in page and the
 * customer list for information.
 */
export function measure(manifests, size) {
  const manifest = manifests.app;
  const sum = (files) => files.reduce((n, f) => n + size(f), 0);
  const app = closure(manifest, 'index.html');
  const appInitialJs = sum(app.js);
  const route = (suffix) => {
    const key = findKey(manifest, suffix);
    if (!key) return null;
    const page = closure(manifest, key);
    return sum([...new Set([...app.js, ...page.js])]);
  };
  const pub = closure(manifests.public, 'public.html', { dynamic: true });
  const publicJs = sum(pub.js);
  const publicCss = sum(pub.css);
  const publicHtml = size('public.html');
  return {
    appInitialJs,
    appCss: sum(app.css),
    appInitialFiles: app.js.length,
    signInJs: route('modules/accounts/LoginPage.tsx'),
    customerListJs: route('modules/customers/CustomerListPage.tsx'),
    publicPage: publicHtml + publicJs + publicCss,
    publicParts: { html: publicHtml, js: publicJs, css: publicCss },
  };
}

/** The budgets a measurement breaks, as sentences (empty when within budget). */
export function overBudget(m, budgets = BUDGETS) {
  const out = [];
  if (m.appInitialJs > budgets.appInitialJs) {
    out.push(`agent app: initial JavaScript is ${kb(m.appInitialJs)} gzipped, over the budget of ${kb(budgets.appInitialJs)} (lazy-load what the first page does not need)`);
  }
  if (m.publicPage > budgets.publicPage) {
    out.push(`public pages (/s/*): ${kb(m.publicPage)} gzipped in all (HTML + CSS + JS), over the budget of ${kb(budgets.publicPage)}`);
  }
  return out;
}

export const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** The lines build-web.mjs prints after every build. */
export function report(m, budgets = BUDGETS) {
  const mark = (v, b) => (v > b ? 'OVER BUDGET' : 'ok');
  const lines = [
    'web bundle sizes (gzipped):',
    `  agent app, initial JS (entry + static imports, ${m.appInitialFiles} files): ${kb(m.appInitialJs)} / budget ${kb(budgets.appInitialJs)}  ${mark(m.appInitialJs, budgets.appInitialJs)}`,
  ];
  lines.push(`    its stylesheet (Ant Design's prebuilt styles and ours): ${kb(m.appCss)}`);
  if (m.signInJs !== null) lines.push(`    sign-in page (/login), JS before it shows: ${kb(m.signInJs)}`);
  if (m.customerListJs !== null) lines.push(`    customer list (/customers), JS before it shows: ${kb(m.customerListJs)}`);
  lines.push(
    `  public pages (/s/*), HTML ${kb(m.publicParts.html)} + CSS ${kb(m.publicParts.css)} + JS ${kb(m.publicParts.js)}: ${kb(m.publicPage)} / budget ${kb(budgets.publicPage)}  ${mark(m.publicPage, budgets.publicPage)}`,
  );
  return lines;
}
