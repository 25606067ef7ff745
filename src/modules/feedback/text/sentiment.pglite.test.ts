/**
 * The shipped sentiment model on data it never saw: ChnSentiCorp's dev.tsv (../shared/data, read in place) and the
 * heating set's test rows. Pure functions, no database: the file runs once, in the embedded-database suite.
 * Without ../shared/data the ChnSentiCorp part is skipped with its reason, except under CI=true, where it fails.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../../platform/version.js';
import { analyseSentiment, loadSentimentModel } from './index.js';
import { labelOf, MODEL_FILE, scoreText, sentimentModel } from './sentiment.js';
import { readTsv, withoutOverlap } from './train/corpus.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DATA = path.resolve(ROOT_DIR, '../shared/data/sentiment/chnsenticorp');
const haveData = existsSync(path.join(DATA, 'dev.tsv')) && existsSync(path.join(DATA, 'train.tsv'));
const ci = process.env.CI === 'true';
const missing = `ChnSentiCorp not found at ${DATA} (../shared/data beside the checkout)`;

/**
 * The issue asks for 94 % on dev. Trained honestly (no dev text, no near copy of one, in training) the model reaches
 * 89.83 %; the README's reference NB-SVM (92.5 %) reaches it only with the 338 dev texts that train.tsv holds verbatim,
 * and 89.00 % without them (docs/FEEDBACK-TEXT.md, "Why not 94%"). The floor is the reached accuracy less 0.3 points.
 */
const DEV_FLOOR = 0.895;

beforeAll(() => {
  const t0 = performance.now();
  loadSentimentModel();
  console.log(`sentiment model loaded in ${(performance.now() - t0).toFixed(0)} ms (jieba dictionary included)`);
});

describe('ChnSentiCorp dev (binary: positive when polarity ≥ 0.5)', () => {
  if (!haveData && !ci) {
    it.skip(`skipped: ${missing}`, () => {});
    console.log(`skipping the ChnSentiCorp checks: ${missing}`);
    return;
  }

  it('has the data (CI=true requires ../shared/data)', () => {
    expect(haveData, missing).toBe(true);
  });

  it('scores on dev.tsv, which no training row equals or nearly copies', () => {
    if (!haveData) return;
    const dev = readTsv(path.join(DATA, 'dev.tsv'));
    const inTrain = new Set(readTsv(path.join(DATA, 'train.tsv')).map((r) => r.text.trim()));
    const m = sentimentModel();
    let ok = 0;
    const split = { copied: [0, 0], other: [0, 0] };
    for (const r of dev) {
      const right = (scoreText(r.text, m).polarity >= 0.5 ? '1' : '0') === r.label;
      if (right) ok++;
      const part = inTrain.has(r.text.trim()) ? split.copied : split.other;
      part[1]!++;
      if (right) part[0]!++;
    }
    const accuracy = ok / dev.length;
    const share = ([a, n]: number[]) => `${((100 * a!) / n!).toFixed(2)}% (${a}/${n})`;
    console.log(`ChnSentiCorp dev accuracy: ${(100 * accuracy).toFixed(2)}% (${ok}/${dev.length}); issue #19 goal 94%`);
    console.log(`  on the dev texts train.tsv also holds (removed from training): ${share(split.copied)}; on the others: ${share(split.other)}`);
    console.log(`cross-validated on train when it was trained: ${JSON.stringify(m.header.meta.cv)}`);
    expect(accuracy).toBeGreaterThanOrEqual(DEV_FLOOR);
  });

  it('trains without any dev text: the training corpus drops every dev text and near copy', () => {
    if (!haveData) return;
    const train = readTsv(path.join(DATA, 'train.tsv'));
    const dev = readTsv(path.join(DATA, 'dev.tsv'));
    const { kept, removed } = withoutOverlap(train, dev.map((r) => r.text));
    expect(removed).toBeGreaterThanOrEqual(353); // the verbatim copies alone
    const devTexts = new Set(dev.map((r) => r.text.trim()));
    expect(kept.filter((r) => devTexts.has(r.text.trim()))).toEqual([]);
    const recorded = sentimentModel().header.meta.trainedOn as { chnsenticorp: { removedDevOverlaps: number } };
    expect(recorded.chnsenticorp.removedDevOverlaps).toBe(removed);
  });
});

describe('heating messages the model never saw (heating.tsv, split = test)', () => {
  const rows = readTsv(path.join(HERE, 'corpus', 'heating.tsv')).map((r) => ({ label: r.label, text: r.text, split: r.rest[0]?.trim() }));
  const test = rows.filter((r) => r.split === 'test');

  it('keeps the split clean: every row is train or test, no text in both, at least 600 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(600);
    expect(rows.every((r) => ['neg', 'neu', 'pos'].includes(r.label) && (r.split === 'train' || r.split === 'test'))).toBe(true);
    const train = new Set(rows.filter((r) => r.split === 'train').map((r) => r.text));
    expect(test.filter((r) => train.has(r.text))).toEqual([]);
    expect(new Set(rows.map((r) => r.text)).size).toBe(rows.length);
  });

  it('labels the held-out messages: ≥ 88% 3-class (neg / neu / pos), and binary on the neg/pos rows', () => {
    const m = sentimentModel();
    let ok3 = 0;
    let okBin = 0;
    let nBin = 0;
    const wrong: string[] = [];
    for (const r of test) {
      const s = scoreText(r.text, m, 'heating');
      const label = labelOf(s, m.header).sentiment;
      if (label === r.label) ok3++;
      else wrong.push(`${r.label}→${label} ${r.text}`);
      if (r.label !== 'neu') {
        nBin++;
        if ((s.polarity >= 0.5 ? 'pos' : 'neg') === r.label) okBin++;
      }
    }
    const acc3 = ok3 / test.length;
    const accBin = okBin / nBin;
    console.log(`heating held-out: 3-class ${(100 * acc3).toFixed(2)}% (${ok3}/${test.length}); binary ${(100 * accBin).toFixed(2)}% (${okBin}/${nBin} neg/pos rows)`);
    console.log(`misread:\n  ${wrong.join('\n  ')}`);
    expect(acc3).toBeGreaterThanOrEqual(0.88);
    expect(accBin).toBeGreaterThanOrEqual(0.88);
  });

  it('reads sarcasm, negation and dialect', () => {
    const cases: [string, 'neg' | 'pos'][] = [
      ['真是太暖和了，家里才14度', 'neg'],
      ['一点也不冷', 'pos'],
      ['暖气很热，谢谢师傅', 'pos'],
      ['贼冷', 'neg'],
      ['冻得慌', 'neg'],
      ['家里冰窖似的', 'neg'],
      ['暖气不热', 'neg'],
      ['屋里一点都不暖和', 'neg'],
      ['暖气没怎么热过', 'neg'],
    ];
    for (const [text, expected] of cases) expect(analyseSentiment(text).sentiment, text).toBe(expected);
  });

  it('calls a plain question neutral', () => {
    for (const text of ['请问什么时候开始供暖？', '采暖费可以用微信交吗', '请问营业厅周末上班吗'])
      expect(analyseSentiment(text).sentiment, text).toBe('neu');
  });
});

describe('the model file', () => {
  it('is compact (≤ 3 MB) and loads as one table', () => {
    const bytes = statSync(MODEL_FILE).size;
    console.log(`model file: ${(bytes / 1024 / 1024).toFixed(2)} MB, ${sentimentModel().header.tables[0]!.count} features`);
    expect(bytes).toBeLessThanOrEqual(3 * 1024 * 1024);
    expect(readFileSync(MODEL_FILE).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // gzip
  });
});
