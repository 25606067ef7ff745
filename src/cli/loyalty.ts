import { Option, type Command } from 'commander';
import { prepareDatabase } from '../app.js';
import { upkeepNow, type UpkeepSummary } from '../modules/loyalty/index.js';
import { locale, withDatabase } from './context.js';

/** The few texts of this command, zh-CN first. */
const TEXTS = {
  'zh-CN': {
    done: (day: string, s: UpkeepSummary, secs: string) =>
      `会员维护完成（${day}）：${s.expiredMembers} 位会员的 ${s.expiredPoints} 积分到期；评级 ${s.reviewed} 位，保级 ${s.kept} 位，降级 ${s.downgraded} 位，升级 ${s.upgraded} 位；用时 ${secs} 秒`,
    already: (day: string) => `今天（${day}）的会员维护已完成`,
    failed: (e: string) => `会员维护失败：${e}`,
  },
  en: {
    done: (day: string, s: UpkeepSummary, secs: string) =>
      `Loyalty upkeep done (${day}): ${s.expiredPoints} points of ${s.expiredMembers} members expired; ${s.reviewed} reviewed, ${s.kept} kept, ${s.downgraded} down, ${s.upgraded} up; ${secs} s`,
    already: (day: string) => `Today's loyalty upkeep (${day}) is already done`,
    failed: (e: string) => `Loyalty upkeep failed: ${e}`,
  },
};

/**
 * `hearth loyalty upkeep`: today's upkeep (expire due points; on the review day the yearly tier review) here and now —
 * the same durable run the server's nightly job executes (a failed or interrupted one resumes from its checkpoint).
 * Answers the `loyalty` command so that other loyalty subcommands can be added to it.
 */
export function addLoyaltyCommand(program: Command): Command {
  const loyalty = program.command('loyalty').description('loyalty programme (会员与积分)');
  loyalty
    .command('upkeep')
    .description("run today's loyalty upkeep: expire due points and, on the review day, review every member's tier")
    .addOption(new Option('--format <format>', 'text, or json: the last stdout line is the run as JSON').choices(['text', 'json']).default('text'))
    .action(async (opts: { format: 'text' | 'json' }) => {
      const texts = TEXTS[locale];
      await withDatabase(async (database) => {
        await prepareDatabase(database);
        const started = performance.now();
        const { run, executed } = await upkeepNow(database.db, { log: (line) => console.error(line) });
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        if (run.status !== 'done') {
          console.error(texts.failed(run.error ?? run.status));
          process.exitCode = 1;
        }
        if (opts.format === 'json') console.log(JSON.stringify(run));
        else if (run.status === 'done') console.log(executed ? texts.done(run.day, run.summary, seconds) : texts.already(run.day));
      });
    });
  return loyalty;
}
