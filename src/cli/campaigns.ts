import { Option, type Command } from 'commander';
import { prepareDatabase } from '../app.js';
import { campaignResults, type CampaignResults } from '../modules/campaigns/index.js';
import { systemActor } from '../platform/auth/permissions.js';
import { AppError } from '../platform/errors.js';
import { locale, withDatabase } from './context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
const interval = (i: { diff: number; lower: number; upper: number } | null, f: (x: number) => string) => (i ? `${f(i.diff)} [${f(i.lower)}, ${f(i.upper)}]` : '—');

/** The few texts of this command, zh-CN first. */
const TEXTS = {
  'zh-CN': (r: CampaignResults) => [
    `触达：实验组 ${r.treated.reach}，对照组 ${r.holdout.reach}；消息已发 ${r.messages.sent}，被规则拦截 ${Object.values(r.messages.blocked).reduce((a, b) => a + b, 0)}`,
    `响应率：实验组 ${pct(r.treated.responseRate)}，对照组 ${pct(r.holdout.responseRate)}；提升 ${interval(r.responseUplift, pct)}（95% 置信区间）`,
    `人均收入提升：${interval(r.revenueUplift, yuan)}；增量收入 ${r.incrementalRevenueFen === null ? '—' : yuan(r.incrementalRevenueFen)}；成本 ${yuan(r.costFen)}；ROI ${r.roi === null ? '—' : pct(r.roi)}`,
  ],
  en: (r: CampaignResults) => [
    `Reach: treated ${r.treated.reach}, holdout ${r.holdout.reach}; messages sent ${r.messages.sent}, blocked by rules ${Object.values(r.messages.blocked).reduce((a, b) => a + b, 0)}`,
    `Response: treated ${pct(r.treated.responseRate)}, holdout ${pct(r.holdout.responseRate)}; uplift ${interval(r.responseUplift, pct)} (95% interval)`,
    `Revenue per head uplift: ${interval(r.revenueUplift, yuan)}; incremental revenue ${r.incrementalRevenueFen === null ? '—' : yuan(r.incrementalRevenueFen)}; cost ${yuan(r.costFen)}; ROI ${r.roi === null ? '—' : pct(r.roi)}`,
  ],
};

/** `hearth campaigns results ID [--format json]`: the campaign's results, the same figures as its results page. */
export function addCampaignsCommand(program: Command): void {
  const campaigns = program.command('campaigns').description('campaigns (营销活动)');
  campaigns
    .command('results')
    .description("a campaign's results: treated vs holdout, uplift with 95% intervals, ROI")
    .argument('<id>', 'the campaign id')
    .option('--as-of <instant>', 'figures as of this ISO instant (default now)')
    .addOption(new Option('--format <format>', 'text, or json (the whole results object)').choices(['text', 'json']).default('text'))
    .action(async (id: string, opts: { asOf?: string; format: 'text' | 'json' }) => {
      if (!UUID.test(id)) throw AppError.field('id', 'validation.invalid_format', { field: 'id' });
      if (opts.asOf && Number.isNaN(Date.parse(opts.asOf))) throw AppError.field('asOf', 'validation.invalid_format', { field: 'asOf' });
      await withDatabase(async (database) => {
        await prepareDatabase(database);
        const r = await campaignResults(database.db, systemActor('cli', locale), id, { asOf: opts.asOf });
        if (opts.format === 'json') console.log(JSON.stringify(r));
        else for (const line of TEXTS[locale](r)) console.log(line);
      });
    });
}
