/**
 * Benchmark of the care run's occasion matching (issue #6): one day's birthday candidates (solar and 农历), and the
 * anniversaries, over a customers table of 200,000 (by default) with birthdays, with each query's plan.
 *
 *   node --import tsx bench/care.bench.ts                         in-memory PGlite
 *   node --import tsx bench/care.bench.ts --url postgres://…      a scratch PostgreSQL database (or TEST_DATABASE_URL):
 *                                                                 migrated, and its customers tagged care-bench are
 *                                                                 replaced and left there (drop the database after)
 *   options: --customers 200000 --day 2026-10-09 --repeat 5 --explain (the plans) --no-index (drops migration 0017's
 *   two indexes first, to compare)
 *
 * A run matches the occasion days from today back to CATCH_UP_DAYS, so a "day" here is four days of month-days, as
 * the run asks for them. 10% of the customers keep a lunar birthday; all have a solar one.
 */
import { sql } from 'drizzle-orm';
import { prepareDatabase } from '../src/app.js';
import { openDatabase, rowsOf } from '../src/platform/db/client.js';
import * as repo from '../src/modules/care/care.repository.js';
import { CATCH_UP_DAYS } from '../src/modules/care/care.service.js';
import { addDays, lunarBirthdaysOn } from '../src/modules/care/festivals.js';

const arg = (name: string, fallback: string | null = null) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const url = arg('url') ?? process.env.TEST_DATABASE_URL ?? null;
const count = Number(arg('customers', '200000'));
const day = arg('day', '2026-10-09')!;
const repeat = Number(arg('repeat', '5'));

const database = url ? await openDatabase({ kind: 'postgres', url, poolSize: 2 }) : await openDatabase({ kind: 'pglite', dataDir: null });
const { db } = database;
const q = async <T = Record<string, unknown>>(text: ReturnType<typeof sql>) => rowsOf<T>(await db.execute(text));

try {
  await prepareDatabase(database);
  let t = performance.now();
  await db.execute(sql`delete from customers where 'care-bench' = any(tags)`);
  // Birthdays spread over 1950–2005, one in ten with a lunar birthday (month 1–12, day 1–30).
  for (let from = 0; from < count; from += 50_000) {
    const to = Math.min(count, from + 50_000) - 1;
    await db.execute(sql`
      insert into customers (name, consent, tags, birthday, lunar_birthday)
      select '关怀测试' || i, '{}'::jsonb, '{care-bench}', date '1950-01-01' + ((i * 7919) % 20454),
        case when i % 10 = 0 then jsonb_build_object('month', 1 + (i / 10) % 12, 'day', 1 + (i / 120) % 30, 'leap', false) end
      from generate_series(${from}::int, ${to}::int) i`);
  }
  if (process.argv.includes('--no-index')) {
    await db.execute(sql`drop index if exists customers_birthday_md_idx`);
    await db.execute(sql`drop index if exists customers_lunar_birthday_md_idx`);
  }
  await db.execute(sql`analyze customers`);
  console.log(`${count} customers inserted in ${((performance.now() - t) / 1000).toFixed(1)} s (${database.kind})`);

  const days = Array.from({ length: CATCH_UP_DAYS + 1 }, (_, i) => addDays(day, -i));
  const monthDays = days.map((d) => d.slice(5));
  const lunarDays = days.flatMap((d) => lunarBirthdaysOn(d)?.keys ?? []);
  const audience = {};
  const analytics = await repo.hasAnalytics(db);

  const time = async (name: string, f: () => Promise<unknown[]>) => {
    let n = 0;
    const ms: number[] = [];
    for (let i = 0; i < repeat; i++) {
      t = performance.now();
      n = (await f()).length;
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    console.log(`${name.padEnd(22)} ${String(n).padStart(6)} rows   median ${ms[ms.length >> 1]!.toFixed(1)} ms   min ${ms[0]!.toFixed(1)} ms`);
  };
  console.log(`occasion days ${days.join(', ')}; lunar keys ${lunarDays.join(', ')}`);
  await time('birthday (solar)', () => repo.birthdayCandidates(db, audience, analytics, monthDays));
  await time('birthday (lunar)', () => repo.lunarBirthdayCandidates(db, audience, analytics, lunarDays));
  await time('anniversary', () => repo.anniversaryCandidates(db, audience, analytics, monthDays, 'Asia/Shanghai'));

  if (process.argv.includes('--explain')) {
    const explain = async (name: string, text: ReturnType<typeof sql>) => {
      const plan = await q<Record<string, string>>(sql`explain analyze ${text}`);
      console.log(`\n-- ${name}\n${plan.map((r) => Object.values(r)[0]).join('\n')}`);
    };
    await explain('birthday (solar)', repo.birthdayCandidatesSql(audience, analytics, monthDays, 100_000));
    await explain('birthday (lunar)', repo.lunarBirthdayCandidatesSql(audience, analytics, lunarDays, 100_000));
  }
} finally {
  await database.close();
}
