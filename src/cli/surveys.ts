import { Option, type Command } from 'commander';
import { prepareDatabase } from '../app.js';
import { surveyResults, type SurveyResults } from '../modules/surveys/index.js';
import { systemActor } from '../platform/auth/permissions.js';
import { AppError } from '../platform/errors.js';
import { locale, withDatabase } from './context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_OR_INSTANT = /^\d{4}-\d{2}-\d{2}(T.+)?$/;
const BY = ['segment', 'tier', 'compound', 'agent', 'day', 'week', 'month'] as const;
const num = (x: number | null, digits = 1) => (x === null ? '—' : x.toFixed(digits));
const ci = (c: [number, number] | null) => (c ? `[${c[0].toFixed(1)}, ${c[1].toFixed(1)}]` : '');

/** The readable table: headline figures, SERVQUAL gaps per dimension, the breakdown. */
function table(r: SurveyResults): string[] {
  const en = locale === 'en';
  const lines = [
    `${en ? 'Responses' : '答卷'} ${r.responses}  ${en ? 'invited' : '邀请'} ${r.invited}  ${en ? 'response rate' : '回复率'} ${r.responseRate === null ? '—' : `${r.responseRate.toFixed(1)}%`}  (${en ? 'version' : '版本'} ${r.version})`,
    `NPS   ${num(r.nps.nps)} ${ci(r.nps.ci95)}  n=${r.nps.n}  ${en ? 'promoters' : '推荐者'} ${r.nps.promoters} / ${en ? 'passives' : '中立者'} ${r.nps.passives} / ${en ? 'detractors' : '贬损者'} ${r.nps.detractors}`,
    `CSAT  ${num(r.csat.satisfiedShare)}% ${ci(r.csat.ci95)}  ${en ? 'mean' : '均分'} ${num(r.csat.mean, 2)}  n=${r.csat.n}`,
    `CES   ${en ? 'mean' : '均分'} ${num(r.ces.mean, 2)}  ${en ? 'easy' : '容易'} ${num(r.ces.easyShare)}%  n=${r.ces.n}`,
  ];
  if (r.servqual) {
    lines.push(`SERVQUAL ${en ? 'gap' : '差距'} ${num(r.servqual.gap, 2)}  ${en ? 'weighted' : '加权'} ${num(r.servqual.weightedGap, 2)}`);
    for (const d of r.servqual.dimensions) lines.push(`  ${d.dimension.padEnd(16)} E ${num(d.expectation, 2)}  P ${num(d.perception, 2)}  ${en ? 'gap' : '差距'} ${num(d.gap, 2)}`);
  }
  for (const b of r.breakdown) lines.push(`  ${b.label.padEnd(16)} n=${String(b.responses).padStart(6)}  NPS ${num(b.nps.nps)}  CSAT ${num(b.csat.satisfiedShare)}%  CES ${num(b.ces.mean, 2)}`);
  return lines;
}

/** `hearth surveys results ID [--format json]`: the survey's results, the same figures as its results page. */
export function addSurveysCommand(program: Command): void {
  const surveys = program.command('surveys').description('satisfaction surveys (满意度调查)');
  surveys
    .command('results')
    .description("a survey's results: responses, NPS / CSAT / CES with 95% intervals, SERVQUAL gaps, a breakdown")
    .argument('<id>', 'the survey id')
    .option('--definition-version <n>', 'the definition version (default the current one)')
    .option('--from <day>', 'completed from this day (company time zone) or ISO instant')
    .option('--to <day>', 'completed up to this day (inclusive) or ISO instant')
    .addOption(new Option('--by <dimension>', 'break the figures down').choices([...BY]))
    .addOption(new Option('--format <format>', 'text, or json (the whole results object)').choices(['text', 'json']).default('text'))
    .action(async (id: string, opts: { definitionVersion?: string; from?: string; to?: string; by?: (typeof BY)[number]; format: 'text' | 'json' }) => {
      if (!UUID.test(id)) throw AppError.field('id', 'validation.invalid_format', { field: 'id' });
      const version = opts.definitionVersion === undefined ? undefined : Number(opts.definitionVersion);
      if (version !== undefined && !(Number.isInteger(version) && version >= 1)) throw AppError.field('version', 'validation.invalid_format', { field: 'version' });
      for (const k of ['from', 'to'] as const) {
        const v = opts[k];
        if (v !== undefined && (!DAY_OR_INSTANT.test(v) || Number.isNaN(Date.parse(v)))) throw AppError.field(k, 'validation.invalid_format', { field: k });
      }
      await withDatabase(async (database) => {
        await prepareDatabase(database);
        const r = await surveyResults(database.db, systemActor('cli', locale), id, { version, from: opts.from, to: opts.to, by: opts.by });
        if (opts.format === 'json') console.log(JSON.stringify(r));
        else for (const line of table(r)) console.log(line);
      });
    });
}
