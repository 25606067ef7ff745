/**
 * The care module's home-page tile (issue #17): `care.occasions` on the account manager's board — the personal care
 * occasions of this week (Monday to Sunday, company zone) among the customers the actor owns: birthdays (solar, or the
 * 农历生日 for those who keep one) and anniversaries (the first transaction, else the creation date), as the active
 * 关怀规则 define them — an occasion counts when an active rule of its kind has the customer in its audience, matched
 * day by day as the care run matches them (`occasionsOn` below reuses the run's birthday statements and its lunar
 * arithmetic). Festivals are left out: they fall on every customer of a rule's audience at once.
 *
 * Figures: the occasions this week, split by kind (the two add up to it); the chart counts them per day (the seven
 * bars add up to it); the rows are the occasions themselves (day, customer, kind), each opening the customer's page —
 * all of them up to OCCASION_ROWS. One customer with a birthday and an anniversary this week is two occasions; two
 * rules of the same kind covering one customer are one.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import { NO_USER } from '../../platform/auth/access.js';
import { customerAccess, customerFields } from '../customers/index.js';
import type { DashboardTileDef, TileContext, TileRow } from '../dashboards/index.js';
import * as repo from './care.repository.js';
import { addDays, lunarBirthdaysOn } from './festivals.js';

/** Occasions listed at most (the figures count them all). */
export const OCCASION_ROWS = 50;
const LIMIT = 100_000;

export type CareOccasion = { customerId: string; name: string; day: string; kind: 'birthday' | 'lunar_birthday' | 'anniversary'; years: number | null };

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const textArray = (xs: readonly string[]) => sql`${`{${xs.map((x) => `"${x.replace(/["\\]/g, '\\$&')}"`).join(',')}}`}::text[]`;

/** The Monday (company day) of the week holding `today`, and its seven days. */
export function weekOf(today: string): string[] {
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
  const monday = addDays(today, -weekday);
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/**
 * The birthday and anniversary occasions on `days` of the customers matching `who` (SQL over the alias `c`), within
 * the audience of an active rule of that occasion.
 */
export async function occasionsOn(db: DbOrTx, days: readonly string[], who: SQL, zone: string): Promise<CareOccasion[]> {
  const rules = (await repo.listRules(db)).filter((r) => r.active && (r.occasion === 'birthday' || r.occasion === 'anniversary'));
  if (!rules.length) return [];
  const analytics = await repo.hasAnalytics(db);
  const byMonthDay = new Map<string, string>();
  for (const d of days) {
    byMonthDay.set(d.slice(5), d);
    if (d.slice(5) === '02-28' && !isLeap(Number(d.slice(0, 4)))) byMonthDay.set('02-29', d);
  }
  const byLunarDay = new Map<string, string>();
  for (const d of days) for (const key of lunarBirthdaysOn(d)?.keys ?? []) byLunarDay.set(key, d);
  const mine = (inner: SQL) => sql`select b.* from (${inner}) b join customer_directory c on c.id = b.id where ${who}`;
  const found = new Map<string, CareOccasion>();
  const add = (o: CareOccasion) => found.set(`${o.customerId}|${o.kind === 'anniversary' ? 'a' : 'b'}`, o);
  for (const rule of rules) {
    if (rule.occasion === 'birthday') {
      for (const c of rowsOf<repo.Candidate>(await db.execute(mine(repo.birthdayCandidatesSql(rule.audience, analytics, [...byMonthDay.keys()], LIMIT))))) {
        const day = byMonthDay.get(c.monthDay ?? '');
        if (day) add({ customerId: c.id, name: c.name, day, kind: 'birthday', years: null });
      }
      if (byLunarDay.size) {
        for (const c of rowsOf<repo.Candidate>(await db.execute(mine(repo.lunarBirthdayCandidatesSql(rule.audience, analytics, [...byLunarDay.keys()], LIMIT))))) {
          const day = byLunarDay.get(c.monthDay ?? '');
          if (day) add({ customerId: c.id, name: c.name, day, kind: 'lunar_birthday', years: null });
        }
      }
    } else {
      // The run's anniversary (care.repository `anniversaryCandidates`), over the actor's customers first.
      const rows = rowsOf<{ id: string; name: string; monthDay: string; startYear: number }>(
        await db.execute(sql`
          select x.id, x.name, to_char(x.start, 'MM-DD') as "monthDay", extract(year from x.start)::int as "startYear"
          from (
            select c.id, c.name,
              (coalesce((select min(t.occurred_at) from transaction_ledger t where t.customer_id = c.id and t.deleted_at is null), c.created_at) at time zone ${zone}) as start
            from customer_directory c
            where ${who} and ${repo.audienceSql(rule.audience, analytics)}
          ) x
          where to_char(x.start, 'MM-DD') = any(${textArray([...byMonthDay.keys()])})`),
      );
      for (const c of rows) {
        const day = byMonthDay.get(c.monthDay);
        if (!day) continue;
        const years = Number(day.slice(0, 4)) - Number(c.startYear);
        if (years > 0) add({ customerId: c.id, name: c.name, day, kind: 'anniversary', years });
      }
    }
  }
  return [...found.values()].sort((a, b) => a.day.localeCompare(b.day) || a.name.localeCompare(b.name, 'zh-CN') || a.customerId.localeCompare(b.customerId));
}

async function loadOccasions({ db, actor, locale, zone, today }: TileContext) {
  const days = weekOf(today);
  // The actor's own customers (live), within their data scope.
  const who = sql`c.deleted_at is null and c.owner_id = ${actor.userId ?? NO_USER}::uuid and ${customerAccess.where(actor, 'c')}`;
  // Field grants (issue #18): a birthday this week tells the birthday — left out for a role that does not see it.
  const seesBirthday = customerFields(actor).visible('birthday');
  const occasions = (await occasionsOn(db, days, who, zone)).filter((o) => seesBirthday || o.kind === 'anniversary');
  const birthdays = occasions.filter((o) => o.kind !== 'anniversary').length;
  const kindText = (o: CareOccasion) =>
    o.kind === 'anniversary' ? t(locale, 'care.tile.kind.anniversary', { years: o.years ?? 0 }) : t(locale, `care.tile.kind.${o.kind}`);
  const rows: TileRow[] = occasions.slice(0, OCCASION_ROWS).map((o) => ({
    id: `${o.customerId}:${o.kind}`,
    label: o.name,
    detail: `${o.day.slice(5)} · ${kindText(o)}`,
    at: o.day,
    tone: o.day === today ? 'success' : 'default',
    link: `/customers/${o.customerId}`,
  }));
  return {
    title: t(locale, 'care.tile.title'),
    description: t(locale, 'care.tile.description', { from: days[0]!, to: days[6]! }),
    stats: [
      { label: t(locale, 'care.tile.total'), value: occasions.length, unit: 'count' as const, tone: 'default' as const, link: null },
      { label: t(locale, 'care.tile.birthdays'), value: birthdays, unit: 'count' as const, tone: 'default' as const, link: null },
      { label: t(locale, 'care.tile.anniversaries'), value: occasions.length - birthdays, unit: 'count' as const, tone: 'default' as const, link: null },
    ],
    rows,
    chart: {
      kind: 'bar' as const,
      unit: 'count' as const,
      x: days.map((d) => d.slice(5)),
      series: [{ name: t(locale, 'care.tile.series'), values: days.map((d) => occasions.filter((o) => o.day === d).length), links: days.map(() => null) }],
    },
    link: null,
  };
}

export const careDashboardTiles: DashboardTileDef[] = [{ key: 'care.occasions', boards: ['account'], order: 40, permissions: ['customer:read'], load: loadOccasions }];
