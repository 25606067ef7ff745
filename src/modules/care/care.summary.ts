/**
 * The care module's figure on the customer 360 page's summary band (registered in src/app.ts): the next care occasion
 * — the earliest day from today on when an active 关怀规则 whose audience holds the customer has an occasion for it —
 * with the rule and how many days before it the care goes out. Occasions as the care run finds them: the birthday
 * (the 农历生日 instead when one is kept; 02-29 on 02-28 in common years; a lunar 30th on the 29th of a short month),
 * the anniversary of the first transaction (else of the creation; company time; from the first year on), and festival
 * days (lunar ones from lunar-javascript). Live (截至今天); the link opens the 关怀规则 page for those who manage care.
 */
import { sql } from 'drizzle-orm';
import { can } from '../../platform/auth/permissions.js';
import { rowsOf } from '../../platform/db/client.js';
import { t, type MessageKey, type MessageParams } from '../../platform/i18n/index.js';
import type { CustomerSummarySource } from '../customers/index.js';
import type { Festival, Occasion } from './care.contract.js';
import * as repo from './care.repository.js';
import { anniversaryIn, festivalDate, lunarToSolar } from './festivals.js';

type Facts = { birthday: string | null; lunar: { month: number; day: number } | null; start: string; [rule: `r${number}`]: boolean };

type Next = { date: string; occasion: MessageKey; params?: MessageParams };

/** A lunar month-day in the lunar year beginning in `year`, the 30th on the 29th when the month is short. */
function lunarDay(year: number, month: number, day: number): string | null {
  for (const d of day === 30 ? [30, 29] : [day]) {
    try {
      return lunarToSolar(year, month, d);
    } catch {
      // a 30th in a 29-day month: the 29th
    }
  }
  return null;
}

/** The first of `dates` on or after today. */
const firstFrom = (today: string, dates: (string | null)[]) => dates.filter((d): d is string => !!d && d >= today).sort()[0] ?? null;

function nextOccasion(occasion: Occasion, f: Facts, today: string): Next | null {
  const y = Number(today.slice(0, 4));
  const years = [y - 1, y, y + 1];
  if (occasion === 'birthday') {
    if (f.lunar) {
      const date = firstFrom(today, years.map((ly) => lunarDay(ly, f.lunar!.month, f.lunar!.day)));
      return date ? { date, occasion: 'summary.care.occasion.lunar_birthday' } : null;
    }
    if (!f.birthday) return null;
    const date = firstFrom(today, years.map((yy) => anniversaryIn(yy, f.birthday!.slice(5))));
    return date ? { date, occasion: 'summary.care.occasion.birthday' } : null;
  }
  if (occasion === 'anniversary') {
    const startYear = Number(f.start.slice(0, 4));
    const date = firstFrom(today, years.filter((yy) => yy > startYear).map((yy) => anniversaryIn(yy, f.start.slice(5))));
    return date ? { date, occasion: 'summary.care.occasion.anniversary', params: { years: Number(date.slice(0, 4)) - startYear } } : null;
  }
  const date = firstFrom(today, years.map((yy) => festivalDate(occasion as Festival, yy)));
  return date ? { date, occasion: `summary.care.occasion.${occasion as Festival}` } : null;
}

export const careSummarySource: CustomerSummarySource = {
  key: 'care',
  order: 50,
  permissions: ['customer:read'],
  source: 'summary.source.care',
  async figures({ db, actor, customer, locale, zone, today }) {
    const link = can(actor, 'care:manage') ? '/care/rules' : null;
    const rules = (await repo.listRules(db)).filter((r) => r.active);
    const empty = [{ key: 'care.next_occasion', label: 'summary.care.next_occasion' as const, value: null, unit: 'date' as const, link, empty: 'summary.care.no_rule' as const }];
    if (!rules.length || customer.deleted) return empty;
    const analytics = await repo.hasAnalytics(db);
    const [f] = rowsOf<Facts>(
      await db.execute(sql`
        select c.birthday::text as birthday, c.lunar_birthday as lunar,
          to_char(coalesce((select min(t.occurred_at) from transaction_ledger t where t.customer_id = c.id and t.deleted_at is null), c.created_at) at time zone ${zone}, 'YYYY-MM-DD') as start,
          ${sql.join(rules.map((r, i) => sql`(${repo.audienceSql(r.audience, analytics)}) as ${sql.identifier(`r${i}`)}`), sql`, `)}
        from customer_directory c where c.id = ${customer.id}`),
    );
    if (!f) return empty;
    let best: { next: Next; rule: (typeof rules)[number] } | null = null;
    rules.forEach((rule, i) => {
      if (!f[`r${i}`]) return;
      const next = nextOccasion(rule.occasion, f, today);
      if (next && (!best || next.date < best.next.date)) best = { next, rule };
    });
    if (!best) return empty;
    const { next, rule } = best as { next: Next; rule: (typeof rules)[number] };
    return [
      {
        key: 'care.next_occasion',
        label: 'summary.care.next_occasion',
        value: next.date,
        unit: 'date',
        text: { key: 'summary.care.occasion_text', params: { occasion: t(locale, next.occasion, next.params), date: next.date } },
        detail: { key: 'summary.care.detail', params: { rule: rule.name, days: rule.daysBefore } },
        tone: next.date === today ? 'success' : 'default',
        link,
      },
    ];
  },
};
