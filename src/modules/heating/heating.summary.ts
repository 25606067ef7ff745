/**
 * The heating module's figure on the customer 360 page's summary band (registered in src/app.ts): the household's
 * 欠费 — the heating fees due and unpaid, by the rule of arrears.ts — read from its read model (`heating_arrears`), so
 * the band, the compound tree and the arrears list give one figure. Dated with the read model's last computation for
 * the household (its rows, else the last finished rebuild; today when neither exists yet). Under the heating template
 * only; needs `customer:read`. The link opens the 交易记录 tab, where the seasons' payments are.
 */
import { and, eq, max } from 'drizzle-orm';
import { dayInZone } from '../../platform/time.js';
import type { CustomerSummarySource } from '../customers/index.js';
import { readCompanySettings } from '../settings/index.js';
import { heatingArrears, heatingArrearsRuns } from './schema.js';

export const heatingSummarySource: CustomerSummarySource = {
  key: 'heating',
  order: 25,
  permissions: ['customer:read'],
  source: 'summary.source.heating',
  async figures({ db, customer, zone, tab }) {
    if ((await readCompanySettings(db)).template !== 'heating') return [];
    const seasons = await db
      .select({ season: heatingArrears.season, owed: heatingArrears.owedFen, at: heatingArrears.computedAt })
      .from(heatingArrears)
      .where(eq(heatingArrears.customerId, customer.id))
      .orderBy(heatingArrears.seasonYear);
    let asOf: Date | null = seasons.length ? new Date(Math.max(...seasons.map((s) => s.at.getTime()))) : null;
    if (!asOf) {
      const [run] = await db
        .select({ at: max(heatingArrearsRuns.finishedAt) })
        .from(heatingArrearsRuns)
        .where(and(eq(heatingArrearsRuns.status, 'done')));
      asOf = run?.at ? new Date(run.at) : null;
    }
    const owed = seasons.reduce((n, s) => n + Number(s.owed), 0);
    return [
      {
        key: 'heating.arrears',
        label: 'summary.heating.arrears',
        value: owed,
        unit: 'fen',
        detail: seasons.length ? { key: 'summary.heating.arrears_detail', params: { seasons: seasons.map((s) => s.season).join('、') } } : 'summary.heating.no_arrears',
        tone: owed > 0 ? 'danger' : 'default',
        ...(asOf ? { asOf: dayInZone(zone, asOf) } : {}),
        link: tab('transactions'),
      },
    ];
  },
};
