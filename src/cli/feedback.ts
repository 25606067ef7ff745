import { existsSync, readFileSync, statSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { prepareDatabase } from '../app.js';
import { analyseFeedbackFile, retrainNow, type FeedbackRetrainRunView } from '../modules/feedback/index.js';
import { systemActor } from '../platform/auth/permissions.js';
import { locale, withDatabase } from './context.js';

const TEXTS = {
  'zh-CN': {
    kind: { sentiment: '情感模型', category: '分类模型' } as Record<string, string>,
    trained: (v: number | null, n: number) => `已训练，第 ${v} 版（${n} 条更正）`,
    unchanged: (v: number | null) => `更正没有变化，沿用第 ${v} 版`,
    reanalysed: (items: number, changed: number) => `重新分析未处理完的反馈 ${items} 条，其中 ${changed} 条的情感或分类有变化`,
    failed: (e: string) => `重新训练失败：${e}`,
    missing: (f: string) => `找不到输入文件：${f}`,
    notUtf8: (f: string) => `输入文件不是 UTF-8 文本：${f}`,
    line: (i: number, sentiment: string, score: number, category: string | null, keywords: string[]) =>
      `${i + 1}\t${sentiment}\t${score.toFixed(2)}\t${category ?? '—'}\t${keywords.join('、')}`,
  },
  en: {
    kind: { sentiment: 'Sentiment model', category: 'Category model' } as Record<string, string>,
    trained: (v: number | null, n: number) => `trained, version ${v} (${n} corrections)`,
    unchanged: (v: number | null) => `no new corrections, version ${v} kept`,
    reanalysed: (items: number, changed: number) => `Open feedback analysed again: ${items} items, ${changed} with a changed sentiment or category`,
    failed: (e: string) => `Retrain failed: ${e}`,
    missing: (f: string) => `Input file not found: ${f}`,
    notUtf8: (f: string) => `The input file is not UTF-8 text: ${f}`,
    line: (i: number, sentiment: string, score: number, category: string | null, keywords: string[]) =>
      `${i + 1}\t${sentiment}\t${score.toFixed(2)}\t${category ?? '—'}\t${keywords.join(', ')}`,
  },
};

/**
 * `hearth feedback analyse --input FILE [--format json]` (issue #19, a contract other tools call): one text per line,
 * or a TSV whose header has a `text` column; with `--format json` the last stdout line is a JSON array, one object per
 * text in order: `{"sentiment":"neg|neu|pos","score":0.93,"category":"漏水","keywords":["…"]}`. No database and no
 * server: the shipped model and the heating template's categories (feedback/text/batch.ts).
 */
export function addFeedbackCommand(program: Command): void {
  const feedback = program.command('feedback').description('customer feedback (客户反馈): Chinese text analysis, and retraining the company models');
  feedback
    .command('analyse')
    .alias('analyze')
    .description('sentiment, category and keywords of each text of a file')
    .requiredOption('--input <file>', 'UTF-8: one text per line, or a TSV whose header has a text column')
    .addOption(new Option('--format <format>', 'text, or json: the last stdout line is the JSON array').choices(['text', 'json']).default('text'))
    .action((opts: { input: string; format: 'text' | 'json' }) => {
      const tx = TEXTS[locale];
      if (!existsSync(opts.input) || !statSync(opts.input).isFile()) {
        console.error(tx.missing(opts.input));
        process.exitCode = 1;
        return;
      }
      let content: string;
      try {
        content = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(opts.input));
      } catch {
        console.error(tx.notUtf8(opts.input));
        process.exitCode = 1;
        return;
      }
      const result = analyseFeedbackFile(content);
      if (opts.format === 'json') console.log(JSON.stringify(result));
      else result.forEach((r, i) => console.log(tx.line(i, r.sentiment, r.score, r.category, r.keywords)));
    });
  addFeedbackRetrainCommand(feedback);
}

/** One line per kind of what a retrain did (the too-few reason as the server words it). */
function printRetrain(run: FeedbackRetrainRunView): void {
  const tx = TEXTS[locale];
  for (const r of run.results) {
    const n = Object.values(r.counts).reduce((a, b) => a + b, 0);
    const what = r.outcome === 'trained' ? tx.trained(r.version, n) : r.outcome === 'unchanged' ? tx.unchanged(r.version) : (r.message ?? '');
    console.log(locale === 'en' ? `${tx.kind[r.kind]}: ${what}` : `${tx.kind[r.kind]}：${what}`);
  }
  if (run.reanalysis) console.log(tx.reanalysed(run.reanalysis.items, run.reanalysis.changed));
}

/**
 * `hearth feedback retrain [--format json]`: refits the company's sentiment and category models from the agents'
 * corrections (feedback/retrain.service.ts), here, through the same run as the server's job; a second call over the same
 * corrections writes nothing. Too few corrections for both kinds: the reason, exit code 1.
 */
export function addFeedbackRetrainCommand(feedback: Command): void {
  feedback
    .command('retrain')
    .description("refit the company's sentiment and category models from the agents' corrections (blended with the shipped model)")
    .addOption(new Option('--format <format>', 'text, or json: the last stdout line is the run as JSON').choices(['text', 'json']).default('text'))
    .action(async (opts: { format: 'text' | 'json' }) => {
      await withDatabase(async (database) => {
        await prepareDatabase(database);
        const run = await retrainNow(database.db, systemActor('cli', locale), 'cli');
        if (run.status !== 'done') {
          console.error(TEXTS[locale].failed(run.error ?? run.status));
          process.exitCode = 1;
        }
        if (opts.format === 'json') console.log(JSON.stringify(run));
        else printRetrain(run);
      });
    });
}
