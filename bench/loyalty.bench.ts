/**
 * Benchmark of loyalty on PostgreSQL (issue #16, must show: the tier review and expiry on 1,000,000 members ≤ 60 s;
 * earning on a 1,000,000-row transaction import adds ≤ 25 % to the import's time).
 *
 * Part 1, the nightly upkeep. A scratch database `hearth_bench_loyalty_N` on BENCH_DATABASE_URL's server (default
 * postgres://postgres@127.0.0.1:5432/postgres) gets N customers and members loaded with set-based SQL: two earned lots
 * each — one earned 20 months ago and due (expired yesterday), one earned 6 months ago and open — and every tenth
 * member a partial reversal of the recent lot; tiers 75 % 普通, 15 % 银卡, 5 % 金卡, 5 % 钻石; the heating programme
 * (growth on points) with today as its review day. Then the day's upkeep runs as the server runs it (the durable run:
 * the review walk that expires each range's due lots as it reviews it, then the expiry of anyone it did not take;
 * 5,000 members per transaction) and is timed by phase.
 *
 * The floor, same server, same run, same rows: the writes the upkeep cannot avoid, each as one bare statement — an
 * UPDATE of every due lot, an UPDATE of every member and an INSERT of one expire entry per member — plus a scan of
 * the ledger. Reported with the ratio.
 *
 * Part 2, earning on an import (`bench/import.bench.mjs --only postgres`, unless --skip-import): `hearth import` of
 * --import-rows transactions (default: N) for N/10 customers into two copies of one database, with the programme off
 * (the floor: the import alone) and on (the heating programme: every payment earns in the same batches); the share
 * earning adds is the second time over the first, minus one.
 *
 *   node --import tsx bench/loyalty.bench.ts [--scale 1000000] [--import-rows N] [--skip-import] [--keep]
 *   (npm run bench -- --loyalty [--scale N] …)
 *
 * The database is dropped at the end unless --keep (--load-only: load, keep, and stop before the floor and the run).
 * --members-fillfactor N loads loyalty_members with that fillfactor (an experiment: the migrations set 80). Output: a summary on stdout and
 * bench/results/<time>-loyalty-postgres-<N>.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { prepareDatabase } from '../src/app.js';
import { defaultProgramme, writeProgramme } from '../src/modules/loyalty/programme.js';
import { executeUpkeep, queueLoyaltyUpkeep } from '../src/modules/loyalty/upkeep.js';
import { companyClock } from '../src/modules/settings/index.js';
import { openDatabase, rowsOf, type Db } from '../src/platform/db/client.js';
import { admin, arg, flag, log, PG_BASE, ROOT, round } from './pg-bench.js';

const SCALE = Number(arg('scale', '1000000'));
const GOAL_S = 60;
const IMPORT_ROWS = Number(arg('import-rows', String(SCALE)));
const IMPORT_GOAL = 0.25;

type ImportResult = { kind: string; rows: number; seconds: number; rowsPerSecond: number; peakRssMB: number; earned?: { entries: number; members: number; points: string } };

/** Part 2 (see the file comment): the import benchmark on PostgreSQL, programme off then on. */
function importPart(): { customers: number; transactions: number; off: ImportResult; on: ImportResult; share: number } {
  const customers = Math.max(1000, Math.round(IMPORT_ROWS / 10));
  log(`import: ${customers} customers, ${IMPORT_ROWS} transactions, loyalty off then on …`);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'import.bench.mjs'), '--customers', String(customers), '--transactions', String(IMPORT_ROWS), '--only', 'postgres'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, BENCH_DATABASE_URL: PG_BASE },
  });
  if (r.status !== 0) throw new Error(`import benchmark failed (${r.status})`);
  const out = JSON.parse(readFileSync(path.join(ROOT, 'test-results', 'bench-import.json'), 'utf8')) as { results: (ImportResult & { database: string })[]; loyaltyShare: number | null };
  const off = out.results.find((x) => x.database === 'postgres' && x.kind === 'transactions');
  const on = out.results.find((x) => x.database === 'postgres' && x.kind === 'transactions+loyalty');
  if (!off || !on || out.loyaltyShare === null) throw new Error('import benchmark: no PostgreSQL figures');
  return { customers, transactions: IMPORT_ROWS, off, on, share: round(out.loyaltyShare, 3) };
}

/** The load, one statement per table (bench_m: member number k → customer id). */
async function load(db: Db, n: number, now: Date): Promise<void> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const steps: [string, ReturnType<typeof sql>][] = [
    ['ids', sql`create table bench_m as select k, gen_random_uuid() as id, (100 + (k::bigint * 7919) % 3000)::int as p_old, (1 + (k::bigint * 104729) % case when k % 20 = 0 then 14000 when k % 20 = 10 then 9000 when k % 20 in (1, 5, 9) then 6000 else 2600 end)::int as p_new
            from generate_series(1, ${n}::int) k`],
    ['customers', sql`insert into customers (id, name, consent) select id, '会员' || k, '{}'::jsonb from bench_m`],
    [
      'members',
      sql`insert into loyalty_members (customer_id, member_no, tier, tier_since, joined_at, balance, referral_code, reviewed_for)
          select id, k, case when k % 20 = 0 then 'diamond' when k % 20 = 10 then 'gold' when k % 20 in (1, 5, 9) then 'silver' else 'regular' end,
                 ${at} - interval '400 days', ${at} - interval '400 days' - (k % 700) * interval '1 day',
                 p_old + p_new - case when k % 10 = 3 then p_new / 3 else 0 end, 'B' || lpad(k::text, 9, '0'), '1999'
          from bench_m`,
    ],
    [
      'entries',
      sql`insert into points_entries (id, customer_id, kind, points, balance_after, reason, source_kind, reverses_id, occurred_at, expires_at)
          select 2 * k - 1, id, 'earn', p_old, p_old, 'bench', 'transaction', null::bigint, ${at} - interval '20 months', ${at} - interval '1 day' from bench_m
          union all
          select 2 * k, id, 'earn', p_new, p_old + p_new, 'bench', 'transaction', null::bigint, ${at} - interval '6 months', ${at} + interval '13 months' from bench_m
          union all
          select 2 * ${n} + k, id, 'reverse', -(p_new / 3), p_old + p_new - p_new / 3, 'bench', 'refund', 2 * k, ${at} - interval '5 months', null from bench_m where k % 10 = 3 and p_new >= 3`,
    ],
    [
      'lots',
      sql`insert into points_lots (entry_id, customer_id, points, remaining, expires_at)
          select 2 * k - 1, id, p_old, p_old, ${at} - interval '1 day' from bench_m
          union all
          select 2 * k, id, p_new, p_new - case when k % 10 = 3 then p_new / 3 else 0 end, ${at} + interval '13 months' from bench_m`,
    ],
    ['allocations', sql`insert into points_allocations (debit_id, lot_id, points) select 2 * ${n} + k, 2 * k, p_new / 3 from bench_m where k % 10 = 3 and p_new >= 3`],
    ['sequences', sql`select setval('points_entries_id_seq', 3 * ${n}), setval('loyalty_members_member_no_seq', ${n})`],
  ];
  for (const [name, statement] of steps) {
    const t = performance.now();
    await db.execute(statement);
    log(`load ${name}: ${round((performance.now() - t) / 1000)} s`);
  }
  await db.execute(sql`drop table bench_m`);
}

/** The floor (see the file comment), then VACUUM ANALYZE so the upkeep meets tables as autovacuum leaves them. */
async function floor(db: Db, now: Date): Promise<{ scanEntriesMs: number; updateDueLotsMs: number; updateMembersMs: number; insertEntriesMs: number; seconds: number }> {
  const timed = async (statement: ReturnType<typeof sql>) => {
    const t = performance.now();
    await db.execute(statement);
    return round(performance.now() - t, 0);
  };
  const scanEntriesMs = await timed(sql`select count(*), sum(points) from points_entries`);
  const updateDueLotsMs = await timed(sql`update points_lots set remaining = remaining where remaining > 0 and expires_at <= ${now.toISOString()}::timestamptz`);
  const updateMembersMs = await timed(sql`update loyalty_members set reviewed_for = reviewed_for`);
  // One entry per member, as the expiry writes them (then taken out again, so the upkeep meets the loaded ledger).
  const insertEntriesMs = await timed(sql`
    insert into points_entries (customer_id, kind, points, balance_after, reason, source_kind, occurred_at)
    select customer_id, 'expire', -1, balance, 'bench', 'expiry', ${now.toISOString()}::timestamptz from loyalty_members`);
  await db.execute(sql`delete from points_entries where reason = 'bench' and kind = 'expire'`);
  await db.execute(sql`vacuum analyze`);
  return { scanEntriesMs, updateDueLotsMs, updateMembersMs, insertEntriesMs, seconds: round((scanEntriesMs + updateDueLotsMs + updateMembersMs + insertEntriesMs) / 1000, 2) };
}

async function main() {
  const started = new Date();
  const name = `hearth_bench_loyalty_${SCALE}`;
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  const url = new URL(PG_BASE);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 4 });
  const { db } = database;
  const q = async <T>(text: ReturnType<typeof sql>) => rowsOf<T>(await db.execute(text));
  let closed = false;
  try {
    await prepareDatabase(database);
    // An experiment for the schema: room on each page of loyalty_members makes its balance and review updates HOT.
    const fillfactor = arg('members-fillfactor');
    if (fillfactor) await db.execute(sql.raw(`alter table loyalty_members set (fillfactor = ${Number(fillfactor)})`));
    const now = new Date();
    const { today } = await companyClock(db, now);
    await writeProgramme(db, { ...defaultProgramme('heating'), enabled: true, reviewMonthDay: today.slice(5) });
    const t0 = performance.now();
    await load(db, SCALE, now);
    await db.execute(sql`vacuum analyze`);
    const loadSeconds = round((performance.now() - t0) / 1000);
    const [before] = await q<{ due_members: string; due_points: string; due_lots: string }>(sql`
      select count(distinct customer_id) as due_members, coalesce(sum(remaining), 0) as due_points, count(*) as due_lots
      from points_lots where remaining > 0 and expires_at <= ${now.toISOString()}::timestamptz`);
    if (flag('load-only')) {
      log(`loaded ${name} (${loadSeconds} s); kept for inspection`);
      return;
    }
    const floorResult = await floor(db, now);
    log(`floor: ${JSON.stringify(floorResult)}`);

    const id = (await queueLoyaltyUpkeep(db, now))!;
    // Seconds per phase: each slice's time goes to the phase it worked in (its progress names it).
    const phases: Record<string, number> = {};
    const steps: Record<string, number> = {};
    const t1 = performance.now();
    let since = t1;
    const run = await executeUpkeep(db, id, {
      now,
      log: (line) => log(line),
      onStep: (name, ms) => {
        steps[name] = (steps[name] ?? 0) + ms;
      },
      onSlice: (_cp, progress) => {
        const t = performance.now();
        phases[progress.phase] = round((phases[progress.phase] ?? 0) + (t - since) / 1000);
        since = t;
      },
    });
    const seconds = round((performance.now() - t1) / 1000);
    for (const k of Object.keys(steps)) steps[k] = round(steps[k]! / 1000);
    if (run.status !== 'done') throw new Error(`upkeep ${run.status}: ${run.error}`);
    const [after] = await q<{ due: string; finished: string; changes: string }>(sql`
      select (select count(*) from points_lots where remaining > 0 and expires_at <= ${now.toISOString()}::timestamptz) as due,
             (select count(*) from loyalty_reviews where year = ${today.slice(0, 4)} and finished_at is not null) as finished,
             (select count(*) from loyalty_tier_changes) as changes`);
    const checks = {
      expiredAsDue: run.summary.expiredMembers === Number(before!.due_members) && run.summary.expiredPoints === Number(before!.due_points),
      nothingDueLeft: Number(after!.due) === 0,
      // The year's review walk finished (loyalty_reviews) having taken every member.
      everyoneReviewed: Number(after!.finished) === 1 && run.summary.reviewed === SCALE,
      historyRows: Number(after!.changes) === run.summary.upgraded + run.summary.downgraded,
    };
    const membersFillfactor = Number(
      (await q<{ f: string | null }>(sql`select (select split_part(o, '=', 2) from unnest(reloptions) o where o like 'fillfactor=%') as f from pg_class where relname = 'loyalty_members'`))[0]?.f ?? 100,
    );
    // Part 2 runs on databases of its own: this one goes first, so the machine is otherwise quiet for it.
    await database.close();
    closed = true;
    if (!flag('keep')) await admin(`drop database if exists ${name} with (force)`);
    const loadAverage = os.loadavg().map((x) => round(x, 2));
    const imported = flag('skip-import') ? null : importPart();
    const result = {
      bench: 'loyalty',
      startedAt: started.toISOString(),
      scale: SCALE,
      db: 'postgres',
      membersFillfactor,
      loadAverage,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', memoryGb: round(os.totalmem() / 2 ** 30) },
      loadSeconds,
      floor: floorResult,
      upkeep: { seconds, goalSeconds: GOAL_S, ratioToFloor: round(seconds / floorResult.seconds, 1), phases, steps, summary: run.summary },
      import: imported && {
        ...imported,
        goalShare: IMPORT_GOAL,
        // The floor of this figure is the same import with the programme off.
        ratioToFloor: round(imported.on.seconds / imported.off.seconds, 3),
        loadAverage: os.loadavg().map((x) => round(x, 2)),
      },
      checks,
    };
    mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    const file = path.join(ROOT, 'bench/results', `${started.toISOString().replace(/[:.]/g, '-')}-loyalty-postgres-${SCALE}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `loyalty upkeep on ${SCALE.toLocaleString('en-US')} members: ${seconds} s (goal ≤ ${GOAL_S} s), ${result.upkeep.ratioToFloor}× the floor (${floorResult.seconds} s); ` +
        `phases ${JSON.stringify(phases)}; review steps ${JSON.stringify(steps)}; ${JSON.stringify(run.summary)}; checks ${JSON.stringify(checks)}\n` +
        (imported
          ? `earning on an import of ${imported.transactions.toLocaleString('en-US')} transactions adds ${round(imported.share * 100)} % (goal ≤ ${IMPORT_GOAL * 100} %): ${imported.off.seconds} s → ${imported.on.seconds} s\n`
          : '') +
        file,
    );
    if (Object.values(checks).some((ok) => !ok)) process.exitCode = 1;
  } finally {
    if (!closed) await database.close();
    if (!flag('keep') && !flag('load-only')) await admin(`drop database if exists ${name} with (force)`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
