/**
 * The nightly loyalty upkeep (会员与积分的每日维护): a durable run (`platform/runs`) per company day (`loyalty_runs.day`
 * is unique, so exactly one process queues a day's run), in two phases, each a walk of short transactions that save
 * the checkpoint and the running summary together with their work:
 *
 * 1. `review` — on the programme's review day (`reviewMonthDay`, company calendar) and on any later day of the year
 *    while some member has not been reviewed for the year (a night the server was down is caught up the next night):
 *    the active members who joined before the review day's start, walked in customer-id ranges after the year's
 *    watermark (`loyalty_reviews`), each range locked (in id order, as every ledger writer locks), its due lots
 *    expired and its members reviewed in one statement that writes only what changes: the member rows whose tier
 *    changes or whose lots expired, once each. Growth (growth.ts) ≥ a higher tier's threshold upgrades (reason
 *    `upgrade`); else ≥ the current tier's keep threshold keeps it (保级, counted in the summary, no history row and no
 *    write: the history holds changes only); else the member goes down to the highest tier whose keep threshold the
 *    growth reaches (`tierKeptAt`, reason `review_downgrade`). The watermark is locked by each range and moved in the
 *    same transaction as its work, so a resumed run — or another day's run while one is unfinished — continues the
 *    walk and reviews nobody twice, and once it is finished nobody is reviewed again that year. (Members reviewed by
 *    an earlier version carry `reviewed_for`, still honoured.) Growth counts earned points, which expiry does not
 *    change: reviewing and expiring together is the same as one after the other.
 * 2. `expire` — `ledger.expireDue` for a slice of members at a time (5,000 on PostgreSQL, sized to ~100 ms on PGlite)
 *    until fewer than a slice are due: every lot due at the run's instant expires, one expire entry per member. On a
 *    review night this takes only who the review did not (members who left or joined after the review day).
 * 3. `sweep` — on other days, when the base is `tenure` or `value_tier` (growth that moves without an earn, where
 *    earn.ts cannot upgrade at once), the walk of phase 1 that only upgrades, read without locks and written in one
 *    guarded statement per range (a member an earn moved meanwhile is left for the next night). Points and spend
 *    upgrade at once when points are earned.
 *
 * The run's instant (`now`: growth window end, what is due) is the run's first start, so a resume computes the same
 * answers. A disabled programme still expires lots (they are facts of the ledger) but reviews nobody.
 */
import { sql } from 'drizzle-orm';
import { isConnectionLost, rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { isEmbedded, SLICE_TARGET_MS, SliceSizer } from '../../platform/db/slice.js';
import { DurableRuns, runSlice, type RunHandle, type RunProgress, type RunStatus } from '../../platform/runs/index.js';
import { startOfDay } from '../../platform/time.js';
import { companyClock } from '../settings/index.js';
import type { Programme, TierChangeReason } from './loyalty.contract.js';
import { expireDue } from './ledger.js';
import { readProgramme, tierForGrowth, tierKeptAt, tierRank } from './programme.js';
import { growthSource, uuidArray, type GrowthSource } from './growth.js';
import { loyaltyRuns } from './schema.js';

/** pg-boss queue of upkeep runs. */
export const LOYALTY_QUEUE = 'loyalty.upkeep';
/** A run whose heartbeat is older than this was left by a stopped process (a running one beats every 10 s). */
const STALE_SECONDS = 60;

type Checkpoint = { phase: 'review' | 'expire' | 'sweep' | 'done'; after: string | null };
const runs = new DurableRuns<Checkpoint>(loyaltyRuns, { staleSeconds: STALE_SECONDS });

import type { UpkeepSummary } from './loyalty.contract.js';
import { n } from './rows.js';
export type { UpkeepSummary };

export type UpkeepView = {
  id: string;
  day: string;
  status: RunStatus;
  progress: RunProgress;
  summary: UpkeepSummary;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

const EMPTY: UpkeepSummary = { expiredMembers: 0, expiredPoints: 0, expiredLots: 0, reviewed: 0, kept: 0, downgraded: 0, upgraded: 0 };

type RunRow = typeof loyaltyRuns.$inferSelect;
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function view(r: RunRow): UpkeepView {
  return {
    id: r.id,
    day: r.day,
    status: r.status,
    progress: r.progress,
    summary: { ...EMPTY, ...(r.summary ?? {}) },
    error: r.error,
    createdAt: iso(r.createdAt)!,
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
  };
}

async function runRow(db: DbOrTx, id: string): Promise<RunRow | undefined> {
  const [row] = await db.select().from(loyaltyRuns).where(sql`${loyaltyRuns.id} = ${id}`);
  return row;
}

export async function getUpkeep(db: DbOrTx, id: string): Promise<UpkeepView | null> {
  const row = await runRow(db, id);
  return row ? view(row) : null;
}

/** The latest runs, newest day first (for the programme's settings page). */
export async function listUpkeeps(db: DbOrTx, limit = 20): Promise<UpkeepView[]> {
  const rows = await db.select().from(loyaltyRuns).orderBy(sql`${loyaltyRuns.day} desc`).limit(limit);
  return rows.map(view);
}

/**
 * Queues the run of `now`'s company day unless the day has one. Answers the new run's id (this process queued it:
 * send it to the job queue), or null.
 */
export async function queueLoyaltyUpkeep(db: DbOrTx, now = new Date()): Promise<string | null> {
  const { today } = await companyClock(db, now);
  const rows = rowsOf<{ id: string }>(await db.execute(sql`insert into loyalty_runs (day) values (${today}) on conflict (day) do nothing returning id`));
  return rows[0]?.id ?? null;
}

/** Runs waiting or interrupted (queued again when the server starts). */
const NIGHT_ENDS_HOUR = 6;

/**
 * The server's nightly check: today's run is queued only between midnight and 06:00 company time, so the review of
 * every member never competes with the day's work (nor with jobs waiting behind it on the embedded database). Points
 * due in the meantime cannot be spent: a debit expires the member's due lots first.
 */
export async function queueNightlyUpkeep(db: DbOrTx, now = new Date()): Promise<string | null> {
  const { hour } = await companyClock(db, now);
  return hour < NIGHT_ENDS_HOUR ? queueLoyaltyUpkeep(db, now) : null;
}


export async function unfinishedUpkeepIds(db: DbOrTx): Promise<string[]> {
  return runs.unfinished(db);
}

export type UpkeepOptions = {
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** The run's instant on its first start (default: the run's start as the database recorded it). Tests and the benchmark pass it. */
  now?: Date;
  /** Members per transaction (default: 5,000 on PostgreSQL, sized by time on PGlite). */
  sliceSize?: number;
  /** Called after each committed slice (progress for a CLI; tests stop a run here). */
  onSlice?: (checkpoint: Checkpoint, progress: RunProgress) => void;
  /** Milliseconds of each step of a walk's range (pick and lock, growth, write): the benchmark's breakdown. */
  onStep?: (step: 'pick' | 'growth' | 'write', ms: number) => void;
};

/** Executes a queued run (see the file comment); failures are stored on the run. Answers the run as it ended. */
export async function executeUpkeep(db: Db, runId: string, opts: UpkeepOptions = {}): Promise<UpkeepView> {
  try {
    await runs.execute(db, runId, (run) => performUpkeep(db, run, opts), { signal: opts.signal });
  } catch (err) {
    if (isConnectionLost(err)) throw err; // left running: taken over once the database is back
    opts.log?.(`loyalty upkeep ${runId} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const row = await runRow(db, runId);
  if (!row) throw new Error(`no loyalty upkeep run ${runId}`);
  return view(row);
}

/**
 * The day's upkeep here and now (the CLI): queues the day's run if it has none, queues a failed or cancelled one
 * again (it resumes from its checkpoint), and executes it. A day already done answers its run as it is
 * (`executed` false).
 */
export async function upkeepNow(db: Db, opts: UpkeepOptions = {}): Promise<{ run: UpkeepView; executed: boolean }> {
  const now = opts.now ?? new Date();
  await queueLoyaltyUpkeep(db, now);
  const { today } = await companyClock(db, now);
  const [row] = await db.select().from(loyaltyRuns).where(sql`${loyaltyRuns.day} = ${today}`);
  if (!row) throw new Error(`no loyalty upkeep run for ${today}`);
  if (row.status === 'done') return { run: view(row), executed: false };
  if (row.status === 'failed' || row.status === 'cancelled') await runs.requeue(db, row.id);
  return { run: await executeUpkeep(db, row.id, opts), executed: true };
}

type Walk = {
  db: Db;
  run: RunHandle<Checkpoint>;
  now: Date;
  sizer: SliceSizer;
  summary: UpkeepSummary;
  opts: UpkeepOptions;
  cp: Checkpoint;
};

async function performUpkeep(db: Db, run: RunHandle<Checkpoint>, opts: UpkeepOptions): Promise<void> {
  const row = await runRow(db, run.id);
  if (!row) throw new Error(`no loyalty upkeep run ${run.id}`);
  const now = opts.now ?? row.startedAt ?? new Date();
  const sizer = opts.sliceSize
    ? SliceSizer.fixed(opts.sliceSize)
    : isEmbedded(db)
      ? new SliceSizer({ targetMs: SLICE_TARGET_MS, initial: 1000, min: 100, max: 10_000 })
      : SliceSizer.fixed(5000);
  const p = await readProgramme(db);
  const { zone } = await companyClock(db, now);
  const mode = await modeOf(db, p, row.day, zone);
  const first: Checkpoint = { phase: mode?.kind === 'review' ? 'review' : 'expire', after: null };
  const w: Walk = { db, run, now, sizer, summary: { ...EMPTY, ...(row.summary ?? {}) }, opts, cp: run.resumeFrom ?? first };
  if (w.cp.phase === 'review' && !(await walkPhase(w, p, mode?.kind === 'review' ? mode : null, { phase: 'expire', after: null }))) return;
  if (w.cp.phase === 'expire' && !(await expirePhase(w))) return;
  if (w.cp.phase === 'sweep' && !(await walkPhase(w, p, mode?.kind === 'upgrade' ? mode : null, { phase: 'done', after: null }))) return;
  await db.transaction(async (tx) => {
    await writeSummary(tx, run.id, w.summary);
    await run.finish(tx, { progress: { phase: 'done', done: 1, total: 1 }, checkpoint: { phase: 'done', after: null } });
  });
  opts.log?.(`loyalty upkeep ${row.day} done: ${JSON.stringify(w.summary)}`);
}

async function writeSummary(tx: DbOrTx, id: string, s: UpkeepSummary): Promise<void> {
  await tx.execute(sql`update loyalty_runs set summary = ${JSON.stringify(s)}::jsonb where id = ${id}`);
}

/** One slice: the work, the summary and the checkpoint in one transaction. False: stop (a cancel or the process stopping). */
async function slice(w: Walk, work: (tx: DbOrTx, size: number) => Promise<{ next: Checkpoint; progress: RunProgress }>): Promise<boolean> {
  const last: { progress?: RunProgress } = {};
  const kept = await runSlice(
    w.db,
    w.run,
    w.sizer,
    async (tx, size) => {
      const before = { ...w.summary };
      try {
        const out = await work(tx, size);
        await writeSummary(tx, w.run.id, w.summary);
        last.progress = out.progress;
        return out;
      } catch (err) {
        w.summary = before; // the slice rolls back: so do its counts
        throw err;
      }
    },
    (next) => {
      w.cp = next;
    },
  );
  if (last.progress) w.opts.onSlice?.(w.cp, last.progress);
  return kept;
}

/** Phase 2: expire due lots, a slice of members per transaction, until fewer than a slice were due. */
async function expirePhase(w: Walk): Promise<boolean> {
  // Progress in lots (an index-only count; members would need a distinct over them).
  const [due] = rowsOf<{ lots: string }>(
    await w.db.execute(sql`select count(*) as lots from points_lots where remaining > 0 and expires_at <= ${w.now.toISOString()}::timestamptz`),
  );
  const total = w.summary.expiredLots + n(due?.lots);
  const started = performance.now();
  while (w.cp.phase === 'expire') {
    const ok = await slice(w, async (tx, size) => {
      await tx.execute(sql`set local enable_seqscan = off`); // index probes for the slice's members (walkSlice)
      const r = await expireDue(tx, w.now, size);
      addExpired(w.summary, r);
      const next: Checkpoint = r.members < size ? { phase: 'sweep', after: null } : { phase: 'expire', after: null };
      return { next, progress: { phase: 'expire', done: w.summary.expiredLots, total: Math.max(total, w.summary.expiredLots) } };
    });
    if (!ok) return false;
  }
  w.opts.log?.(`loyalty expire: ${w.summary.expiredMembers} members, ${w.summary.expiredPoints} points in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

function addExpired(s: UpkeepSummary, r: { members: number; points: number; lots: number }): void {
  s.expiredMembers += r.members;
  s.expiredPoints += r.points;
  s.expiredLots += r.lots;
}

type Mode = { kind: 'review'; year: string; reviewAt: Date } | { kind: 'upgrade' };

/** Who the walk takes, as a condition over `loyalty_members` (alias `lm`). */
function candidates(mode: Mode) {
  return mode.kind === 'review'
    ? sql`lm.status = 'active' and lm.reviewed_for is distinct from ${mode.year} and lm.joined_at < ${mode.reviewAt.toISOString()}::timestamptz`
    : sql`lm.status = 'active'`;
}

/** The review's candidates not yet walked this year: after the year's watermark (`loyalty_reviews`). */
const pastWatermark = (year: string) =>
  sql`lm.customer_id > coalesce((select after_id from loyalty_reviews where year = ${year}), '00000000-0000-0000-0000-000000000000'::uuid)`;

/**
 * What the day's walk is: the review (on or after the review day while members wait for this year's), an
 * upgrade sweep (bases that move without earning), or nothing.
 */
async function modeOf(db: DbOrTx, p: Programme, day: string, zone: string): Promise<Mode | null> {
  if (!p.enabled) return null;
  const year = day.slice(0, 4);
  if (day >= `${year}-${p.reviewMonthDay}`) {
    const [m, d] = p.reviewMonthDay.split('-').map(Number) as [number, number];
    const mode: Mode = { kind: 'review', year, reviewAt: startOfDay(zone, Number(year), m, d) };
    const [waiting] = rowsOf<{ ok: boolean }>(
      await db.execute(sql`
        select not exists (select 1 from loyalty_reviews where year = ${year} and finished_at is not null)
           and exists (select 1 from loyalty_members lm where ${candidates(mode)}
                       and ${pastWatermark(year)}) as ok`),
    );
    if (waiting?.ok) return mode;
  }
  return p.growthBase === 'tenure' || p.growthBase === 'value_tier' ? { kind: 'upgrade' } : null;
}

/**
 * The review's (or the sweep's) answer for one member, by the programme's own rules: growth reaching a higher tier's
 * threshold upgrades; else the review keeps the tier when growth reaches its keep threshold and otherwise moves the
 * member to `tierKeptAt`. A tier the programme no longer has ranks as the lowest (the review moves its members).
 */
function decide(p: Programme, mode: Mode, tier: string, growth: number): { reason: TierChangeReason | 'keep' | null; to: string } {
  const up = tierForGrowth(p, growth);
  if (tierRank(p, up.key) > tierRank(p, tier)) return { reason: 'upgrade', to: up.key };
  if (mode.kind === 'upgrade') return { reason: null, to: tier };
  const kept = tierKeptAt(p, tier, growth);
  return kept.key === tier ? { reason: 'keep', to: tier } : { reason: 'review_downgrade', to: kept.key };
}

/**
 * The walk over customer-id ranges: the review with expiry (phase 1) or the upgrade sweep (phase 3); nothing when
 * `mode` is null (not a review day, or nothing to sweep). Its last range checkpoints `then`.
 */
async function walkPhase(w: Walk, p: Programme, mode: Mode | null, then: Checkpoint): Promise<boolean> {
  if (mode) {
    const source = await growthSource(w.db, p, w.now, { perMember: true });
    const past = mode.kind === 'review' ? sql`and ${pastWatermark(mode.year)}` : sql``;
    const [count] = rowsOf<{ n: string }>(await w.db.execute(sql`select count(*) as n from loyalty_members lm where ${candidates(mode)} ${past}`));
    const total = n(count?.n);
    const phase = w.cp.phase;
    let done = 0;
    const started = performance.now();
    while (w.cp.phase === phase) {
      const ok = await slice(w, async (tx, size) => {
        const { upTo, members } = await walkSlice(tx, w, p, mode, source, size);
        done += members;
        const next: Checkpoint = upTo === null ? then : { phase, after: upTo };
        return { next, progress: { phase, done: Math.min(done, total), total } };
      });
      if (!ok) return false;
    }
    const s = w.summary;
    w.opts.log?.(`loyalty ${mode.kind}: ${s.reviewed} reviewed, ${s.kept} kept, ${s.downgraded} down, ${s.upgraded} up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  w.cp = then;
  return true;
}

/**
 * One range of the walk: the next `size` candidates after the watermark (the review's, locked in this transaction)
 * or the checkpoint (the sweep's) — in the review locked (in id order), in the sweep read without locks —, their
 * growth, the decisions (in JS, by the programme's own rules), then one statement that writes what changes
 * (`applyReview` with the range's expiry, or `applySweep`). Growth is asked for the range's ids as a list, not as an
 * id interval: PostgreSQL cannot interpolate inside a histogram bucket of a uuid column, so a slice of 5,000 among a
 * million members was estimated at one row and the growth aggregate re-run for each member. The range's statements
 * run with sequential scans off (`set local`): with 5,000 ids in a list the planner priced the index probes above a
 * scan of the whole table, and so read every member, lot and entry once per range — a night quadratic in the members.
 * Answers the range's end (null: the walk is over) and how many it took.
 */
async function walkSlice(tx: DbOrTx, w: Walk, p: Programme, mode: Mode, source: GrowthSource, size: number): Promise<{ upTo: string | null; members: number }> {
  let t = performance.now();
  const step = (name: 'pick' | 'growth' | 'write') => {
    const at = performance.now();
    w.opts.onStep?.(name, at - t);
    t = at;
  };
  await tx.execute(sql`set local enable_seqscan = off`);
  let after = w.cp.after;
  if (mode.kind === 'review') {
    // The year's watermark, locked: a second run reviewing meanwhile waits here and continues after this range.
    await tx.execute(sql`insert into loyalty_reviews (year) values (${mode.year}) on conflict (year) do nothing`);
    const [mark] = rowsOf<{ after_id: string | null; finished_at: unknown }>(await tx.execute(sql`select after_id, finished_at from loyalty_reviews where year = ${mode.year} for update`));
    if (mark?.finished_at) return { upTo: null, members: 0 };
    after = mark?.after_id ?? null;
  }
  const rows = rowsOf<{ customer_id: string; tier: string }>(
    await tx.execute(sql`
      select lm.customer_id, lm.tier from loyalty_members lm
      where ${candidates(mode)} ${after ? sql`and lm.customer_id > ${after}::uuid` : sql``}
      order by lm.customer_id limit ${size} ${mode.kind === 'review' ? sql`for update` : sql``}`),
  );
  const upTo = rows.length === size ? rows[size - 1]!.customer_id : null;
  if (mode.kind === 'review') {
    await tx.execute(sql`update loyalty_reviews set after_id = ${upTo ?? rows.at(-1)?.customer_id ?? after}::uuid, finished_at = ${upTo ? null : w.now.toISOString()}::timestamptz where year = ${mode.year}`);
  }
  if (!rows.length) return { upTo, members: 0 };
  step('pick');
  const ids = uuidArray(rows.map((r) => r.customer_id));
  const growth = new Map(
    rowsOf<{ customer_id: string; growth: string | number }>(await tx.execute(source((col) => sql`${col} = any(${ids})`))).map((r) => [r.customer_id, n(r.growth)]),
  );
  step('growth');
  const decisions: Decision[] = [];
  let kept = 0;
  for (const r of rows) {
    const g = growth.get(r.customer_id) ?? 0;
    const d = decide(p, mode, r.tier, g);
    if (d.reason === 'keep') kept++;
    else if (d.reason) decisions.push({ customerId: r.customer_id, from: r.tier, to: d.to, growth: g, reason: d.reason });
  }
  const done = mode.kind === 'review' ? await applyReview(tx, rows.map((r) => r.customer_id), decisions, w.now) : await applySweep(tx, decisions, w.now);
  step('write');
  if (mode.kind === 'review') {
    w.summary.reviewed += rows.length;
    w.summary.kept += kept;
    w.summary.downgraded += done.review_downgrade;
    addExpired(w.summary, done.expired);
  }
  w.summary.upgraded += done.upgrade;
  return { upTo, members: rows.length };
}

type Decision = { customerId: string; from: string; to: string; growth: number; reason: TierChangeReason };
type Applied = Record<'upgrade' | 'review_downgrade', number> & { expired: { members: number; points: number; lots: number } };

const arr = (xs: readonly (string | number)[]) => `{${xs.map((x) => `"${String(x)}"`).join(',')}}`;

/** The decisions as a relation `t(id, from_tier, to_tier, growth, reason)`. */
const decisionRows = (ds: Decision[]) => sql`
  select * from unnest(${arr(ds.map((d) => d.customerId))}::uuid[], ${arr(ds.map((d) => d.from))}::text[], ${arr(ds.map((d) => d.to))}::text[],
                       ${arr(ds.map((d) => d.growth))}::bigint[], ${arr(ds.map((d) => d.reason))}::text[]) as t(id, from_tier, to_tier, growth, reason)`;

/** Counts by reason from `select reason, n` rows. */
function counted(rows: { reason: string; n: string }[]): Applied {
  const out: Applied = { upgrade: 0, review_downgrade: 0, expired: { members: 0, points: 0, lots: 0 } };
  for (const r of rows) if (r.reason === 'upgrade' || r.reason === 'review_downgrade') out[r.reason] = n(r.n);
  return out;
}

/**
 * A review range (its members `ids` locked by the caller, so no other writer touches their lots: the lots are not
 * locked again, which would write every due lot twice) in one statement that writes only what changes: the range's
 * due lots expire (one expire entry per member, the lots emptied and marked, as `ledger.expireDue` does); a member
 * row is written once when its tier changes (`ds`: tier, tier_since, version, updated_at — as `members.changeTier`)
 * and/or its lots expired (balance, updated_at), with a history row per change. A member who keeps the tier and had
 * nothing due is not written at all.
 */
async function applyReview(tx: DbOrTx, ids: string[], ds: Decision[], now: Date): Promise<Applied> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const [row] = rowsOf<{ members: string; points: string; lots: string; up: string; down: string }>(
    await tx.execute(sql`
      with due as materialized (
        select l.entry_id, l.customer_id, l.remaining from unnest(${uuidArray(ids)}) as x(id)
        cross join lateral (
          select entry_id, customer_id, remaining from points_lots where customer_id = x.id and remaining > 0 and expires_at <= ${at} offset 0
        ) l
      ),
      per as materialized (select customer_id, sum(remaining)::bigint as points from due group by customer_id),
      ins as (
        insert into points_entries (customer_id, kind, points, balance_after, reason, source_kind, occurred_at)
        select p.customer_id, 'expire', -p.points, m.balance - p.points, 'loyalty.reason.expired', 'expiry', ${at}
        from per p join loyalty_members m on m.customer_id = p.customer_id
        returning id, customer_id
      ),
      lots as (update points_lots l set expired = due.remaining, expired_by = ins.id, remaining = 0 from due join ins on ins.customer_id = due.customer_id where l.entry_id = due.entry_id),
      t as materialized (${ds.length ? decisionRows(ds) : sql`select null::uuid as id, null::text as from_tier, null::text as to_tier, null::bigint as growth, null::text as reason where false`}),
      w as (select coalesce(t.id, per.customer_id) as id, t.to_tier, coalesce(per.points, 0) as points from t full join per on per.customer_id = t.id),
      u as (
        update loyalty_members m set
          balance = m.balance - w.points,
          tier = coalesce(w.to_tier, m.tier),
          tier_since = case when w.to_tier is not null then ${at} else m.tier_since end,
          version = case when w.to_tier is not null then m.version + 1 else m.version end,
          updated_at = now()
        from w
        where m.customer_id = w.id
      ),
      h as (insert into loyalty_tier_changes (customer_id, from_tier, to_tier, reason, growth, created_by, at) select id, from_tier, to_tier, reason, growth, null, ${at} from t)
      select (select count(*) from per) as members, (select coalesce(sum(points), 0) from per) as points, (select count(*) from due) as lots,
             (select count(*) from t where reason = 'upgrade') as up, (select count(*) from t where reason = 'review_downgrade') as down`),
  );
  return {
    upgrade: n(row?.up),
    review_downgrade: n(row?.down),
    expired: { members: n(row?.members), points: n(row?.points), lots: n(row?.lots) },
  };
}

/**
 * A sweep range's decisions in one statement (read without locks): each member's row (for a change the same writes
 * as `members.changeTier`) and a history row per change. The update is guarded by the tier the decision was made on:
 * a member an earn moved meanwhile is left alone, for the next night. Answers how many of each were written.
 */
async function applySweep(tx: DbOrTx, ds: Decision[], now: Date): Promise<Applied> {
  if (!ds.length) return counted([]);
  const at = sql`${now.toISOString()}::timestamptz`;
  const rows = rowsOf<{ reason: string; n: string }>(
    await tx.execute(sql`
      with t as (${decisionRows(ds)}),
      u as (
        update loyalty_members m set tier = t.to_tier, tier_since = ${at}, version = m.version + 1, updated_at = now()
        from t
        where m.customer_id = t.id and m.tier = t.from_tier and m.status = 'active' and t.to_tier <> t.from_tier
        returning t.id, t.from_tier, t.to_tier, t.growth, t.reason
      ),
      h as (insert into loyalty_tier_changes (customer_id, from_tier, to_tier, reason, growth, created_by, at) select id, from_tier, to_tier, reason, growth, null, ${at} from u)
      select reason, count(*) as n from u group by reason`),
  );
  return counted(rows);
}
