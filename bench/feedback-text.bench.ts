/**
 * Benchmark of the feedback text analysis (issue #19): analyseText over 100,000 short feedback texts on one core
 * (goal ≥ 2,000 texts/s), the model's load time in a fresh process (goal < 1 s, jieba's dictionary included), and the
 * accuracy of the shipped model on ChnSentiCorp's dev.tsv (../shared/data, read in place; skipped when absent) and on
 * the heating set's held-out rows.
 *
 *   node --import tsx bench/feedback-text.bench.ts [--texts 100000] [--seed 1] [--save]
 *
 * The texts are made here by recombining heating phrases (a place, a complaint or a word of praise or a question, an
 * ending), so no data from ../shared is needed or committed. Output: a Markdown table on stdout (and, with --save,
 * bench/results/<time>-feedback-text.json).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from '../src/modules/feedback/text/train/linear.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const N = Number(arg('texts', '100000'));
const SEED = Number(arg('seed', '1'));

// The load is timed before anything else touches jieba or the model (a fresh process, as a server starts).
const tImport = performance.now();
const text = await import('../src/modules/feedback/text/index.js');
const importMs = performance.now() - tImport;
const tLoad = performance.now();
text.loadSentimentModel();
const loadMs = performance.now() - tLoad;
const { MODEL_FILE, scoreText, sentimentModel, labelOf } = await import('../src/modules/feedback/text/sentiment.js');
const { decodeModel } = await import('../src/modules/feedback/text/model.js');
const tDecode = performance.now();
decodeModel(readFileSync(MODEL_FILE));
const decodeMs = performance.now() - tDecode;


const PLACES = ['', '家里', '我家', '屋里', '卧室', '客厅', '三号楼二单元', '我们小区', '顶楼这户', '老人房间', '孩子屋里'];
const CORES = [
  '暖气不热', '暖气片冰凉', '贼冷', '冻得慌', '跟冰窖似的', '室温才十五度', '温度一直上不来', '暖气片漏水了', '管子接头一直滴水',
  '地板都泡了', '采暖费多收了', '发票一直没开', '交费系统老出错', '客服态度太差', '电话一直打不通', '报修好几天没人来',
  '师傅修完还是不热', '暖气片里咚咚响', '管子哗哗的流水声', '一点也不冷', '暖气很热', '暖和多了', '师傅来得很及时',
  '客服很耐心', '修得又快又好', '请问什么时候开始供暖', '采暖费可以微信交吗', '想咨询一下报停', '真是太暖和了，才14度',
  '暖气没怎么热过', '屋里暖洋洋的', '晚上冷得睡不着', '退费拖了三个月', '维修师傅很专业',
];
const ENDINGS = ['', '。', '！', '？', '，谢谢', '，麻烦尽快处理', '，太感谢了', '，到底管不管', '，已经好几天了', '，孩子都感冒了', '，辛苦了'];

function makeTexts(n: number, seed: number): string[] {
  const random = rng(seed);
  const pick = <T>(a: T[]) => a[Math.floor(random() * a.length)]!;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const parts = [pick(PLACES), pick(CORES)];
    if (random() < 0.35) parts.push('，' + pick(CORES));
    parts.push(pick(ENDINGS));
    out.push(parts.join(''));
  }
  return out;
}

const texts = makeTexts(N, SEED);
const meanChars = texts.reduce((s, t) => s + [...t].length, 0) / texts.length;
for (let i = 0; i < 2000; i++) text.analyseText(texts[i % texts.length]!); // warm-up
const counts = { neg: 0, neu: 0, pos: 0 };
const t0 = performance.now();
for (const t of texts) counts[text.analyseText(t).sentiment]++;
const seconds = (performance.now() - t0) / 1000;
const perSecond = N / seconds;

// accuracy of the shipped model
const m = sentimentModel();
const dev = path.resolve(ROOT, '../shared/data/sentiment/chnsenticorp/dev.tsv');
let devAccuracy: number | null = null;
let devSplit = '';
if (existsSync(dev)) {
  const tsv = (file: string) => readFileSync(file, 'utf8').split(/\r?\n/).slice(1).filter((l) => l.trim()).map((l) => l.split('\t'));
  const rows = tsv(dev);
  const right = rows.map(([label, t]) => (scoreText(t ?? '', m).polarity >= 0.5 ? '1' : '0') === label);
  devAccuracy = right.filter(Boolean).length / rows.length;
  // dev texts that train.tsv holds verbatim: removed from training, so the model has not memorised them
  const train = path.join(path.dirname(dev), 'train.tsv');
  if (existsSync(train)) {
    const inTrain = new Set(tsv(train).map((r) => (r[1] ?? '').trim()));
    const copied = rows.map(([, t]) => inTrain.has((t ?? '').trim()));
    const acc = (want: boolean) => {
      const idx = copied.map((c, i) => (c === want ? i : -1)).filter((i) => i >= 0);
      return `${((100 * idx.filter((i) => right[i]).length) / (idx.length || 1)).toFixed(2)}% of ${idx.length}`;
    };
    devSplit = `texts also in train.tsv ${acc(true)}, others ${acc(false)}`;
  }
}
const heating = readFileSync(path.join(ROOT, 'src/modules/feedback/text/corpus/heating.tsv'), 'utf8')
  .split(/\r?\n/).slice(1).filter((l) => l.trim()).map((l) => l.split('\t'))
  .filter((r) => r[2]?.trim() === 'test');
const heating3 = heating.filter(([label, t]) => labelOf(scoreText(t ?? '', m, 'heating'), m.header).sentiment === label).length / heating.length;
const heatingPolar = heating.filter(([label]) => label !== 'neu');
const heatingBinary = heatingPolar.filter(([label, t]) => (scoreText(t ?? '', m, 'heating').polarity >= 0.5 ? 'pos' : 'neg') === label).length / heatingPolar.length;

const pct = (x: number | null) => (x === null ? 'skipped (no ../shared/data)' : `${(100 * x).toFixed(2)}%`);
const rows: [string, string, string][] = [
  ['analyseText, short texts, one core', `${Math.round(perSecond).toLocaleString('en')} texts/s (${N.toLocaleString('en')} in ${seconds.toFixed(1)} s, mean ${meanChars.toFixed(1)} chars)`, perSecond >= 2000 ? 'ok (≥ 2,000/s)' : 'BELOW GOAL (2,000/s)'],
  ['model load (jieba dictionary + model file)', `${loadMs.toFixed(0)} ms`, loadMs < 1000 ? 'ok (< 1 s)' : 'BELOW GOAL (< 1 s)'],
  ['  of which the model file alone (gunzip + table)', `${decodeMs.toFixed(0)} ms`, ''],
  ['module import', `${importMs.toFixed(0)} ms`, ''],
  ['ChnSentiCorp dev accuracy (binary)', pct(devAccuracy), devAccuracy === null ? '' : devAccuracy >= 0.94 ? 'ok (≥ 94%)' : 'BELOW GOAL (94%)'],
  ...(devSplit ? [['  of which', devSplit, ''] as [string, string, string]] : []),
  ['heating held-out accuracy (3-class)', pct(heating3), heating3 >= 0.88 ? 'ok (≥ 88%)' : 'BELOW GOAL (88%)'],
  ['heating held-out accuracy (binary, neg/pos rows)', pct(heatingBinary), heatingBinary >= 0.88 ? 'ok (≥ 88%)' : 'BELOW GOAL (88%)'],
  ['labels given', `neg ${counts.neg}, neu ${counts.neu}, pos ${counts.pos}`, ''],
];
console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}\n`);
console.log('| measure | value | goal |\n|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
if (process.argv.includes('--save')) {
  const dir = path.join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:T]/g, '-').slice(0, 19);
  const file = path.join(dir, `${stamp}-feedback-text.json`);
  writeFileSync(file, JSON.stringify({ node: process.version, cpus: os.cpus().length, texts: N, seed: SEED, perSecond, loadMs, decodeMs, importMs, devAccuracy, heating3, heatingBinary, counts }, null, 2));
  console.log(`\n→ ${path.relative(ROOT, file)}`);
}
