/**
 * The `hearth analytics fit` contract (no database involved: it runs once, in the embedded-database suite).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../platform/version.js';
import { killChildren, runHearth } from '../test/spawn.js';

const CDNOW = path.resolve(ROOT_DIR, '../shared/data/cdnow');
const haveData = existsSync(CDNOW);
if (!haveData && !process.env.CI) console.warn(`skipping the CDNOW CLI fits: ${CDNOW} is missing (CI requires it)`);

/** `hearth analytics fit` as other tools call it: a real process; no database is opened. */
describe('hearth analytics fit', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hearth-fit-'));
  // A test that timed out leaves its process running (holding the data directory's lock): not past its test.
  afterEach(killChildren);
  afterAll(() => {
    killChildren();
    rmSync(dir, { recursive: true, force: true });
  });

  const hearth = (lang: string, ...args: string[]) =>
    runHearth(['analytics', 'fit', ...args], { LANG: lang, HEARTH_LOCALE: lang.startsWith('en') ? 'en' : 'zh-CN' });
  const lastLine = (s: string) => JSON.parse(s.trim().split('\n').pop()!);

  it.skipIf(!haveData && !process.env.CI)('fits BG/NBD, Pareto/NBD and Gamma-Gamma on the CDNOW files; JSON on the last line', async () => {
    const summary = path.join(CDNOW, 'cdnow_customers_summary.csv');
    const [bg, pn, gg, text] = await Promise.all([
      hearth('zh_CN.UTF-8', '--model', 'bgnbd', '--input', summary, '--format', 'json'),
      hearth('zh_CN.UTF-8', '--model', 'pnbd', '--input', summary, '--format', 'json'),
      hearth('zh_CN.UTF-8', '--model', 'gg', '--input', path.join(CDNOW, 'cdnow_customers_summary_with_transactions.csv'), '--format', 'json'),
      hearth('zh_CN.UTF-8', '--model', 'bgnbd', '--input', summary),
    ]);
    expect(bg.code, bg.stderr).toBe(0);
    const b = lastLine(bg.stdout);
    expect(Object.keys(b)).toEqual(['model', 'params', 'logLik', 'n']);
    expect(b.model).toBe('bgnbd');
    expect(Object.keys(b.params)).toEqual(['r', 'alpha', 'a', 'b']);
    expect(b.params.r).toBeCloseTo(0.2426, 3);
    expect(b.params.alpha).toBeCloseTo(4.4136, 2);
    expect(b.logLik).toBeCloseTo(-9582.43, 1);
    expect(b.n).toBe(2357);
    const p = lastLine(pn.stdout);
    expect(Object.keys(p.params)).toEqual(['r', 'alpha', 's', 'beta']);
    expect(p.params.beta).toBeCloseTo(11.669, 0);
    const g = lastLine(gg.stdout);
    expect(g).toMatchObject({ model: 'gg', n: 946 });
    expect(Object.keys(g.params)).toEqual(['p', 'q', 'v']);
    expect(g.params.q).toBeCloseTo(3.74, 1);
    expect(text.stdout).toContain('BG/NBD 拟合完成（2357 位客户）');
    expect(text.stdout).toContain('对数似然 -9582.43');
  });

  it('fits sBG on cohort survivors', async () => {
    const r = await hearth('en_US.UTF-8', '--model', 'sbg', '--survivors', '1000,631,468,382,326,289,262,241', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const s = lastLine(r.stdout);
    expect(s.model).toBe('sbg');
    expect(s.params.alpha).toBeCloseTo(0.704, 2);
    expect(s.params.beta).toBeCloseTo(1.182, 2);
    expect(s.n).toBe(1000);
  });

  it('explains bad input on stderr with exit code 1 and no stack trace', async () => {
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, 'ID,frequency,recency,T\n1,2,30.4,38.9\n2,1,abc,38.9\n');
    const noCols = path.join(dir, 'nocols.csv');
    writeFileSync(noCols, 'ID,visits,last\n1,2,3\n');
    const results = await Promise.all([
      hearth('zh_CN.UTF-8', '--model', 'bgnbd', '--input', bad, '--format', 'json'),
      hearth('zh_CN.UTF-8', '--model', 'bgnbd', '--input', noCols),
      hearth('zh_CN.UTF-8', '--model', 'gg', '--input', bad),
      hearth('zh_CN.UTF-8', '--model', 'bgnbd', '--input', path.join(dir, 'missing.csv')),
      hearth('zh_CN.UTF-8', '--model', 'sbg', '--input', bad, '--survivors', '1000,600'),
      hearth('en_US.UTF-8', '--model', 'bgnbd'),
    ]);
    const [nonNumber, columns, noMonetary, missing, both, neither] = results;
    for (const r of results) {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(nonNumber!.stderr).toContain('第 3 行「recency」列不是有效数字：「abc」');
    expect(columns!.stderr).toContain('CSV 缺少所需的列：frequency|x, recency|t_x, T');
    expect(noMonetary!.stderr).toContain('monetary_value|zbar|m');
    expect(missing!.stderr).toContain('找不到输入文件');
    expect(both!.stderr).toContain('不能同时给出');
    expect(neither!.stderr).toContain('Give exactly one of --input FILE.csv or --survivors');
  });
});
