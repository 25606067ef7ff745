import { Option, type Command } from 'commander';
import { prepareDatabase } from '../app.js';
import { retentionNow, type RetentionRunView } from '../modules/privacy/index.js';
import { systemActor } from '../platform/auth/permissions.js';
import { AppError } from '../platform/errors.js';
import { t } from '../platform/i18n/index.js';
import { locale, withDatabase } from './context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The few texts of this command, zh-CN first. */
const TEXTS = {
  'zh-CN': {
    dry: (id: string) => `数据保留试运行完成（${id}）：`,
    applied: (id: string) => `数据保留已执行（${id}）：`,
    line: (kind: string, count: number, applied: number | null) => `  ${kind}：${applied === null ? `将处理 ${count} 条` : `试运行 ${count} 条，已处理 ${applied} 条`}`,
    failed: (e: string) => `数据保留运行失败：${e}`,
  },
  en: {
    dry: (id: string) => `Retention dry run done (${id}):`,
    applied: (id: string) => `Retention applied (${id}):`,
    line: (kind: string, count: number, applied: number | null) => `  ${kind}: ${applied === null ? `${count} to remove` : `${count} in the dry run, ${applied} removed`}`,
    failed: (e: string) => `Retention run failed: ${e}`,
  },
};

function print(run: RetentionRunView): void {
  const texts = TEXTS[locale];
  console.log(run.mode === 'dry_run' ? texts.dry(run.id) : texts.applied(run.id));
  for (const p of run.policies) {
    const r = run.report[p.kind];
    console.log(texts.line(t(locale, `privacy.retention.kind.${p.kind}`), r?.count ?? 0, run.mode === 'apply' ? (r?.applied ?? 0) : null));
  }
}

/**
 * `hearth privacy retention --dry-run | --apply [--run ID]`: the retention policies (数据保留) run here, through the same
 * services as the server's job: a dry run reports counts and samples; an apply removes what the latest finished dry run
 * (or the one named) selected.
 */
export function addPrivacyCommand(program: Command): void {
  const privacy = program.command('privacy').description('personal information (个人信息保护)');
  privacy
    .command('retention')
    .description('run the retention policies: --dry-run reports what they would remove, --apply removes what a dry run found')
    .option('--dry-run', 'count and sample what each enabled policy would remove (nothing is removed)')
    .option('--apply', 'apply the latest finished dry run (or --run ID)')
    .option('--run <id>', 'the dry run to apply')
    .addOption(new Option('--format <format>', 'text, or json: the last stdout line is the run as JSON').choices(['text', 'json']).default('text'))
    .action(async (opts: { dryRun?: boolean; apply?: boolean; run?: string; format: 'text' | 'json' }) => {
      if (!!opts.dryRun === !!opts.apply) throw AppError.field('mode', 'validation.required', { field: '--dry-run | --apply' });
      if (opts.run && (!opts.apply || !UUID.test(opts.run))) throw AppError.field('run', 'validation.invalid_format', { field: 'run' });
      await withDatabase(async (database, config) => {
        await prepareDatabase(database);
        const run = await retentionNow(database.db, systemActor('cli', locale), opts.apply ? 'apply' : 'dry_run', { dataDir: config.dataDir, dryRunId: opts.run });
        if (run.status !== 'done') {
          console.error(TEXTS[locale].failed(run.error ?? run.status));
          process.exitCode = 1;
        }
        if (opts.format === 'json') console.log(JSON.stringify(run));
        else print(run);
      });
    });
}
