/**
 * Benchmark of survey distribution on PostgreSQL (issue #15): on a heating demo of N households (default 1,000,000),
 * a send of an active survey to a segment of 100,000 households (min(100,000, N)) — draw, invite (the fatigue and
 * live-invitation checks against every survey's invitations), one SMS each into the outbox with its signed link —
 * timed end to end and by phase (goal ≤ 30 s). Modelled on bench/segments.bench.ts part (c).
 *
 *   node --import tsx bench/surveys.bench.ts --scale 2000          (or BENCH_SURVEY_SIZE=2000)
 *   node --import tsx bench/surveys.bench.ts --scale 1000000 [--seed 1] [--database NAME] [--fresh] [--drop]
 *
 * The database is `hearth_svybench_N_sS` on BENCH_DATABASE_URL's server (default postgres://postgres@127.0.0.1:5432/postgres):
 * made and loaded (`loadDemo`) when missing, reused otherwise (--fresh rebuilds it, --drop drops it at the end).
 * `--database NAME` runs on an existing demo database instead (e.g. one the segments benchmark loaded; it gets a
 * segment, a survey and their rows). Invitations of earlier runs are withdrawn first, so the fatigue rule (90 days,
 * checked for every member) skips nobody and every run writes the full audience.
 * Output: a summary on stdout and bench/results/<time>-surveys-postgres-<N>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { prepareDatabase } from '../src/app.js';
import { loadDemo } from '../src/modules/demo/index.js';
import { refreshNow } from '../src/modules/segments/index.js';
import type { Rule } from '../src/modules/segments/rule.js';
import { createSegment } from '../src/modules/segments/segments.service.js';
import { createSend } from '../src/modules/surveys/invitations.js';
import { executeSend } from '../src/modules/surveys/send.js';
import { activateSurvey, createSurvey } from '../src/modules/surveys/surveys.service.js';
import { surveyResults } from '../src/modules/surveys/results.js';
import { systemActor, type Actor } from '../src/platform/auth/permissions.js';
import { openDatabase, rowsOf } from '../src/platform/db/client.js';
import { admin, arg, AS_OF, flag, log, PG_BASE, ROOT, round } from './pg-bench.js';

const SCALE = Number(arg('scale', process.env.BENCH_SURVEY_SIZE ?? '1000000'));
const SEED = Number(arg('seed', '1'));
const AUDIENCE = Math.min(100_000, SCALE);
const GOAL_S = 30;
const RESPONSES = Math.min(100_000, SCALE);


async function main() {
  const started = new Date();
  const given = arg('database');
  const name = given ?? `hearth_svybench_${SCALE}_s${SEED}`;
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a database name: ${name}`);
  if (!given && flag('fresh')) await admin(`drop database if exists ${name} with (force)`);
  if (!(await admin(`select 1 from pg_database where datname = '${name}'`)).length) {
    if (given) throw new Error(`no database ${name}`);
    await admin(`create database ${name}`);
  }
  const url = new URL(PG_BASE);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 4 });
  const { db } = database;
  const q = async <T>(text: ReturnType<typeof sql>) => rowsOf<T>(await db.execute(text));
  try {
    await prepareDatabase(database);
    const cli = systemActor('cli');
    if (!given) {
      const t = performance.now();
      await loadDemo(db, cli, { seed: SEED, size: SCALE, asOf: AS_OF }, { skipForeignKeyChecks: true, writers: 2, acceptOlderVersion: true });
      log(`demo load: ${round((performance.now() - t) / 1000)} s`);
    }
    // The floor, same server, same run: a bare count of the customers and the cheapest write of the audience's size
    // (an INSERT … SELECT of 100,000 (uuid, text) rows into a fresh table).
    const floor = { countCustomersMs: 0, insert100kMs: 0 };
    {
      const ms: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await db.execute(sql`select count(*) from customers where deleted_at is null`);
        ms.push(performance.now() - t);
      }
      floor.countCustomersMs = round(ms.sort((a, b) => a - b)[2]!);
      await db.execute(sql`drop table if exists bench_floor_insert`);
      await db.execute(sql`create table bench_floor_insert (id uuid primary key, body text not null)`);
      const t = performance.now();
      await db.execute(sql`insert into bench_floor_insert select id, name || '您好' from customers where deleted_at is null order by id limit ${AUDIENCE}`);
      floor.insert100kMs = round(performance.now() - t);
      await db.execute(sql`drop table bench_floor_insert`);
      log(`floor: count(*) customers ${floor.countCustomersMs} ms, insert ${AUDIENCE} rows ${floor.insert100kMs} ms`);
    }
    const [user] = await q<{ id: string }>(sql`select id from users where active order by created_at limit 1`);
    if (!user) throw new Error('no user in the demo');
    const actor: Actor = { ...cli, userId: user.id, username: 'bench', via: 'system' } as Actor;
    // Earlier runs' invitations would make every member a fatigue skip: withdrawn, they no longer count.
    await db.execute(sql`update survey_invitations set status = 'withdrawn' where status <> 'withdrawn'`);
    await db.execute(sql`update survey_sends set status = 'failed', owner = null, error = 'abandoned by the benchmark', finished_at = now() where status in ('queued', 'running')`);

    // The audience: whole compounds, in name order, until AUDIENCE households (a dynamic segment, refreshed once).
    const byCompound = await q<{ compound: string; n: number }>(sql`
      select compound, count(*)::int as n from customers where deleted_at is null and compound is not null group by compound order by compound`);
    const chosen: string[] = [];
    for (let sum = 0, i = 0; sum < AUDIENCE && i < byCompound.length; i++) {
      chosen.push(byCompound[i]!.compound);
      sum += byCompound[i]!.n;
    }
    const stamp = started.toISOString().slice(0, 19);
    const segment = await createSegment(db, actor, { name: `调查受众 ${AUDIENCE} ${stamp}`, kind: 'dynamic', rule: { field: 'customer.compound', op: 'in', value: chosen } as Rule });
    const refresh = await refreshNow(db, actor, segment.id);
    if (refresh.status !== 'done') throw new Error(`refresh ${refresh.status}: ${refresh.error}`);
    const [{ members }] = (await q<{ members: number }>(sql`select count(*)::int as members from segment_members where segment_id = ${segment.id} and exited_at is null`)) as [{ members: number }];

    const survey = await db.transaction(async (tx) => {
      const s = await createSurvey(tx, actor, { name: `供暖满意度 ${stamp}`, templateKey: 'relational_nps' });
      return activateSurvey(tx, actor, s.id, s.version);
    });
    const now = new Date();
    const send = await db.transaction((tx) => createSend(tx, actor, survey.id, { segmentId: segment.id, channel: 'sms' }));
    const phases: Record<string, number> = {};
    let current = 'queued';
    const t0 = performance.now();
    let since = t0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        await new Promise((r) => setTimeout(r, 200));
        const [row] = await q<{ phase: string | null }>(sql`select progress->>'phase' as phase from survey_sends where id = ${send.id}`);
        const p = row?.phase ?? current;
        if (p !== current) {
          const t = performance.now();
          phases[current] = round((phases[current] ?? 0) + (t - since) / 1000);
          current = p;
          since = t;
        }
      }
    })();
    const done = await executeSend(db, send.id, {
      messaging: { now: () => now, kick: async () => undefined, drain: () => undefined, log: () => undefined, fallbackUrl: 'http://localhost:3000' },
      resolveActor: async () => actor,
      log: (line) => log(line),
    });
    const seconds = round((performance.now() - t0) / 1000);
    polling = false;
    await poller;
    phases[current] = round((phases[current] ?? 0) + (performance.now() - since) / 1000);
    if (done.status !== 'done') throw new Error(`send ${done.status}: ${done.error}`);
    const [written] = await q<{ invitations: number; outbox: number }>(sql`
      select (select count(*)::int from survey_invitations where send_id = ${send.id}) as invitations,
             (select count(*)::int from messages where source_id = ${send.id}) as outbox`);
    const result = {
      bench: 'surveys',
      startedAt: started.toISOString(),
      scale: SCALE,
      db: 'postgres',
      database: name,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', memoryGb: round(os.totalmem() / 2 ** 30) },
      audience: members,
      floor,
      send: { seconds, goalSeconds: GOAL_S, phases, counts: done.details, written },
      results: await resultsPart(db, actor, stamp),
    };
    mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    const file = path.join(ROOT, 'bench/results', `${started.toISOString().replace(/[:.]/g, '-')}-surveys-postgres-${SCALE}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `survey send to ${members.toLocaleString('en-US')} households: ${seconds} s (goal ≤ ${GOAL_S} s); ` +
        `${written!.invitations} invitations, ${written!.outbox} outbox rows; phases ${JSON.stringify(phases)}\n${file}`,
    );
  } finally {
    await database.close();
    if (!given && flag('drop')) await admin(`drop database if exists ${name} with (force)`);
  }
}

/** The results' definition: the three headline questions, a choice, a text and five SERVQUAL items. */
const RESULTS_DEFINITION = {
  title: { zh: '供暖服务综合满意度' },
  questions: [
    { id: 'rec', type: 'nps', text: { zh: '推荐意愿' }, required: true },
    { id: 'sat', type: 'csat', text: { zh: '满意度' }, required: true },
    { id: 'effort', type: 'ces', text: { zh: '办理难易' }, required: true },
    { id: 'chan', type: 'single', text: { zh: '渠道' }, required: false, options: [{ value: 'a', text: { zh: '电话' } }, { value: 'b', text: { zh: '微信' } }, { value: 'c', text: { zh: '营业厅' } }] },
    {
      id: 'sq',
      type: 'servqual',
      text: { zh: '服务质量' },
      required: false,
      items: (['tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy'] as const).map((dimension, i) => ({ id: `i${i + 1}`, dimension, text: { zh: `第 ${i + 1} 项` } })),
    },
    { id: 'why', type: 'text', text: { zh: '原因' }, required: false },
  ],
  dimensionWeights: { tangibles: 10, reliability: 30, responsiveness: 25, assurance: 20, empathy: 15 },
};

/**
 * Results of a survey with RESPONSES complete responses (issue #15: ≤ 1 s on PostgreSQL): one INSERT … SELECT over the
 * demo's households (scores from a hash of the customer id, every fourth with a text, every second with SERVQUAL), then
 * surveyResults (what GET /surveys/:id/results answers) timed five times each: overall, by tier, by compound, by month.
 */
async function resultsPart(db: Parameters<typeof surveyResults>[0], actor: Actor, stamp: string) {
  const s = await db.transaction((tx) => createSurvey(tx, actor, { name: `综合满意度 ${stamp}`, kind: 'nps', definition: RESULTS_DEFINITION as never }));
  const t0 = performance.now();
  await db.execute(sql`
    insert into survey_responses (survey_id, version_id, customer_id, status, answers, nps, csat, ces, channel, started_at, completed_at, updated_at)
    select ${s.id}, ${s.currentVersionId}, c.id, 'complete',
           jsonb_build_object('rec', h.nps, 'sat', h.csat, 'effort', h.ces, 'chan', (array['a','b','c'])[(1 + h.x % 3)::int])
             || case when h.x % 4 = 0 then jsonb_build_object('why', '暖气不热，希望尽快处理 ' || h.x) else '{}'::jsonb end
             || case when h.x % 2 = 0 then jsonb_build_object('sq', (select jsonb_object_agg('i' || k, jsonb_build_object('e', 4 + (h.x + k) % 4, 'p', 1 + (h.x * k) % 7)) from generate_series(1, 5) k)) else '{}'::jsonb end,
           h.nps, h.csat, h.ces, 'sms', h.at, h.at, h.at
      from (select id from customers where deleted_at is null order by id limit ${RESPONSES}) c
      cross join lateral (select hashtext(c.id::text)::bigint & 2147483647 as x) hx
      cross join lateral (select hx.x, (hx.x % 11)::int as nps, (1 + hx.x % 5)::int as csat, (1 + hx.x % 7)::int as ces,
                                 timestamptz '2026-01-01' + ((hx.x % 300)::int) * interval '1 day' + ((hx.x % 86400)::int) * interval '1 second' as at) h`);
  await db.execute(sql`analyze survey_responses`);
  const inserted = round((performance.now() - t0) / 1000);
  const timings: Record<string, number> = {};
  let responses = 0;
  for (const by of [undefined, 'tier', 'compound', 'month'] as const) {
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const r = await surveyResults(db, actor, s.id, by ? { by } : {});
      ms.push(performance.now() - t);
      responses = r.responses;
    }
    ms.sort((a, b) => a - b);
    timings[by ?? 'overall'] = round(ms[2]!, 0);
  }
  log(`results of ${responses} responses (inserted in ${inserted} s): median ms ${JSON.stringify(timings)}`);
  return { responses, insertSeconds: inserted, medianMs: timings, goalMs: 1000 };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
