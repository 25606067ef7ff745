/**
 * Benchmark of segments and campaigns on PostgreSQL (issue #14): on a heating demo of N households (default
 * 1,000,000), the builder's count of three-condition rules (goal ≤ 1 s; read from the facts read model
 * `customer_facts`, built first, and for comparison forced onto the live SQL), the refresh of every dynamic segment of
 * the demo's operator set (goal ≤ 30 s) and the launch of a campaign to 100,000 members — draw, 10 % holdout, unique
 * 满减 codes, one SMS each into the outbox (goal ≤ 30 s). Each figure is also read against a floor measured in the
 * same run on the same PostgreSQL: pgbench -S latency, a bare count(*) over the customers, and INSERT … SELECT of
 * 100,000 rows.
 *
 *   npm run bench -- --segments [--scale 1000000] [--seed 1] [--fresh] [--drop] [--explain]
 *   node --import tsx bench/segments.bench.ts --scale 100000          (or BENCH_SEGMENT_SIZE=100000)
 *
 * The database is `hearth_bench_seg_N_sS` on BENCH_DATABASE_URL's server (default postgres://postgres@127.0.0.1:5432/postgres):
 * made and loaded (`loadDemo`, two writers, foreign-key checks set aside) when missing, reused otherwise (--fresh
 * rebuilds it, --drop drops it at the end); an analytics run is made when the dataset has none (the segments use its
 * value tiers and churn levels; the campaign's holdout is stratified by tier). Segments left by an earlier run of
 * this benchmark are deleted first. --explain prints EXPLAIN ANALYZE of each preview count (facts and live); --only preview,refresh,launch
 * runs only those parts (a launch alone refreshes only its audience segment).
 * Output: a Markdown table on stdout and bench/results/<time>-segments-postgres-<N>.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { prepareDatabase } from '../src/app.js';
import { executeRun, startRun } from '../src/modules/analytics/index.js';
import { launchCampaign } from '../src/modules/campaigns/campaigns.service.js';
import { createCampaignBody } from '../src/modules/campaigns/campaigns.types.js';
import { executeLaunch } from '../src/modules/campaigns/launch.js';
import { loadDemo } from '../src/modules/demo/index.js';
import { createTemplateBody } from '../src/modules/messages/messages.types.js';
import { createTemplate } from '../src/modules/messages/templates.service.js';
import type { Rule } from '../src/modules/segments/rule.js';
import { rebuildFacts, refreshNow } from '../src/modules/segments/index.js';
import { previewCountSql, withRuleMemory } from '../src/modules/segments/segments.repository.js';
import { createSegment, previewRuleFrom } from '../src/modules/segments/segments.service.js';
import { createCampaign } from '../src/modules/campaigns/campaigns.service.js';
import { systemActor, type Actor } from '../src/platform/auth/permissions.js';
import { openDatabase, rowsOf } from '../src/platform/db/client.js';
import { admin, arg, AS_OF, flag, log, PG_BASE, ROOT, round } from './pg-bench.js';

const SCALE = Number(arg('scale', process.env.BENCH_SEGMENT_SIZE ?? '1000000'));
const SEED = Number(arg('seed', '1'));
const AUDIENCE = Math.min(100_000, SCALE);
const REPEAT = 5;
/** --only preview,refresh,launch: the parts to run (all by default; a launch alone refreshes only its audience). */
const ONLY = arg('only')?.split(',') ?? ['preview', 'refresh', 'launch'];

const GOALS = { previewMs: 1000, refreshS: 30, launchS: 30 };


const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** pgbench -S with one client for a few seconds on the same server: the cheapest round trip (latency, ms). */
function pgbenchLatency(): number | null {
  const db = 'hearth_bench_pgbench';
  const url = new URL(PG_BASE);
  const conn = ['-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres')];
  try {
    const has = spawnSync('psql', [...conn, '-d', 'postgres', '-tAc', `select 1 from pg_database where datname='${db}'`], { encoding: 'utf8' });
    if (has.stdout.trim() !== '1') {
      execFileSync('createdb', [...conn, db]);
      execFileSync('pgbench', [...conn, '-i', '-s', '10', '-q', db], { stdio: 'ignore' });
    }
    const out = execFileSync('pgbench', [...conn, '-S', '-n', '-c', '1', '-T', '5', db], { encoding: 'utf8' });
    return Number(/latency average = ([\d.]+) ms/.exec(out)?.[1] ?? NaN);
  } catch (err) {
    log(`pgbench unavailable: ${(err as Error).message}`);
    return null;
  }
}

async function main() {
  const started = new Date();
  const name = `hearth_bench_seg_${SCALE}_s${SEED}`;
  if (flag('fresh')) await admin(`drop database if exists ${name} with (force)`);
  if (!(await admin(`select 1 from pg_database where datname = '${name}'`)).length) await admin(`create database ${name}`);
  const url = new URL(PG_BASE);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 4 });
  const { db } = database;
  const q = async <T>(text: ReturnType<typeof sql>) => rowsOf<T>(await db.execute(text));
  const phases: Record<string, number> = {};
  const phase = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      phases[label] = round((performance.now() - t0) / 1000);
      log(`${label}: ${phases[label]} s`);
    }
  };

  try {
    await prepareDatabase(database);
    // ---- the dataset: the demo (a no-op when complete), an analytics run when there is none
    const cli = systemActor('cli');
    const loaded = await phase('demo load', () => loadDemo(db, cli, { seed: SEED, size: SCALE, asOf: AS_OF }, { skipForeignKeyChecks: true, writers: 2, acceptOlderVersion: true }));
    const done = await q<{ n: number }>(sql`select count(*)::int as n from analytics_runs where status = 'done'`);
    if (!done[0]!.n) {
      await db.execute(sql`update analytics_runs set status = 'failed', owner = null, error = 'abandoned by the benchmark', finished_at = now() where status in ('queued', 'running')`);
      await phase('analytics run', async () => {
        const run = (await startRun(db, cli, { kind: 'cli', asOf: AS_OF }))!;
        const r = await executeRun(db, run.id, { databaseKind: 'postgres' });
        if (r.status !== 'done') throw new Error(`analytics run ${r.status}: ${r.error}`);
      });
    }
    // The facts read model the builder's count reads (segments.facts.ts): built for today and the latest analytics run,
    // as the server's job does after every company midnight and analytics run.
    const facts = await phase('facts build', async () => {
      const outcome = await rebuildFacts(db);
      if (outcome !== 'built') throw new Error(`facts rebuild: ${outcome}`);
      const [size] = await q<{ mb: number }>(sql`select round(pg_total_relation_size('customer_facts') / 1048576.0)::int as mb`);
      return { mb: size!.mb };
    });
    // A server in use has had autovacuum pass over its tables (insert thresholds, PostgreSQL ≥ 13), which sets the
    // visibility map that index-only scans need; a freshly loaded dataset has not: vacuum it as autovacuum would.
    await phase('vacuum analyze', async () => void (await db.execute(sql`vacuum analyze`)));
    const [{ customers }] = await q<{ customers: number }>(sql`select count(*)::int as customers from customers where deleted_at is null`) as [{ customers: number }];

    // The bench acts as the demo's first account manager with the administrator's permissions (a launch needs a user).
    const [user] = await q<{ id: string }>(sql`select id from users where active order by created_at limit 1`);
    if (!user) throw new Error('no user in the demo');
    const actor: Actor = { ...cli, userId: user.id, username: 'bench', via: 'system' } as Actor;
    await db.execute(sql`update segments set deleted_at = now(), updated_at = now(), version = version + 1 where deleted_at is null`);

    // ---- floor, same server, same run
    const floor = {
      pgbenchLatencyMs: pgbenchLatency(),
      countCustomersMs: 0,
      insert100kMs: 0,
    };
    {
      const ms: number[] = [];
      for (let i = 0; i < REPEAT; i++) {
        const t0 = performance.now();
        await db.execute(sql`select count(*) from customers where deleted_at is null`);
        ms.push(performance.now() - t0);
      }
      floor.countCustomersMs = round(median(ms));
      // The cheapest server-side write of the audience's size: 100,000 rows of (uuid, text) into a fresh table.
      await db.execute(sql`drop table if exists bench_floor_insert`);
      await db.execute(sql`create table bench_floor_insert (id uuid primary key, body text not null)`);
      const t0 = performance.now();
      await db.execute(sql`insert into bench_floor_insert select id, name || '您好' from customers where deleted_at is null order by id limit ${AUDIENCE}`);
      floor.insert100kMs = round(performance.now() - t0);
      await db.execute(sql`drop table bench_floor_insert`);
    }
    log(`floor: pgbench -S latency ${floor.pgbenchLatencyMs} ms, count(*) customers ${floor.countCustomersMs} ms, insert ${AUDIENCE} rows ${floor.insert100kMs} ms`);

    // ---- (a) the builder's count of three-condition rules
    const [{ district, compound }] = await q<{ district: string; compound: string }>(sql`
      select district, compound from customers where deleted_at is null and compound is not null
      group by district, compound order by count(*) desc, district, compound limit 1`) as [{ district: string; compound: string }];
    const previews: { label: string; rule: Rule }[] = [
      {
        label: `district + stage + net spend ≥ ¥3,000 in 365 days`,
        rule: { all: [{ field: 'customer.district', op: 'eq', value: district }, { field: 'customer.stage', op: 'in', value: ['active', 'loyal'] }, { field: 'tx.sumFen', op: 'gte', value: 300_000, params: { days: 365 } }] },
      },
      {
        label: 'churn medium/high + value tier high/middle + a payment in 365 days',
        rule: { all: [{ field: 'analytics.churnLevel', op: 'in', value: ['medium', 'high'] }, { field: 'analytics.valueTier', op: 'in', value: ['high', 'middle'] }, { field: 'tx.count', op: 'gte', value: 1, params: { days: 365, type: 'payment' } }] },
      },
      {
        label: 'tag 大面积用户 + SMS consent + paid within 365 days',
        rule: { all: [{ field: 'customer.tags', op: 'hasAny', value: ['大面积用户'] }, { field: 'customer.consent', op: 'isTrue', params: { channel: 'sms' } }, { field: 'tx.lastDate', op: 'withinDays', value: 365 }] },
      },
      {
        label: 'any of: tag 已报停 / nothing paid in 365 days / churn risk ≥ 80',
        rule: { any: [{ field: 'customer.tags', op: 'hasAny', value: ['已报停'] }, { field: 'tx.lastDate', op: 'notWithinDays', value: 365 }, { field: 'analytics.churnRisk', op: 'gte', value: 80 }] },
      },
    ];
    const preview: Preview[] = [];
    // Each rule twice: as the builder counts it (over the facts when they answer it), and forced onto the live SQL.
    const timed = async (rule: Rule, facts: boolean) => {
      const warm = await previewRuleFrom(db, actor, rule, { facts }); // warm
      const ms: number[] = [];
      let count = 0;
      for (let i = 0; i < REPEAT; i++) {
        const t0 = performance.now();
        count = (await previewRuleFrom(db, actor, rule, { facts })).count;
        ms.push(performance.now() - t0);
      }
      const path = warm.from.source === 'facts' ? 'facts' : `live (${warm.from.why})`;
      return { count, path, from: warm.from, medianMs: round(median(ms)), minMs: round(Math.min(...ms)), maxMs: round(Math.max(...ms)) };
    };
    for (const p of ONLY.includes('preview') ? previews : []) {
      const built = await timed(p.rule, true);
      const live = await timed(p.rule, false);
      if (live.count !== built.count) throw new Error(`${p.label}: ${built.count} over ${built.path}, ${live.count} live`);
      preview.push({ rule: p.label, count: built.count, path: built.path, medianMs: built.medianMs, minMs: built.minMs, maxMs: built.maxMs, liveMedianMs: live.medianMs });
      log(`preview ${p.label}: ${built.count} customers, ${built.path} median ${built.medianMs} ms; live median ${live.medianMs} ms`);
      if (flag('explain')) {
        for (const f of [built.from, live.from]) {
          // Planned with the memory the builder's count has (withRuleMemory), so the plan shown is the plan timed.
          const plan = await withRuleMemory(db, async (tx) =>
            rowsOf<Record<string, string>>(await tx.execute(sql`explain (analyze, buffers) ${previewCountSql(f.condition, sql`true`, f.source)}`)),
          );
          console.error(`\n-- ${p.label} (${f.source})\n${plan.map((r) => Object.values(r)[0]).join('\n')}\n`);
        }
      }
    }

    // ---- (b) refreshing all dynamic segments: the set an operator of the heating demo keeps
    const demoSegments: { name: string; rule: Rule }[] = [
      { name: '高价值流失预警', rule: { all: [{ field: 'analytics.valueTier', op: 'eq', value: 'high' }, { field: 'analytics.churnLevel', op: 'in', value: ['medium', 'high'] }] } },
      { name: `${compound}·高流失`, rule: { all: [{ field: 'customer.compound', op: 'eq', value: compound }, { field: 'analytics.churnLevel', op: 'eq', value: 'high' }] } },
      { name: '已报停用户', rule: { field: 'customer.tags', op: 'hasAny', value: ['已报停'] } },
      { name: '一年内购买增值服务', rule: { field: 'tx.count', op: 'gte', value: 1, params: { days: 365, type: 'purchase' } } },
      { name: '大面积高消费', rule: { all: [{ field: 'customer.tags', op: 'hasAny', value: ['大面积用户'] }, { field: 'tx.sumFen', op: 'gte', value: 300_000, params: { days: 365 } }] } },
      { name: '未结工单', rule: { field: 'service.openTickets', op: 'gte', value: 1 } },
      { name: '独居老人·可短信', rule: { all: [{ field: 'customer.tags', op: 'hasAny', value: ['独居老人'] }, { field: 'customer.consent', op: 'isTrue', params: { channel: 'sms' } }] } },
    ];
    // The campaign's audience: whole compounds, in name order, until AUDIENCE households (a dynamic segment too).
    const byCompound = await q<{ compound: string; n: number }>(sql`
      select compound, count(*)::int as n from customers where deleted_at is null and compound is not null group by compound order by compound`);
    const chosen: string[] = [];
    for (let sum = 0, i = 0; sum < AUDIENCE && i < byCompound.length; i++) {
      chosen.push(byCompound[i]!.compound);
      sum += byCompound[i]!.n;
    }
    if (chosen.length > 500) throw new Error(`${chosen.length} compounds for the audience: more than a rule takes`);
    const stamp = started.toISOString().slice(0, 19);
    const made: { id: string; name: string }[] = [];
    for (const s of [...demoSegments, { name: `冬季回馈受众 ${AUDIENCE}`, rule: { field: 'customer.compound', op: 'in', value: chosen } as Rule }]) {
      const v = await createSegment(db, actor, { name: `${s.name} ${stamp}`, kind: 'dynamic', rule: s.rule });
      made.push({ id: v.id, name: s.name });
    }
    const t0 = performance.now();
    const refresh = await refreshNow(db, actor, ONLY.includes('refresh') ? undefined : made.at(-1)!.id);
    const refreshS = round((performance.now() - t0) / 1000);
    if (refresh.status !== 'done') throw new Error(`refresh ${refresh.status}: ${refresh.error}`);
    const counts = await q<{ id: string; n: number }>(sql`
      select segment_id as id, count(*)::int as n from segment_members where exited_at is null and segment_id = any(${`{${made.map((m) => m.id).join(',')}}`}::uuid[]) group by segment_id`);
    const members = made.map((m) => ({ segment: m.name, members: counts.find((c) => c.id === m.id)?.n ?? 0 }));
    // Without `refresh` in --only, just the launch's audience (the last segment) is refreshed.
    log(`refresh of ${ONLY.includes('refresh') ? made.length : 1} of ${made.length} segments: ${refreshS} s (${refresh.entered} entered)`);
    // A second refresh: nothing changed, the steady nightly case.
    const t1 = performance.now();
    if (ONLY.includes('refresh')) await refreshNow(db, actor);
    const refreshAgainS = round((performance.now() - t1) / 1000);
    log(`refresh again (no change): ${refreshAgainS} s`);

    // ---- (c) launching a campaign to the audience
    const audience = made.at(-1)!;
    const tpl = await createTemplate(db, actor, createTemplateBody.parse({ name: `冬季回馈短信 ${stamp}`, channel: 'sms', category: 'marketing', bodyZh: '{{name}}您好，凭券码{{coupon}}满200减30。' }));
    const campaign = await createCampaign(
      db,
      actor,
      createCampaignBody.parse({
        name: `冬季回馈 ${stamp}`,
        goal: 'repeat_purchase',
        segmentId: audience.id,
        holdoutBp: 1000,
        offers: [{ kind: 'threshold', name: '满200减30', thresholdFen: 20000, discountFen: 3000, codeMode: 'unique', validFrom: '2026-11-01', validTo: '2027-03-31' }],
        templateIds: [tpl.id],
        costPerMessageFen: 5,
      }),
    );
    const now = new Date();
    const launchPhases: Record<string, number> = {};
    const l0 = performance.now();
    const { runId } = await launchCampaign(db, actor, campaign.id, campaign.version, now);
    let current = 'queued';
    let since = l0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        await new Promise((r) => setTimeout(r, 200));
        const [row] = await q<{ phase: string | null }>(sql`select progress->>'phase' as phase from campaign_launches where id = ${runId}`);
        const p = row?.phase ?? current;
        if (p !== current) {
          const t = performance.now();
          launchPhases[current] = round((launchPhases[current] ?? 0) + (t - since) / 1000);
          current = p;
          since = t;
        }
      }
    })();
    const launch = await executeLaunch(db, runId, {
      messaging: { now: () => now, kick: async () => undefined, drain: () => undefined, log: () => undefined, fallbackUrl: 'http://localhost:3000' },
      resolveActor: async () => actor,
      log: (line) => log(line),
    });
    const launchS = round((performance.now() - l0) / 1000);
    polling = false;
    await poller;
    launchPhases[current] = round((launchPhases[current] ?? 0) + (performance.now() - since) / 1000);
    if (launch.status !== 'done') throw new Error(`launch ${launch.status}: ${launch.error}`);
    const [written] = await q<{ members: number; holdout: number; codes: number; outbox: number }>(sql`
      select (select count(*)::int from campaign_members where campaign_id = ${campaign.id}) as members,
             (select count(*)::int from campaign_members where campaign_id = ${campaign.id} and grp = 'holdout') as holdout,
             (select count(*)::int from coupon_codes where campaign_id = ${campaign.id}) as codes,
             (select count(*)::int from messages where source_id = ${campaign.id}) as outbox`);
    const [details] = await q<{ details: unknown }>(sql`select details from campaign_launches where id = ${runId}`);
    log(`launch: ${launchS} s; ${JSON.stringify(written)}; phases ${JSON.stringify(launchPhases)}`);

    const result = {
      bench: 'segments',
      startedAt: started.toISOString(),
      scale: SCALE,
      db: 'postgres',
      database: name,
      customers,
      machine: {
        cpu: os.cpus()[0]?.model ?? 'unknown',
        cores: os.cpus().length,
        memoryGB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        database: String((await q<{ v: string }>(sql`select version() as v`))[0]?.v ?? ''),
        commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || null,
        dirty: spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim().length > 0,
        loadAverage: os.loadavg().map((x) => round(x, 2)),
      },
      dataset: { ...loaded, phases },
      facts,
      goals: GOALS,
      floor,
      preview,
      only: ONLY,
      refresh: { segments: ONLY.includes('refresh') ? made.length : 1, seconds: refreshS, againSeconds: refreshAgainS, entered: refresh.entered, members },
      launch: { audience: written!.members, seconds: launchS, phases: launchPhases, ...written!, details: details?.details ?? null },
    };
    mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    const file = path.join(ROOT, 'bench', 'results', `${started.toISOString().slice(0, 19).replace(/[:T]/g, '-')}-segments-postgres-${SCALE}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    console.log(markdown(result));
    console.log(`\nresults: ${path.relative(ROOT, file)}`);
  } finally {
    await database.close();
    if (flag('drop')) await admin(`drop database if exists ${name} with (force)`);
  }
}

type Preview = { rule: string; count: number; path: string; medianMs: number; minMs: number; maxMs: number; liveMedianMs: number };

type Result = {
  scale: number;
  customers: number;
  machine: Record<string, unknown>;
  dataset: Record<string, unknown> & { phases: Record<string, number> };
  floor: { pgbenchLatencyMs: number | null; countCustomersMs: number; insert100kMs: number };
  facts: { mb: number };
  preview: Preview[];
  refresh: { segments: number; seconds: number; againSeconds: number; entered: number; members: { segment: string; members: number }[] };
  launch: { audience: number; seconds: number; phases: Record<string, number>; holdout: number; codes: number; outbox: number };
};

function markdown(r: Result): string {
  const m = r.machine;
  const x = (a: number, b: number | null) => (b ? `${round(a / b, 1).toLocaleString('en-US')}×` : '—');
  const ok = (v: number, goal: number) => (v <= goal ? 'met' : '**missed**');
  const lines = [
    `## Segments and campaigns — ${r.scale.toLocaleString('en-US')} households on PostgreSQL`,
    '',
    `${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB; Node ${m.node}; ${m.database}; commit ${m.commit}${m.dirty ? ' (with uncommitted changes)' : ''}; load average ${(m.loadAverage as number[]).join(' ')}.`,
    `Dataset: ${r.customers} customers; ${Object.entries(r.dataset.phases).map(([k, v]) => `${k} ${v} s`).join(', ') || 'reused'}.`,
    '',
    `| builder's count (previewRule, warm, median of ${REPEAT}) | customers | read from | median ms | min–max ms | goal ≤ 1 s | live SQL median ms | vs count(*) floor | vs pgbench -S |`,
    '|---|---:|---|---:|---:|---|---:|---:|---:|',
    ...r.preview.map(
      (p) =>
        `| ${p.rule} | ${p.count.toLocaleString('en-US')} | ${p.path} | ${p.medianMs} | ${p.minMs}–${p.maxMs} | ${ok(p.medianMs, GOALS.previewMs)} | ${p.liveMedianMs} | ${x(p.medianMs, r.floor.countCustomersMs)} | ${x(p.medianMs, r.floor.pgbenchLatencyMs)} |`,
    ),
    '',
    `Facts read model (customer_facts): ${r.facts.mb} MB; built in ${r.dataset.phases['facts build'] ?? '—'} s.`,
    '',
    '| job | seconds | goal | result | vs floor |',
    '|---|---:|---|---|---:|',
    `| refresh all ${r.refresh.segments} dynamic segments (first, ${r.refresh.entered.toLocaleString('en-US')} entered) | ${r.refresh.seconds} | ≤ 30 s | ${ok(r.refresh.seconds, GOALS.refreshS)} | ${x(r.refresh.seconds * 1000, r.floor.countCustomersMs * r.refresh.segments)} of ${r.refresh.segments} × count(*) |`,
    ...(r.refresh.segments > 1 ? [] : ['| (refresh not measured: the audience segment alone was refreshed) | | | | |']),
    `| refresh all again (nothing changed) | ${r.refresh.againSeconds} | ≤ 30 s | ${ok(r.refresh.againSeconds, GOALS.refreshS)} | ${x(r.refresh.againSeconds * 1000, r.floor.countCustomersMs * r.refresh.segments)} |`,
    `| launch to ${r.launch.audience.toLocaleString('en-US')} members (${r.launch.holdout.toLocaleString('en-US')} held out, ${r.launch.codes.toLocaleString('en-US')} codes, ${r.launch.outbox.toLocaleString('en-US')} outbox rows) | ${r.launch.seconds} | ≤ 30 s | ${ok(r.launch.seconds, GOALS.launchS)} | ${x(r.launch.seconds * 1000, r.floor.insert100kMs)} of one 100k-row INSERT |`,
    '',
    `Launch phases (s): ${Object.entries(r.launch.phases).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    `Segments: ${r.refresh.members.map((s) => `${s.segment} ${s.members.toLocaleString('en-US')}`).join('; ')}.`,
    '',
    `Floor (same server, same run): pgbench -S one client ${r.floor.pgbenchLatencyMs ?? '—'} ms; \`select count(*) from customers\` ${r.floor.countCustomersMs} ms; INSERT … SELECT of ${Math.min(100_000, r.scale).toLocaleString('en-US')} rows ${r.floor.insert100kMs} ms.`,
  ];
  return lines.join('\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
