import { Option, type Command } from 'commander';
import { prepareDatabase } from '../app.js';
import { refreshNow } from '../modules/segments/index.js';
import { systemActor } from '../platform/auth/permissions.js';
import { AppError } from '../platform/errors.js';
import { locale, withDatabase } from './context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The few texts of this command, zh-CN first. */
const TEXTS = {
  'zh-CN': {
    done: (entered: number, exited: number, s: string) => `客户细分刷新完成：新进入 ${entered} 位，退出 ${exited} 位，用时 ${s} 秒`,
    failed: (e: string) => `客户细分刷新失败：${e}`,
  },
  en: {
    done: (entered: number, exited: number, s: string) => `Segments refreshed: ${entered} entered, ${exited} left, ${s} s`,
    failed: (e: string) => `Segment refresh failed: ${e}`,
  },
};

/** `hearth segments refresh [--id ID]`: one dynamic segment, or every one, refreshed here (the same run as the server's). */
export function addSegmentsCommand(program: Command): void {
  const segments = program.command('segments').description('customer segments (客户细分)');
  segments
    .command('refresh')
    .description('recompute the members of one dynamic segment (--id) or of every dynamic segment')
    .option('--id <id>', 'the segment id (default: every dynamic segment)')
    .addOption(new Option('--format <format>', 'text, or json: the last stdout line is the outcome as JSON').choices(['text', 'json']).default('text'))
    .action(async (opts: { id?: string; format: 'text' | 'json' }) => {
      const texts = TEXTS[locale];
      if (opts.id && !UUID.test(opts.id)) throw AppError.field('id', 'validation.invalid_format', { field: 'id' });
      await withDatabase(async (database) => {
        await prepareDatabase(database);
        const started = performance.now();
        const run = await refreshNow(database.db, systemActor('cli', locale), opts.id);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        if (run.status !== 'done') {
          console.error(texts.failed(run.error ?? run.status));
          process.exitCode = 1;
        }
        if (opts.format === 'json') console.log(JSON.stringify(run));
        else if (run.status === 'done') console.log(texts.done(run.entered, run.exited, seconds));
      });
    });
}
