import { existsSync, readFileSync, statSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { analyseFeedbackFile } from '../modules/feedback/index.js';
import { locale } from './context.js';

const TEXTS = {
  'zh-CN': {
    missing: (f: string) => `找不到输入文件：${f}`,
    notUtf8: (f: string) => `输入文件不是 UTF-8 文本：${f}`,
    line: (i: number, sentiment: string, score: number, category: string | null, keywords: string[]) =>
      `${i + 1}\t${sentiment}\t${score.toFixed(2)}\t${category ?? '—'}\t${keywords.join('、')}`,
  },
  en: {
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
  const feedback = program.command('feedback').description('customer feedback (客户反馈): Chinese text analysis');
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
}
