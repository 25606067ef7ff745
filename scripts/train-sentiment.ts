/**
 * Trains the shipped sentiment model (src/modules/feedback/text/model/sentiment.bin.gz); docs/FEEDBACK-TEXT.md.
 *
 *   node --import tsx scripts/train-sentiment.ts [--quick] [--out FILE] [--keep N]
 *
 * Data: ../shared/data/sentiment/chnsenticorp/train.tsv (ChnSentiCorp, 9,600 rows) without every text that also
 * occurs in dev.tsv (dev.tsv is read for that and for the last, evaluation-only line; nothing is fitted or chosen on
 * it), de-duplicated; plus the heating set's training rows (src/modules/feedback/text/corpus/heating.tsv, split=train).
 * Every choice is made by 5-fold cross-validation on the training data: the SVMs' C (on ChnSentiCorp), the heating
 * rows' weight (heating training rows in folds, ChnSentiCorp always in), the Platt calibration and the neutral band
 * (on out-of-fold margins). Deterministic: fixed seeds, sorted vocabularies. `--quick` skips the searches and uses the
 * choices recorded in the header of the model at --out (or the shipped one).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FEATURES, extractFeatures } from '../src/modules/feedback/text/features.js';
import { decodeModel, encodeModel, type ModelHeader } from '../src/modules/feedback/text/model.js';
import { labelOf, scoreText } from '../src/modules/feedback/text/sentiment.js';
import { dedupe, readTsv, withoutOverlap } from '../src/modules/feedback/text/train/corpus.js';
import {
  binaryAccuracy,
  detectorOutOfFold,
  flatten,
  flattenDetector,
  outOfFold,
  platt,
  prune,
  trainDetector,
  trainEnsemble,
  type DetectorRow,
  type Row,
  type TrainOptions,
} from '../src/modules/feedback/text/train/pipeline.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATA = path.resolve(ROOT, '../shared/data/sentiment/chnsenticorp');
const HEATING = path.join(ROOT, 'src/modules/feedback/text/corpus/heating.tsv');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const SHIPPED = path.join(ROOT, 'src/modules/feedback/text/model/sentiment.bin.gz');
const OUT = path.resolve(ROOT, arg('out', SHIPPED));
const KEEP = Number(arg('keep', '600000'));
const QUICK = process.argv.includes('--quick');
const K = 5;
const SEED = 19;

const LABEL: Record<string, number> = { neg: 0, pos: 1, neu: 0.5 };
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const log = (...a: unknown[]) => console.log(...a);

if (!existsSync(path.join(DATA, 'train.tsv'))) {
  console.error(`ChnSentiCorp not found at ${DATA} (../shared/data beside the checkout)`);
  process.exit(1);
}

// ------------------------------------------------------------------------------------------------------------- data
const t0 = performance.now();
const csRaw = readTsv(path.join(DATA, 'train.tsv'));
const devRaw = readTsv(path.join(DATA, 'dev.tsv'));
const { kept, removed } = withoutOverlap(csRaw, devRaw.map((r) => r.text));
const cs = dedupe(kept.map((r) => ({ text: r.text, y: Number(r.label), source: 'chnsenticorp' as const })));
const heatingAll = readTsv(HEATING).map((r) => ({ text: r.text, y: LABEL[r.label]!, label: r.label, split: r.rest[0]?.trim() }));
const heatingTrain = heatingAll.filter((r) => r.split === 'train');
const heatingTest = heatingAll.filter((r) => r.split === 'test');
log(`ChnSentiCorp train: ${csRaw.length} rows, ${removed} removed as dev overlaps, ${cs.length} distinct kept`);
log(`heating set: ${heatingTrain.length} train rows, ${heatingTest.length} test rows (never used here until the evaluation)`);

const features = DEFAULT_FEATURES;
const csRows: Row[] = cs.map((r) => ({ features: extractFeatures(r.text, features).features, y: r.y, weight: 1 }));
const heatingFeatures = heatingTrain.map((r) => extractFeatures(r.text, features, 'heating').features);
log(`features extracted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const recorded = existsSync(OUT) ? OUT : SHIPPED;
const previous: ModelHeader | null = existsSync(recorded) ? decodeModel(readFileSync(recorded)).header : null;
const base: TrainOptions = { C: { char: 1, word: 1 }, mindf: 2, alpha: 1, epochs: 50, seed: SEED };
const heatingRows = (weight: number): Row[] => heatingTrain.map((r, i) => ({ features: heatingFeatures[i]!, y: r.y, weight }));

// ---------------------------------------------------------------------------------------- cross-validated choices
function chooseC(): { C: TrainOptions['C']; cv: number; margins: Float64Array } {
  const grid = QUICK ? [Number((previous?.meta.C as { char?: number } | undefined)?.char ?? 1)] : [0.5, 1, 2];
  let best: { C: TrainOptions['C']; cv: number; margins: Float64Array } = { C: base.C, cv: -1, margins: new Float64Array(0) };
  for (const c of grid) {
    const opts = { ...base, C: { char: c, word: c } };
    const margins = outOfFold(csRows, [], K, opts);
    const cv = binaryAccuracy(csRows, margins);
    log(`  C = ${c}: ChnSentiCorp ${K}-fold CV ${pct(cv)}`);
    if (cv > best.cv) best = { C: opts.C, cv, margins };
  }
  return best;
}

function chooseHeatingWeight(C: TrainOptions['C']): { weight: number; margins: Float64Array; cv: number } {
  const grid = QUICK ? [Number(previous?.meta.heatingWeight ?? 3)] : [1, 3, 6];
  let best: { weight: number; margins: Float64Array; cv: number } = { weight: 1, margins: new Float64Array(0), cv: -1 };
  for (const weight of grid) {
    const margins = outOfFold(heatingRows(weight), csRows, K, { ...base, C });
    const cv = binaryAccuracy(heatingRows(weight), margins);
    log(`  heating weight ${weight}: heating ${K}-fold CV (neg/pos rows) ${pct(cv)}`);
    if (cv > best.cv) best = { weight, margins, cv };
  }
  return best;
}

/**
 * The neutral rule with the best 3-class accuracy on the heating training rows' out-of-fold scores: the detector's
 * threshold and a symmetric polarity band [½ − d, ½ + d].
 */
function chooseNeutral(polarities: number[], neutralities: ArrayLike<number>) {
  const header = (threshold: number, d: number) => ({ detector: { bias: 0, marginWeight: 0, threshold }, neutral: { low: 0.5 - d, high: 0.5 + d } }) as ModelHeader;
  let best = { threshold: 1, low: 0.5, high: 0.5, accuracy: -1 };
  for (let threshold = 0.2; threshold <= 1.0001; threshold += 0.05) {
    for (let d = 0; d <= 0.2001; d += 0.02) {
      let ok = 0;
      heatingTrain.forEach((r, i) => {
        if (labelOf({ polarity: polarities[i]!, neutrality: neutralities[i]! }, header(threshold, d)).sentiment === r.label) ok++;
      });
      const accuracy = ok / heatingTrain.length;
      if (accuracy > best.accuracy + 1e-9) best = { threshold: round(threshold), low: round(0.5 - d), high: round(0.5 + d), accuracy };
    }
  }
  return best;
}

log('choosing C by cross-validation on ChnSentiCorp train …');
const c = chooseC();
log('choosing the heating rows’ weight by cross-validation on the heating training rows …');
const h = chooseHeatingWeight(c.C);
const calibrationRows: Row[] = [...csRows, ...heatingRows(1)];
const calibration = platt(calibrationRows, [...c.margins, ...h.margins]);
const sigmoid = (m: number) => 1 / (1 + Math.exp(-(calibration.a * m + calibration.b)));
const heatingPolarity = [...h.margins].map(sigmoid);
const detectorRows: DetectorRow[] = heatingTrain.map((r, i) => ({ features: heatingFeatures[i]!, neutral: r.label === 'neu' ? 1 : 0, margin: h.margins[i]!, weight: 1 }));
const csDetectorRows = (weight: number): DetectorRow[] => csRows.map((r, i) => ({ features: r.features, neutral: 0, margin: c.margins[i]!, weight }));
log('choosing the neutral detector (its L2, the weight of ChnSentiCorp rows as non-neutral examples, its threshold, the band) …');
let det = { l2: 0.1, csWeight: 0, threshold: 1, low: 0.5, high: 0.5, accuracy: -1 };
for (const csWeight of QUICK ? [Number(previous?.meta.detectorCsWeight ?? 0)] : [0, 0.05]) {
  for (const l2 of QUICK ? [Number(previous?.meta.detectorL2 ?? 0.1)] : [0.01, 0.1, 1]) {
    const neutralities = detectorOutOfFold(detectorRows, csWeight ? csDetectorRows(csWeight) : [], K, l2, SEED);
    const choice = chooseNeutral(heatingPolarity, neutralities);
    log(`  L2 ${l2}, ChnSentiCorp weight ${csWeight}: threshold ${choice.threshold}, band [${choice.low}, ${choice.high}] → heating CV 3-class ${pct(choice.accuracy)}`);
    if (choice.accuracy > det.accuracy + 1e-9) det = { l2, csWeight, ...choice };
  }
}
const detector = trainDetector([...detectorRows, ...(det.csWeight ? csDetectorRows(det.csWeight) : [])], det.l2);
log(`calibration a = ${calibration.a.toFixed(3)}, b = ${calibration.b.toFixed(3)}; neutral: detector threshold ${det.threshold}, band [${det.low}, ${det.high}]`);

// ----------------------------------------------------------------------------------------------------- final model
const opts: TrainOptions = { ...base, C: c.C };
const ensemble = trainEnsemble([...csRows, ...heatingRows(h.weight)], opts);
const flat = flatten(ensemble);
const weights = prune(flat.weights, KEEP);
const header: Omit<ModelHeader, 'tables'> = {
  format: 'hearth-sentiment/2',
  features,
  normalise: 'group',
  bias: flat.bias,
  calibration,
  neutral: { low: det.low, high: det.high },
  detector: { bias: detector.bias, marginWeight: detector.marginWeight, threshold: det.threshold },
  meta: {
    trainedOn: {
      chnsenticorp: { rows: csRaw.length, removedDevOverlaps: removed, distinctKept: cs.length },
      heating: { trainRows: heatingTrain.length },
    },
    model: 'NB-SVM (L2-loss, dual CD) on character 1–3-grams + NB-SVM on words/bigrams/negation/lexicon, margins standardised and added',
    C: c.C,
    heatingWeight: h.weight,
    detectorL2: det.l2,
    detectorCsWeight: det.csWeight,
    cv: { chnsenticorp: round(c.cv), heatingBinary: round(h.cv), heating3: round(det.accuracy) },
    features: { total: flat.weights.size, kept: weights.size },
    seed: SEED,
  },
};
const file = encodeModel(header, [weights, flattenDetector(detector)]);
mkdirSync(path.dirname(OUT), { recursive: true });
writeFileSync(OUT, file);
log(`model: ${weights.size} of ${flat.weights.size} features, ${(file.length / 1024 / 1024).toFixed(2)} MB → ${path.relative(ROOT, OUT)}`);

// ------------------------------------------------------------------------------------------ evaluation (no choices)
const shipped = decodeModel(file);
let heat3 = 0;
let heatBin = 0;
let heatBinN = 0;
for (const r of heatingTest) {
  const s = scoreText(r.text, shipped, 'heating');
  if (labelOf(s, shipped.header).sentiment === r.label) heat3++;
  if (r.label !== 'neu') {
    heatBinN++;
    if ((s.polarity >= 0.5 ? 'pos' : 'neg') === r.label) heatBin++;
  }
}
let dev = 0;
for (const r of devRaw) if ((scoreText(r.text, shipped).polarity >= 0.5 ? '1' : '0') === r.label) dev++;
log('— evaluation (held-out data, not used for any choice) —');
log(`heating test (${heatingTest.length} rows): 3-class ${pct(heat3 / heatingTest.length)}; binary on its ${heatBinN} neg/pos rows ${pct(heatBin / heatBinN)}`);
log(`ChnSentiCorp dev (${devRaw.length} rows, binary): ${pct(dev / devRaw.length)}`);
log(`done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
