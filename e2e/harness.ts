/**
 * Browser-test harness: the real server as a child process on a fresh database (a copy of the run's migrated data
 * directory), Chromium through playwright-core — one browser process per test file, a fresh context (profile) for
 * every launchBrowser() — screenshots per step (HEARTH_E2E_SHOTS=1), and a small HTTP client to seed data through the API.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { e2ePostgres, scratchPostgres, seedDataDir } from '../src/test/provided.js';
import { entryArgs, killGroup, spawnGroup } from '../src/test/spawn.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ADMIN = { username: 'admin', password: 'Admin1234', displayName: '系统管理员' };
export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };
/** How long to wait for something to show up on screen. */
export const WAIT = 20_000;

/**
 * Builds web/dist when its sources changed (the server only serves the UI if it exists when it starts). The browser
 * suite's global setup has done it once for the run; only files run without it build here.
 */
export function buildWeb(): void {
  if (inject('hearthWebBuilt')) return;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-web.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error(`web build failed:\n${r.stdout}\n${r.stderr}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export type ServerHandle = { url: string; stop: () => Promise<void>; output: () => string; database: 'pglite' | 'postgres' };

/**
 * Starts the server (the run's bundle of it; `src/main.ts` through tsx as `npm start` runs it with `asInstalled`) on a
 * fresh database and a free port; resolves once /api/health answers. The database is a copy of the run's migrated
 * one (not set up), so the server skips initdb and the migrations: on PostgreSQL when the run has it (the global
 * setup's `hearthE2ePostgres`: CI), else a PGlite data directory. `embedded` (and `asInstalled`, and a caller's
 * prepared `dataDir`) keep PGlite: the files that are about the embedded database itself. `databaseUrl`: a
 * PostgreSQL database the caller prepared (e.g. with `hearth demo load`), used as it is.
 * The process runs in a process group of its own, killed if it does not stop.
 */
export async function startServer(asInstalled = false, opts: { dataDir?: string; embedded?: boolean; databaseUrl?: string } = {}): Promise<ServerHandle> {
  // A data directory the caller prepared (e.g. with `hearth demo load`) is used as it is, and removed on stop.
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'hearth-e2e-data-'));
  const pgTemplate = asInstalled || opts.embedded || opts.dataDir || opts.databaseUrl ? null : await e2ePostgres();
  const scratch = pgTemplate ? await scratchPostgres(pgTemplate.base, 'hearth_e2e', pgTemplate.template) : null;
  const databaseUrl = opts.databaseUrl ?? scratch?.url;
  if (!opts.dataDir && !databaseUrl) await seedDataDir(dataDir);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawnGroup(process.execPath, entryArgs('server', asInstalled), {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await scratch?.drop();
      throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      await scratch?.drop();
      throw new Error(`server did not become healthy within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }

  return {
    url,
    output: () => output,
    database: databaseUrl ? 'postgres' : 'pglite',
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
      await scratch?.drop();
    },
  };
}

export type BrowserHandle = {
  context: BrowserContext;
  page: Page;
  /** Dialogs (alert / confirm / prompt) the page opened; dismissed at once. */
  dialogs: string[];
  /** Uncaught errors in the page. */
  pageErrors: string[];
  close: () => Promise<void>;
};

let shared: Promise<Browser> | null = null;

/**
 * The test process's one Chromium, started on first use and kept for the next files of the same worker (the browser
 * project runs its files without isolation: a Chromium costs ~0.8 CPU-s and a couple of seconds to start, a worker
 * more). Every test still gets a fresh context (its own cookies, storage and cache). A Chromium that went away is
 * started again; it ends with the worker.
 */
function sharedBrowser(): Promise<Browser> {
  shared ??= chromium
    .launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      headless: true,
    })
    .then((b) => {
      b.once('disconnected', () => {
        shared = null;
      });
      return b;
    });
  return shared;
}

/** Closes the shared Chromium (a file that needs a new one; otherwise it ends with the test process). */
export async function closeSharedBrowser(): Promise<void> {
  const b = shared;
  shared = null;
  await (await b?.catch(() => null))?.close();
}

/**
 * A fresh browser context (its own cookies, storage and cache, like a new profile) in the shared Chromium; one page,
 * 1366×768 unless told otherwise.
 */
export async function launchBrowser(viewport = DESKTOP): Promise<BrowserHandle> {
  const browser = await sharedBrowser();
  const context = await browser.newContext({ viewport, acceptDownloads: true, reducedMotion: 'reduce' });
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return {
    context,
    page,
    dialogs,
    pageErrors,
    close: async () => {
      await context.close();
    },
  };
}

/** WeChat's in-app browser on an iPhone (the public survey page adapts to it). */
export const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN';

/**
 * A (Chinese) phone in WeChat beside `browser`'s context, in the same Chromium: phone width, touch, zh-CN, WeChat's
 * user agent; JavaScript on or off. The caller closes it.
 */
export async function phoneContext(browser: BrowserHandle, { js }: { js: boolean }): Promise<BrowserContext> {
  const context = await browser.context.browser()!.newContext({
    viewport: PHONE,
    userAgent: WECHAT_UA,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    reducedMotion: 'reduce',
    javaScriptEnabled: js,
  });
  context.setDefaultTimeout(WAIT);
  return context;
}

/** What the tests of one file share: one server, one browser. */
export type Suite = { server: ServerHandle; browser: BrowserHandle };

/**
 * One server and one browser for a test file, on the file's hooks: before all its tests, builds the UI and starts both,
 * then runs `setup` (seeding, signing in) and adds what it returns to the suite; after a failed test, a screenshot;
 * after all, closes both. Call it at the top of the file; the suite is filled in by the time the tests run.
 */
export function browserSuite<T extends object = Record<never, never>>(setup?: (suite: Suite) => Promise<T | void>, viewport = DESKTOP): Suite & T {
  const suite = {} as Suite & T;
  beforeAll(async () => {
    buildWeb();
    [suite.server, suite.browser] = await Promise.all([startServer(), launchBrowser(viewport)]);
    Object.assign(suite, await setup?.(suite));
  });
  afterEach(async ({ task }) => shotIfFailed(suite.browser?.page, task));
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });
  return suite;
}

/**
 * Screenshots of a test's steps, test-results/screenshots/<test-name>/<nn-step>.png, taken when HEARTH_E2E_SHOTS=1
 * (to look at the pages, e.g. for a note): the suite has ~440 steps, and each PNG of 1366×768 costs Chromium ~60–100 ms
 * of CPU, ~40 CPU-s and a minute of the browser suite per CI run that nobody looks at. A failed test's screen is
 * always saved (shotIfFailed).
 */
export class Shots {
  private n = 0;
  readonly dir: string;
  private readonly on = process.env.HEARTH_E2E_SHOTS === '1';
  constructor(testName: string) {
    this.dir = path.join(ROOT, 'test-results', 'screenshots', testName);
    if (!this.on) return;
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }
  async take(page: Page, step: string): Promise<string | null> {
    this.n += 1;
    if (!this.on) return null;
    const file = path.join(this.dir, `${String(this.n).padStart(2, '0')}-${step}.png`);
    await page.screenshot({ path: file, fullPage: false, animations: 'disabled' });
    return file;
  }
}

/** Polls until `check` returns true (for conditions no single locator expresses). */
export async function until(check: () => Promise<boolean>, what: string, timeout = WAIT): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Saves a screenshot of the page when the current test failed (test-results/screenshots/failures/). */
export async function shotIfFailed(page: Page | undefined, task: { name: string; result?: { state?: string } }): Promise<void> {
  if (!page || task.result?.state !== 'fail') return;
  const dir = path.join(ROOT, 'test-results', 'screenshots', 'failures');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${task.name.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 80)}.png`) }).catch(() => undefined);
}

/** Waits until the text is visible on the page (first match). */
export async function see(scope: Page | Locator, text: string | RegExp, timeout = WAIT): Promise<Locator> {
  const loc = scope.getByText(text).first();
  await loc.waitFor({ state: 'visible', timeout });
  return loc;
}

/** Waits until nothing with the text is visible any more. */
export async function gone(scope: Page | Locator, text: string | RegExp, timeout = WAIT): Promise<void> {
  await scope.getByText(text).first().waitFor({ state: 'hidden', timeout });
}

/** The rows of the tables on the page (antd), in order. */
export function tableRows(page: Page): Locator {
  return page.locator('.ant-table-tbody tr.ant-table-row');
}

/**
 * Picks an option of an antd Select: opens it by its aria-label / locator, then clicks the option's text. Long lists
 * are virtual (only the first options exist): give `search` to type into a searchable select first.
 */
export async function pick(page: Page, select: Locator, option: string, search?: string): Promise<void> {
  await select.click();
  if (search) await select.fill(search);
  await page.locator('.ant-select-dropdown:visible, .ant-tree-select-dropdown:visible').getByTitle(option, { exact: true }).first().click();
}

// ---- seeding through the API -------------------------------------------------------------------------------

type Json = Record<string, unknown>;

/** An HTTP client signed in as one user (cookie + CSRF token), speaking zh-CN. */
export class Api {
  private cookie = '';
  private csrf = '';
  constructor(readonly base: string) {}

  async request<T = Json>(method: string, url: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { 'accept-language': 'zh-CN' };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.base + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const text = await res.text();
    const data = text ? (JSON.parse(text) as T) : (undefined as T);
    if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text}`);
    return data;
  }
  get = <T = Json>(url: string) => this.request<T>('GET', url);
  post = <T = Json>(url: string, body: unknown = {}) => this.request<T>('POST', url, body);
  patch = <T = Json>(url: string, body: unknown) => this.request<T>('PATCH', url, body);
  delete = <T = Json>(url: string, body?: unknown) => this.request<T>('DELETE', url, body);

  async login(login: string, password: string): Promise<this> {
    const r = await this.post<{ csrfToken: string }>('/api/v1/auth/login', { login, password });
    this.csrf = r.csrfToken;
    return this;
  }
}

/** First-run setup through the API, then an admin client. */
export async function seedCompany(base: string, companyName = '示例供热有限公司', template: 'blank' | 'heating' = 'heating'): Promise<Api> {
  const anon = new Api(base);
  await anon.post('/api/v1/setup', { companyName, template, admin: ADMIN });
  return new Api(base).login(ADMIN.username, ADMIN.password);
}

/** Signs the browser in through the API (the sign-in page has its own test) and opens `path`. */
export async function signIn(browser: BrowserHandle, base: string, path = '/customers', user = ADMIN.username, password = ADMIN.password): Promise<Page> {
  const res = await browser.context.request.post(`${base}/api/v1/auth/login`, { data: { login: user, password } });
  if (!res.ok()) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
  await browser.page.goto(base + path);
  return browser.page;
}

/**
 * The visible antd dialog of a page, a wait for it to close, and opening one with a button: `openDialog` waits
 * until the dialog has finished zooming in, because a click during the animation can miss.
 */
export function dialogHelpers(page: () => Page) {
  const dialog = () => page().locator('.ant-modal-wrap:visible');
  const closed = () => dialog().waitFor({ state: 'detached' });
  async function openDialog(button: Locator): Promise<void> {
    await button.click();
    await dialog().waitFor();
    await expect
      .poll(
        () =>
          dialog()
            .locator('.ant-modal')
            .evaluate((m: { className: string; getAnimations: () => unknown[] }) => !/-(appear|enter)/.test(m.className) && m.getAnimations().length === 0),
        { timeout: WAIT },
      )
      .toBe(true);
  }
  return { dialog, closed, openDialog };
}
