import { Option, type Command } from 'commander';
import { prepareDatabase } from '../app.js';
import { executeRun, getRun, startRun } from '../modules/analytics/index.js';
import { systemActor } from '../platform/auth/permissions.js';
import { AppError } from '../platform/errors.js';
import { t } from '../platform/i18n/index.js';
import { locale, withDatabase } from './context.js';

/** The few texts of this command, zh-CN first. */
const TEXTS = {
  'zh-CN': {
    phase: (p: string, done: number, total: number) => `进度 ${PHASES[p]?.zh ?? p}${total > 1 ? ` ${done}/${total}` : ''}`,
    done: (n: number, h: number, m: number, l: number, risk: number, s: number) =>
      `价值分析完成：${n} 位客户，高/中/低价值 ${h}/${m}/${l}，高流失风险 ${risk} 位，用时 ${s} 秒`,
    failed: (e: string) => `价值分析失败：${e}`,
    model: (m: string | null) => (m ? `存活概率、预测购买与 CLV 采用 ${m} 模型` : '没有可用的购买模型'),
    note: (w: string) => `注意：${w}`,
  },
  en: {
    phase: (p: string, done: number, total: number) => `progress ${PHASES[p]?.en ?? p}${total > 1 ? ` ${done}/${total}` : ''}`,
    done: (n: number, h: number, m: number, l: number, risk: number, s: number) =>
      `Analysis done: ${n} customers, high/middle/low value ${h}/${m}/${l}, ${risk} at high churn risk, ${s} s`,
    failed: (e: string) => `Analysis failed: ${e}`,
    model: (m: string | null) => (m ? `P(alive), expected purchases and CLV use the ${m} model` : 'No purchase model is usable'),
    note: (w: string) => `Note: ${w}`,
  },
};
const PHASES: Record<string, { zh: string; en: string }> = {
  read: { zh: '读取客户与交易', en: 'reading customers and transactions' },
  rfm: { zh: 'RFM 评分', en: 'RFM scores' },
  fit: { zh: '模型拟合', en: 'fitting models' },
  clv: { zh: 'CLV 计算', en: 'CLV' },
  contract: { zh: '合同续费（sBG）', en: 'contract renewals (sBG)' },
  diagnostics: { zh: '模型诊断', en: 'model diagnostics' },
  score: { zh: '价值评分', en: 'value scorecard' },
  churn: { zh: '流失风险', en: 'churn risk' },
  segments: { zh: '聚类', en: 'segments' },
  write: { zh: '写入结果', en: 'writing results' },
};

/** `hearth analytics run`: the whole analysis on the configured database. */
export function addRunCommand(analytics: Command): void {
  analytics
    .command('run')
    .description('run the customer value analysis on the database')
    .option('--as-of <date>', 'the as-of date (YYYY-MM-DD; default today in the company time zone)')
    .addOption(new Option('--format <format>', 'text, or json: the last stdout line is the outcome as JSON').choices(['text', 'json']).default('text'))
    .action(async (opts: { asOf?: string; format: 'text' | 'json' }) => {
      const texts = TEXTS[locale];
      await withDatabase(async (database) => {
        await prepareDatabase(database);
        const actor = systemActor('cli', locale);
        let run;
        try {
          run = (await startRun(database.db, actor, { kind: 'cli', asOf: opts.asOf }))!;
        } catch (err) {
          if (err instanceof AppError) throw new Error(t(locale, err.key, err.params));
          throw err;
        }
        const done = await executeRun(database.db, run.id, {
          databaseKind: database.kind,
          log: (line) => {
            const [phase, frac] = line.split(' ');
            const [d, tot] = (frac ?? '0/0').split('/').map(Number);
            if (phase && PHASES[phase]) console.error(texts.phase(phase, d ?? 0, tot ?? 0));
          },
        });
        if (done.status !== 'done') {
          console.error(texts.failed(done.error ?? ''));
          process.exitCode = 1;
        }
        const c = done.counts;
        console.error(`stats customers=${c?.customers ?? 0} transactions=${c?.transactions ?? 0} seconds=${done.seconds ?? 0} peakRssMB=${Math.round(process.resourceUsage().maxRSS / 1024)}`);
        if (opts.format === 'json') console.log(JSON.stringify(done));
        else if (c) {
          console.log(texts.done(c.customers, c.tiers.high, c.tiers.middle, c.tiers.low, c.churn.high, done.seconds ?? 0));
          // Which model the figures use, and what the user should know (old data, a fallback model).
          const detail = await getRun(database.db, actor, run.id);
          const used = detail.fits?.used;
          console.log(texts.model(used === 'mbgnbd' ? 'MBG/NBD' : used === 'bgnbd' ? 'BG/NBD' : null));
          for (const w of detail.diagnostics?.warnings ?? []) console.log(texts.note(locale === 'en' ? w.en : w.zh));
        }
      });
    });
}
