/**
 * `hearth feedback analyse` as a real process (the test run's bundle of the CLI), on no database at all: the contract
 * other tools rely on — one JSON object per input text, in order, on the last stdout line — for a plain file and a
 * TSV with a `text` column; a missing file is one clear line and exit code 1.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killChildren, runHearth } from '../test/spawn.js';

describe('hearth feedback analyse', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hearth-feedback-'));
  // No DATA_DIR database is ever opened: the directory stays empty.
  const env = { DATA_DIR: path.join(dir, 'data'), HEARTH_LOCALE: 'zh-CN' };
  afterEach(killChildren);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one object per line of the file, in order, as the last stdout line', async () => {
    const file = path.join(dir, 'texts.txt');
    writeFileSync(file, '家里暖气片漏水了，地板都泡了\n真是太暖和了，家里才14度\n师傅态度很好，谢谢\n请问什么时候开始供暖？\n');
    const r = await runHearth(['feedback', 'analyse', '--input', file, '--format', 'json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { sentiment: string; score: number; category: string | null; keywords: string[] }[];
    expect(out.map((o) => o.sentiment)).toEqual(['neg', 'neg', 'pos', 'neu']);
    expect(out[0]).toMatchObject({ category: '漏水', keywords: expect.arrayContaining(['漏水']) });
    for (const o of out) {
      expect(Object.keys(o).sort()).toEqual(['category', 'keywords', 'score', 'sentiment']);
      expect(o.score).toBeGreaterThanOrEqual(0);
      expect(o.score).toBeLessThanOrEqual(1);
    }
  });

  it('reads the text column of a TSV; a missing file is one line and exit code 1', async () => {
    const file = path.join(dir, 'texts.tsv');
    writeFileSync(file, 'id\ttext\n1\t暖气贼冷，冻得慌\n2\t一点也不冷，谢谢\n');
    const r = await runHearth(['feedback', 'analyse', '--input', file, '--format', 'json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { sentiment: string }[]).map((o) => o.sentiment)).toEqual(['neg', 'pos']);
    const missing = await runHearth(['feedback', 'analyse', '--input', path.join(dir, 'nope.txt')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`找不到输入文件：${path.join(dir, 'nope.txt')}`);
  });
});
