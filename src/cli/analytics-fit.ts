import { existsSync, readFileSync, statSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { parse } from 'csv-parse/sync';
import {
  fitBgNbd,
  fitGammaGamma,
  fitMbgNbd,
  fitParetoNbd,
  fitSbg,
  type Fit,
  type ModelName,
  type RepeatSummary,
  type SpendSummary,
} from '../modules/analytics/models/index.js';
import { DEFAULT_FIT_SECONDS } from '../modules/analytics/models/index.js';
import type { Locale } from '../platform/i18n/index.js';
import { locale } from './context.js';

/** The few texts of this command, zh-CN first (kept here: the command has no server-side counterpart). */
const TEXTS = {
  'zh-CN': {
    inputXorSurvivors: '请给出 --input 文件或 --survivors 人数序列之一（不能同时给出，也不能都不给）',
    sbgNeedsSurvivors: 'sBG 模型按队列留存人数拟合：请用 --survivors N0,N1,…（如 1000,631,468）',
    survivorsOnlySbg: '--survivors 只用于 sBG 模型（--model sbg）',
    survivorsBad: (v: string) => `--survivors 应是逗号分隔的非负整数序列，且逐期不增：「${v}」`,
    missingFile: (f: string) => `找不到输入文件：${f}`,
    emptyFile: (f: string) => `输入文件没有数据行：${f}`,
    badCsv: (m: string) => `无法读取 CSV：${m}`,
    missingColumns: (need: string, have: string) => `CSV 缺少所需的列：${need}（已有的列：${have}）`,
    notNumber: (line: number, col: string, v: string) => `第 ${line} 行「${col}」列不是有效数字：「${v}」`,
    badRow: (line: number, why: string) => `第 ${line} 行数据不合理：${why}`,
    noRepeaters: 'Gamma-Gamma 模型需要至少一位复购客户（频次 ≥ 1 且金额 > 0）',
    why: {
      negative: '频次、最近购买时间和观察期都不能为负',
      txAfterT: '最近购买时间（t_x）不能晚于观察期（T）',
      zeroX: '频次为 0 时最近购买时间应为 0',
      badM: '复购客户的平均金额必须大于 0',
    },
    summary: (name: string, n: number, params: string, ll: string, converged: boolean) =>
      `${name} 拟合完成（${n} ${name === 'sBG' ? '人的队列' : '位客户'}）：${params}；对数似然 ${ll}${converged ? '' : '（未收敛，结果不可用）'}`,
    stop: {
      max_iterations: () => '原因：达到迭代次数上限',
      time_limit: () => '原因：达到时间上限（可用 --seconds 延长）',
      stalled: () => '原因：优化停滞，似然函数在此处过于平坦',
      at_bound: (names: string[]) => `原因：参数 ${names.join('、')} 到达取值范围的边界（数据不足以确定它们）`,
    },
  },
  en: {
    inputXorSurvivors: 'Give exactly one of --input FILE.csv or --survivors N0,N1,…',
    sbgNeedsSurvivors: 'The sBG model is fitted on cohort survivors: use --survivors N0,N1,… (e.g. 1000,631,468)',
    survivorsOnlySbg: '--survivors is for the sBG model only (--model sbg)',
    survivorsBad: (v: string) => `--survivors must be comma-separated non-negative integers that never increase: "${v}"`,
    missingFile: (f: string) => `Input file not found: ${f}`,
    emptyFile: (f: string) => `The input file has no data rows: ${f}`,
    badCsv: (m: string) => `Cannot read the CSV: ${m}`,
    missingColumns: (need: string, have: string) => `The CSV lacks the columns ${need} (columns found: ${have})`,
    notNumber: (line: number, col: string, v: string) => `Line ${line}, column "${col}": not a number: "${v}"`,
    badRow: (line: number, why: string) => `Line ${line}: ${why}`,
    noRepeaters: 'The Gamma-Gamma model needs at least one repeat customer (frequency ≥ 1 and monetary value > 0)',
    why: {
      negative: 'frequency, recency and T cannot be negative',
      txAfterT: 'recency (t_x) cannot exceed T',
      zeroX: 'recency must be 0 when frequency is 0',
      badM: 'the mean spend of a repeat customer must be positive',
    },
    summary: (name: string, n: number, params: string, ll: string, converged: boolean) =>
      `${name} fitted on ${n} ${name === 'sBG' ? 'cohort members' : 'customers'}: ${params}; log-likelihood ${ll}${converged ? '' : ' (not converged: do not use these values)'}`,
    stop: {
      max_iterations: () => 'Reason: the iteration limit was reached',
      time_limit: () => 'Reason: the time limit was reached (raise it with --seconds)',
      stalled: () => 'Reason: the search stalled on a flat likelihood',
      at_bound: (names: string[]) => `Reason: ${names.join(', ')} reached the edge of the allowed range (the data cannot pin them down)`,
    },
  },
} satisfies Record<Locale, unknown>;

type Texts = (typeof TEXTS)['en'];

/** A user-facing input problem: printed without a stack trace, exit code 1. */
class FitInputError extends Error {}

/** Accepted column names (matched case-insensitively, except that `T` must not be confused with `t_x`). */
const COLUMNS = {
  x: ['frequency', 'x'],
  tx: ['recency', 't_x'],
  T: ['T'],
  m: ['monetary_value', 'zbar', 'm'],
} as const;

function findColumn(header: readonly string[], names: readonly string[]): number {
  const norm = header.map((h) => h.trim().replace(/^\uFEFF/, ''));
  for (const name of names) {
    const i = norm.findIndex((h) => (name === 'T' ? h === 'T' || h === 't' : h.toLowerCase() === name));
    if (i >= 0) return i;
  }
  return -1;
}

interface Table {
  header: string[];
  rows: { line: number; values: string[] }[];
}

function readTable(file: string, tx: Texts): Table {
  if (!existsSync(file) || !statSync(file).isFile()) throw new FitInputError(tx.missingFile(file));
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(readFileSync(file), { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true }) as never;
  } catch (err) {
    throw new FitInputError(tx.badCsv(err instanceof Error ? err.message : String(err)));
  }
  if (records.length < 2) throw new FitInputError(tx.emptyFile(file));
  const [head, ...rest] = records;
  return { header: head!.record, rows: rest.map((r) => ({ line: r.info.lines, values: r.record })) };
}

function numberAt(table: Table, row: Table['rows'][number], col: number, tx: Texts): number {
  const raw = row.values[col] ?? '';
  const v = raw === '' ? NaN : Number(raw);
  if (!Number.isFinite(v)) throw new FitInputError(tx.notNumber(row.line, table.header[col]!.trim(), raw));
  return v;
}

function requireColumns(table: Table, wanted: (keyof typeof COLUMNS)[], tx: Texts): number[] {
  const idx = wanted.map((k) => findColumn(table.header, COLUMNS[k]));
  const missing = wanted.filter((_, i) => idx[i]! < 0).map((k) => COLUMNS[k].join('|'));
  if (missing.length) throw new FitInputError(tx.missingColumns(missing.join(', '), table.header.join(', ')));
  return idx;
}

function repeatRows(table: Table, tx: Texts): RepeatSummary[] {
  const [ix, itx, iT] = requireColumns(table, ['x', 'tx', 'T'], tx);
  return table.rows.map((row) => {
    const x = numberAt(table, row, ix!, tx);
    const t = numberAt(table, row, itx!, tx);
    const T = numberAt(table, row, iT!, tx);
    if (x < 0 || t < 0 || T < 0) throw new FitInputError(tx.badRow(row.line, tx.why.negative));
    if (t > T) throw new FitInputError(tx.badRow(row.line, tx.why.txAfterT));
    if (x === 0 && t !== 0) throw new FitInputError(tx.badRow(row.line, tx.why.zeroX));
    return { x, tx: t, T };
  });
}

function spendRows(table: Table, tx: Texts): SpendSummary[] {
  const [ix, im] = requireColumns(table, ['x', 'm'], tx);
  const out: SpendSummary[] = [];
  for (const row of table.rows) {
    const x = numberAt(table, row, ix!, tx);
    const m = numberAt(table, row, im!, tx);
    if (x < 0) throw new FitInputError(tx.badRow(row.line, tx.why.negative));
    if (x < 1) continue; // the spend model uses repeat customers only
    if (!(m > 0)) throw new FitInputError(tx.badRow(row.line, tx.why.badM));
    out.push({ x, m });
  }
  if (out.length === 0) throw new FitInputError(tx.noRepeaters);
  return out;
}

function parseSurvivors(text: string, tx: Texts): number[] {
  const values = text.split(',').map((s) => s.trim());
  const nums = values.map(Number);
  const ok = nums.length >= 2 && nums.every((v, i) => values[i] !== '' && Number.isInteger(v) && v >= 0 && (i === 0 ? v > 0 : v <= nums[i - 1]!));
  if (!ok) throw new FitInputError(tx.survivorsBad(text));
  return nums;
}

/** Fits the model named by the options; throws FitInputError on bad input. Exported for tests. */
export function runFit(opts: { model: ModelName; input?: string; survivors?: string; seconds?: number }, tx: Texts = TEXTS[locale]): Fit<Record<string, number>> {
  const budget = { seconds: opts.seconds ?? DEFAULT_FIT_SECONDS };
  if ((opts.input === undefined) === (opts.survivors === undefined)) throw new FitInputError(tx.inputXorSurvivors);
  if (opts.model === 'sbg') {
    if (opts.survivors === undefined) throw new FitInputError(tx.sbgNeedsSurvivors);
    return fitSbg(parseSurvivors(opts.survivors, tx), budget) as unknown as Fit<Record<string, number>>;
  }
  if (opts.survivors !== undefined) throw new FitInputError(tx.survivorsOnlySbg);
  const table = readTable(opts.input!, tx);
  const fit =
    opts.model === 'gg'
      ? fitGammaGamma(spendRows(table, tx), budget)
      : opts.model === 'pnbd'
        ? fitParetoNbd(repeatRows(table, tx), budget)
        : opts.model === 'mbgnbd'
          ? fitMbgNbd(repeatRows(table, tx), budget)
          : fitBgNbd(repeatRows(table, tx), budget);
  return fit as unknown as Fit<Record<string, number>>;
}

const NAMES: Record<ModelName, string> = { bgnbd: 'BG/NBD', mbgnbd: 'MBG/NBD', pnbd: 'Pareto/NBD', gg: 'Gamma-Gamma', sbg: 'sBG' };

/**
 * `hearth analytics fit --model bgnbd|mbgnbd|pnbd|gg|sbg (--input FILE.csv | --survivors N0,N1,…) [--seconds S] --format json`:
 * fits one model within its time budget and prints `{"model":…,"params":{…},"logLik":…,"n":…}` on the last stdout
 * line (and, when it did not converge, the reason on stderr).
 */
export function addFitCommand(analytics: Command): void {
  analytics
    .command('fit')
    .description('fit a customer-base model to a CSV of (x, t_x, T[, monetary]) or to cohort survivors')
    .addOption(
      new Option('--model <model>', 'bgnbd, mbgnbd (BG/NBD that lets one-time buyers lapse), pnbd (Pareto/NBD), gg (Gamma-Gamma spend) or sbg (contractual retention)')
        .choices(['bgnbd', 'mbgnbd', 'pnbd', 'gg', 'sbg'])
        .makeOptionMandatory(),
    )
    .addOption(new Option('--seconds <seconds>', 'time budget of the fit').argParser(Number).default(DEFAULT_FIT_SECONDS))
    .option('--input <file>', 'CSV with a header naming frequency|x, recency|t_x, T and (gg) monetary_value|zbar|m; other columns are ignored')
    .option('--survivors <counts>', 'sbg: customers still active at the start of each period, e.g. 1000,631,468,382')
    .addOption(new Option('--format <format>', 'text, or json: the last stdout line is the fit as JSON').choices(['text', 'json']).default('text'))
    .action((opts: { model: ModelName; input?: string; survivors?: string; seconds?: number; format: 'text' | 'json' }) => {
      const tx = TEXTS[locale];
      let fit: Fit<Record<string, number>>;
      try {
        fit = runFit(opts, tx);
      } catch (err) {
        // Input problems are the user's to fix: one clear line, no stack trace.
        console.error(err instanceof Error ? err.message : String(err));
        process.exitCode = 1;
        return;
      }
      if (opts.format === 'json') {
        // The JSON line's keys are a contract (model, params, logLik, n); a fit that did not converge says why on stderr.
        if (!fit.converged) console.error(tx.stop[fit.stop as Exclude<typeof fit.stop, 'converged'>](fit.atBound ?? []));
        console.log(JSON.stringify({ model: fit.model, params: fit.params, logLik: fit.logLik, n: fit.n }));
        return;
      }
      const params = Object.entries(fit.params)
        .map(([k, v]) => `${k === 'alpha' ? 'α' : k === 'beta' ? 'β' : k} = ${v.toFixed(4)}`)
        .join(', ');
      console.log(tx.summary(NAMES[fit.model], fit.n, params, fit.logLik.toFixed(2), fit.converged));
      if (!fit.converged) console.log(tx.stop[fit.stop as Exclude<typeof fit.stop, 'converged'>](fit.atBound ?? []));
    });
}
