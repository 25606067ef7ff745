/**
 * Loading the heating demo into the database: staff (account-manager groups and users), the service catalogue, the
 * 供暖面积 custom field (the heating template's, settings/templates.ts: the one setup made, else made now), then the
 * generated households in batches. The load is a durable run (`platform/runs`, the row in `demo_loads`): each batch
 * (its customers, payments, purchases and the run's checkpoint) is one transaction, so an interrupted load resumes
 * exactly where it stopped, in this process or another. Rows are written with the owning modules' bulk loaders
 * (`customerBulkLoad`, `transactionBulkLoad`, `interactionBulkLoad`: `bulkInsert`, one JSON parameter a statement) and
 * ids come from the generator, so no statement needs to read back what the previous one wrote. What the load reads of
 * other modules (its managers, the fingerprint) goes through their views.
 */
import { createHash, randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { BulkUpkeep, forEachSliced, isEmbedded, SLICE_TARGET_MS, SliceSizer, sliceTimer, yieldToEventLoop } from '../../platform/db/slice.js';
import { AppError } from '../../platform/errors.js';
import { DurableRuns, RunLostError, type RunHandle, type RunProgress } from '../../platform/runs/index.js';
import { recordAudit } from '../audit/index.js';
import { createTeam, createUser, listTeams, userDirectory } from '../accounts/index.js';
import { customerBulkLoad, customerDirectory, phoneDigitsOf, searchTextOf, type CustomerBulkRow } from '../customers/index.js';
import { interactionBulkLoad, interactionLog, taskLedger } from '../interactions/index.js';
import { ensureTemplateFields } from '../settings/index.js';
import { createProduct, listProducts, transactionBulkLoad, transactionLedger, transactionLineLedger } from '../transactions/index.js';
import type { DemoStatus } from './demo.contract.js';
import { PRODUCTS } from './data.js';
import { demoLoads, type DemoCheckpoint } from './schema.js';
import { Fingerprint, GENERATOR_VERSION, household, planDemo, type DemoParams, type DemoPlan, type Household } from './generator.js';
import { planActivity, playOutside, playScript, type ActivityDeps } from './activity.js';
import { versionChanged } from './resume.js';

const BATCH = 1000;
const PRODUCT_BY_CODE = new Map(PRODUCTS.map((p) => [p.code, p]));

/** The load is a durable run (`platform/runs`): claimed, beating its heartbeat, checkpointed with each batch. */
const runs = new DurableRuns<DemoCheckpoint>(demoLoads);
type LoadRow = typeof demoLoads.$inferSelect;
const START: DemoCheckpoint = { loaded: 0, customers: 0, transactions: 0, droppedIndexes: [] };

const EMPTY: DemoStatus = {
  status: 'none',
  seed: null,
  size: null,
  asOf: null,
  loaded: 0,
  customers: 0,
  transactions: 0,
  history: null,
  fingerprint: null,
  startedAt: null,
  finishedAt: null,
  seconds: null,
  error: null,
};

async function currentLoad(db: DbOrTx): Promise<LoadRow | undefined> {
  const [row] = await db.select().from(demoLoads).limit(1);
  return row;
}

function statusOf(row: LoadRow | undefined): DemoStatus {
  if (!row) return EMPTY;
  const cp = row.checkpoint ?? START;
  const status = row.status === 'queued' || row.status === 'running' ? 'loading' : row.status === 'done' ? 'done' : 'failed';
  return {
    status,
    seed: row.seed,
    size: row.size,
    asOf: row.asOf,
    loaded: cp.loaded,
    customers: cp.customers,
    transactions: cp.transactions,
    history:
      row.progress.phase === 'activity' ? { played: row.progress.done, scripts: row.progress.total } : cp.activity ? { played: cp.activity, scripts: cp.activity } : null,
    fingerprint: row.fingerprint,
    startedAt: (row.startedAt ?? row.createdAt).toISOString(),
    finishedAt: status === 'loading' ? null : (row.finishedAt?.toISOString() ?? null),
    seconds: row.seconds,
    error: row.status === 'cancelled' ? (row.error ?? 'cancelled') : row.error,
  };
}

export async function demoStatus(db: DbOrTx, actor: Actor | null): Promise<DemoStatus> {
  requireAccess(actor, 'settings:manage');
  return statusOf(await currentLoad(db));
}


/** Today in Beijing: the default end of the generated history. */
export function todayInShanghai(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

export type DemoProgress = {
  loaded: number;
  total: number;
  customers: number;
  transactions: number;
  /** Scripts of the service history played so far, and how many there are (once the households are in). */
  played?: number;
  scripts?: number;
};

/**
 * Checks that a load with these parameters may start (or resume) and queues it. A finished load of the same
 * parameters is a no-op; any other existing demo is refused (load it into a fresh installation). A failed load of the
 * same parameters is queued again and resumes from its checkpoint.
 */
export async function beginDemo(
  db: Db,
  actor: Actor | null,
  params: DemoParams,
  opts: { acceptOlderVersion?: boolean } = {},
): Promise<{ id: string; alreadyDone: boolean }> {
  requireAccess(actor, 'settings:manage');
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(72420002)`);
    const row = await currentLoad(tx);
    const sameParams = !!row && row.seed === params.seed && row.size === params.size && row.asOf === params.asOf;
    // The benchmark may reuse a finished dataset of an older generator: same households, ids and history.
    if (opts.acceptOlderVersion && sameParams && row.status === 'done') return { id: row.id, alreadyDone: true };
    if (row && !sameParams) throw AppError.conflict('demo.other_loaded', { size: row.size, seed: row.seed });
    // Another generator version makes other households from the same parameters: a resume would add them to the
    // ones already written (and the fingerprint would describe neither), so it is refused, saying what to do.
    if (row && row.generatorVersion !== GENERATOR_VERSION) throw versionChanged(row);
    if (!row) {
      const [created] = await tx
        .insert(demoLoads)
        .values({ status: 'queued', seed: params.seed, size: params.size, asOf: params.asOf, generatorVersion: GENERATOR_VERSION, requestedBy: actor.userId })
        .returning({ id: demoLoads.id });
      return { id: created!.id, alreadyDone: false };
    }
    if (row.status === 'done') return { id: row.id, alreadyDone: true };
    await runs.requeue(tx, row.id); // failed or cancelled: resumes from its checkpoint
    await tx.update(demoLoads).set({ requestedBy: actor.userId }).where(eq(demoLoads.id, row.id));
    return { id: row.id, alreadyDone: false };
  });
}

/**
 * Loads (or resumes) the demo. `managerPassword` is the password of the generated account managers (random when
 * not given: an admin can reset it). Returns the final status. A load another process is running is refused
 * (`demo.other_runner`).
 */
export async function loadDemo(
  db: Db,
  actor: Actor | null,
  params: DemoParams,
  opts: {
    managerPassword?: string;
    onProgress?: (p: DemoProgress) => void;
    signal?: AbortSignal;
    writers?: number;
    skipForeignKeyChecks?: boolean;
    acceptOlderVersion?: boolean;
    /**
     * Nothing else uses the database meanwhile (`hearth demo load`): on PGlite too, big batches with the indexes set
     * aside and rebuilt at the end — about twice as fast, and nobody waits.
     */
    exclusive?: boolean;
    /**
     * Also play two seasons of service history (tickets, feedback: activity.ts) through the modules' services, with
     * this messaging runtime (its clock is the history's). The CLI and the server's load do; benchmarks do not.
     */
    activity?: ActivityDeps['runtime'];
  } = {},
): Promise<DemoStatus> {
  requireAccess(actor, 'settings:manage');
  const { id, alreadyDone } = await beginDemo(db, actor, params, { acceptOlderVersion: opts.acceptOlderVersion });
  if (alreadyDone) return demoStatus(db, actor);
  const outcome = await runs.execute(db, id, (run) => load(db, actor, params, run, opts), { signal: opts.signal });
  // Claimed by another process meanwhile, or taken over by one while this one was silent for too long.
  if (outcome === 'busy' || outcome === 'lost') throw AppError.conflict('demo.other_runner');
  return demoStatus(db, actor);
}

/** The load itself, as the holder of its run: every batch commits its households and the checkpoint together. */
async function load(
  db: Db,
  actor: Actor,
  params: DemoParams,
  run: RunHandle<DemoCheckpoint>,
  opts: {
    managerPassword?: string;
    onProgress?: (p: DemoProgress) => void;
    writers?: number;
    skipForeignKeyChecks?: boolean;
    exclusive?: boolean;
    activity?: ActivityDeps['runtime'];
  },
): Promise<void> {
  const elapsed = sliceTimer();
  const plan = planDemo(params);
  let state: DemoCheckpoint = { ...START, ...(run.resumeFrom ?? {}) };
  const resumeFrom = state.loaded;
  const progressOf = (loaded: number) => ({ phase: 'households', done: loaded, total: params.size });
  const refs = await prepareReferenceData(db, actor, plan, opts.managerPassword ?? `Demo-${randomBytes(9).toString('hex')}-1a`);
  // In the server on the embedded database the load shares the one connection and thread with every request: it
  // writes in short slices (a transaction of about SLICE_TARGET_MS, then a turn of the event loop) and keeps the
  // indexes, because rebuilding one over all rows is a single statement of many seconds that nothing could interrupt.
  const embedded = isEmbedded(db) && !opts.exclusive;
  if (!embedded) state = await setAsideIndexes(db, run, state, progressOf(resumeFrom));
  const fp = new Fingerprint(plan);
  // Households written by an earlier, interrupted run still count towards the fingerprint.
  await forEachSliced(resumeFrom, GENERATE_CHUNK, (i) => fp.add(household(plan, i)));
  // With `writers: 2` (PostgreSQL) two batches are written at once on two connections (the server does the work: this keeps both
  // cores busy); each still commits its checkpoint only after the batch before it, so "loaded" never skips a
  // batch and a resume is exact. PGlite has one connection: one batch at a time.
  const depth = embedded ? 1 : Math.max(1, opts.writers ?? 1);
  const sizer = embedded ? new SliceSizer({ targetMs: SLICE_TARGET_MS, initial: 100, min: 10, max: BATCH }) : SliceSizer.fixed(BATCH);
  const skipChecks =
    opts.skipForeignKeyChecks === true &&
    rowsOf<{ su: boolean }>(await db.execute(sql`select rolsuper as su from pg_roles where rolname = current_user`))[0]?.su === true;
  const inflight: Promise<void>[] = [];
  let previous: Promise<void> = Promise.resolve();
  // A batch still in flight when the run was cancelled fails its checkpoint (the run is no longer running) and rolls
  // back: the checkpoint of the cancelled run and its data stay in step.
  const settle = async (p: Promise<void> | undefined) => {
    try {
      await p;
    } catch (err) {
      if (!(run.ended === 'cancelled' && err instanceof RunLostError)) throw err;
    }
  };
  // On PGlite: GIN pending lists emptied every 500 households, new pages vacuumed every 5,000, in slices of their own.
  const upkeep = new BulkUpkeep(db, BULK_TABLES, { cleanEvery: 500, vacuumEvery: 5000, analyze: 'always' });
  let batch = await generate(plan, resumeFrom, sizer.size, fp);
  for (let next = resumeFrom; next < params.size; ) {
    if (run.signal.aborted || run.ended) break;
    const from = next; // the closures below see this batch's start, whatever `next` becomes
    const current = batch;
    const to = from + current.length;
    const before = previous;
    const written = db.transaction(async (tx) => {
      const elapsed = sliceTimer();
      // Generated rows reference only rows this load wrote (its customers, transactions, catalogue and staff):
      // the per-row foreign-key checks are skipped inside the batch, as a bulk loader does (superuser only; where
      // not allowed the checks simply run).
      if (skipChecks) await tx.execute(sql`set local session_replication_role = replica`);
      await writeHouseholds(tx, actor, refs, current);
      await before;
      const txCount = current.reduce((n, h) => n + h.transactions.length, 0);
      const after: DemoCheckpoint = { ...state, loaded: to, customers: state.customers + current.length, transactions: state.transactions + txCount };
      // Fenced by the run's owner: had another process taken the load over, this throws and the batch rolls back.
      await run.save(tx, after, progressOf(to));
      state = after;
      sizer.record(current.length, elapsed());
    });
    previous = written.then(() => opts.onProgress?.({ loaded: to, total: params.size, customers: state.customers, transactions: state.transactions }));
    // Marked handled at once: when a batch fails, the loop stops at its await and the batches still in flight (which
    // await it) reject too, with nobody left to await them; their error is the same one, already on its way up.
    previous.catch(() => undefined);
    inflight.push(previous);
    // Generate the next batch while the database writes this one (on PGlite the write runs first: it does not yield).
    batch = to < params.size ? await generate(plan, to, sizer.size, fp) : [];
    if (inflight.length >= depth) await settle(inflight.shift());
    // Requests that arrived during the slice go before the next one.
    if (embedded) {
      await yieldToEventLoop();
      await upkeep.after(current.length);
    }
    next = to;
  }
  for (const p of inflight) await settle(p);
  // Stopping (the run is released and resumes from its checkpoint), or cancelled.
  if (run.signal.aborted || run.ended) return;
  state = await restoreIndexes(db, run, state, progressOf(state.loaded));
  if (embedded) await upkeep.finish();
  else await tidyAfterBulkLoad(db);
  if (opts.activity) {
    const runtime = opts.activity;
    const managerOf = (i: number) => refs.managers[household(plan, i).customer.manager]!.id;
    const played = await playHistory(db, plan, run, state, { actor, managerOf, runtime }, (played, scripts) =>
      opts.onProgress?.({ loaded: state.loaded, total: params.size, customers: state.customers, transactions: state.transactions, played, scripts }),
    );
    if (!played) return;
    state = played;
  }
  await db.transaction(async (tx) => {
    await run.finish(tx, { progress: { phase: 'done', done: params.size, total: params.size } });
    await tx
      .update(demoLoads)
      .set({ fingerprint: fp.digest(), seconds: Math.round((elapsed()) / 100) / 10 })
      .where(eq(demoLoads.id, run.id));
    await recordAudit(tx, actor, {
      action: 'demo.load',
      entityType: 'settings',
      entityId: 'demo',
      changes: { seed: params.seed, size: params.size, asOf: params.asOf, customers: state.customers, transactions: state.transactions },
    });
  });
}

/**
 * The service history (activity.ts), script by script: each one and the checkpoint in one transaction, then a turn
 * of the event loop. Returns the final checkpoint, or null when the run stopped (it resumes at the next script).
 */
async function playHistory(
  db: Db,
  plan: DemoPlan,
  run: RunHandle<DemoCheckpoint>,
  start: DemoCheckpoint,
  deps: ActivityDeps,
  onPlayed: (played: number, scripts: number) => void,
): Promise<DemoCheckpoint | null> {
  const scripts = planActivity(plan);
  let state = start;
  for (let k = state.activity ?? 0; k < scripts.length; k++) {
    if (run.signal.aborted || run.ended) return null;
    const script = scripts[k]!;
    await playOutside(db, script, deps); // a care run, the loyalty upkeep: their own transactions
    state = await db.transaction(async (tx) => {
      if (script.kind !== 'care') await playScript(tx, plan, script, deps);
      const next = { ...state, activity: k + 1 };
      await run.save(tx, next, { phase: 'activity', done: k + 1, total: scripts.length });
      return next;
    });
    onPlayed(k + 1, scripts.length);
    await yieldToEventLoop();
  }
  return state;
}

/** Households per turn of the event loop while generating (about 7 ms of CPU for 100). */
const GENERATE_CHUNK = 100;

/** Households from…from+count−1 (fewer at the end), added to the fingerprint in order; the thread is given up between chunks. */
async function generate(plan: DemoPlan, from: number, count: number, fp: Fingerprint): Promise<Household[]> {
  const out: Household[] = [];
  const to = Math.min(plan.params.size, from + count);
  await forEachSliced(to - from, GENERATE_CHUNK, (k) => {
    const h = household(plan, from + k);
    fp.add(h);
    out.push(h);
  });
  return out;
}

type Refs = { managers: { id: string; teamId: string | null }[]; products: Map<string, string> };

/**
 * Teams, account managers, the catalogue and the custom field: created once, found again on resume. Each step is its
 * own short transaction (an account manager's password hash takes a while, and the embedded database serves nobody
 * else during a transaction); a load interrupted between them finds what was made and makes the rest.
 */
async function prepareReferenceData(db: Db, actor: Actor, plan: DemoPlan, password: string): Promise<Refs> {
  const groupIds = await db.transaction(async (tx) => {
    const teams = await listTeams(tx, actor);
    const teamId = async (name: string, kind: 'department' | 'group', parentId: string | null) =>
      teams.find((t) => t.name === name)?.id ?? (await createTeam(tx, actor, { name, kind, parentId })).id;
    const department = await teamId('客户经理部', 'department', null);
    const ids: string[] = [];
    for (const g of plan.groups) ids.push(await teamId(g, 'group', department));
    return ids;
  });

  const existing = new Map(
    rowsOf<{ id: string; username: string; team_id: string | null }>(await db.execute(sql`select id, username, team_id from ${userDirectory} where username like 'demo.manager%'`)).map((u) => [
      u.username,
      u,
    ]),
  );
  const managers: Refs['managers'] = [];
  for (const m of plan.managers) {
    const found = existing.get(m.username);
    if (found) {
      managers.push({ id: found.id, teamId: found.team_id });
      continue;
    }
    const created = await db.transaction((tx) =>
      createUser(tx, actor, { username: m.username, displayName: m.name, password, roleKey: 'account_manager', teamId: groupIds[m.group]! }),
    );
    managers.push({ id: created.id, teamId: groupIds[m.group]! });
    await yieldToEventLoop();
  }

  const products = await db.transaction(async (tx) => {
    const byCode = new Map((await listProducts(tx, actor, { includeInactive: 'true' })).map((p) => [p.code, p.id]));
    for (const p of PRODUCTS) {
      if (byCode.has(p.code)) continue;
      const created = await createProduct(tx, actor, { code: p.code, name: p.name, category: p.category, priceFen: p.priceFen, unit: p.unit, active: true });
      byCode.set(p.code, created.id);
    }
    // The heating template's 供暖面积 field: the one setup made, or made now (an installation set up blank).
    await ensureTemplateFields(tx, actor, 'heating');
    return byCode;
  });
  return { managers, products };
}

async function writeHouseholds(tx: DbOrTx, actor: Actor, refs: Refs, batch: Household[]): Promise<void> {
  const customerRows = batch.map(({ customer: c }): CustomerBulkRow => {
    const manager = refs.managers[c.manager]!;
    const phones = c.phones.map((p) => `+86${p}`);
    return {
      id: c.id,
      kind: 'person' as const,
      name: c.name,
      phones,
      email: c.email,
      gender: c.gender,
      birthday: c.birthday,
      idType: c.idType,
      idNumber: c.idNumber,
      province: c.province,
      city: c.city,
      district: c.district,
      street: c.street,
      compound: c.compound,
      building: c.building,
      unit: c.unit,
      room: c.room,
      tags: c.tags,
      preferences: c.preferences,
      custom: c.custom,
      source: c.source,
      stage: c.stage,
      ownerId: manager.id,
      teamId: manager.teamId,
      consent: c.consent,
      externalId: c.externalId,
      searchText: searchTextOf(c),
      phoneDigits: phoneDigitsOf(phones),
      createdBy: actor.userId,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    };
  });
  await customerBulkLoad.insert(tx, customerRows);
  const txRows = batch.flatMap((h) =>
    h.transactions.map((t) => ({
      id: t.id,
      customerId: t.customerId,
      occurredAt: t.occurredAt,
      type: t.type,
      amountFen: t.amountFen,
      channel: t.channel,
      externalId: t.externalId,
      heatingSeason: t.heatingSeason,
      billedAreaM2: t.billedAreaM2,
      createdBy: actor.userId,
      createdAt: t.occurredAt,
      updatedAt: t.occurredAt,
    })),
  );
  for (let k = 0; k < txRows.length; k += 2500) await transactionBulkLoad.insertTransactions(tx, txRows.slice(k, k + 2500));
  const lines = batch.flatMap((h) =>
    h.transactions
      .filter((t) => t.product)
      .map((t) => {
        const p = PRODUCT_BY_CODE.get(t.product!)!;
        return {
          id: t.lineId!,
          transactionId: t.id,
          position: 1,
          productId: refs.products.get(p.code)!,
          description: p.name,
          quantity: 1,
          unitPriceFen: t.amountFen,
          amountFen: t.amountFen,
        };
      }),
  );
  await transactionBulkLoad.insertLines(tx, lines);
  const managerOf = new Map(batch.map((h) => [h.customer.id, refs.managers[h.customer.manager]!.id]));
  await interactionBulkLoad.insertInteractions(
    tx,
    batch.flatMap((h) =>
      h.interactions.map((x) => ({
        id: x.id,
        customerId: x.customerId,
        channel: x.channel,
        direction: x.direction,
        occurredAt: x.occurredAt,
        userId: managerOf.get(x.customerId)!,
        summary: x.summary,
        outcome: x.outcome,
        transactionId: x.transactionId,
        createdBy: actor.userId,
        createdAt: x.occurredAt,
        updatedAt: x.occurredAt,
      })),
    ),
  );
  await interactionBulkLoad.insertTasks(
    tx,
    batch.flatMap((h) =>
      h.tasks.map((t) => ({
        id: t.id,
        type: t.type,
        title: t.title,
        customerId: t.customerId,
        assigneeId: managerOf.get(t.customerId)!,
        dueAt: t.dueAt,
        status: t.status,
        result: t.result,
        interactionId: t.interactionId,
        completedAt: t.status === 'done' ? t.dueAt : null,
        completedBy: t.status === 'done' ? managerOf.get(t.customerId)! : null,
        createdBy: actor.userId,
      })),
    ),
  );
}

/**
 * Tables the load fills (named by their modules' bulk loaders); on PostgreSQL their non-unique indexes are built once
 * at the end when the load starts on empty tables.
 */
const BULK_TABLES = [...customerBulkLoad.tables, ...transactionBulkLoad.tables, ...interactionBulkLoad.tables];

/**
 * Building an index once over all rows is several times cheaper than updating it row by row (the trigram and
 * bigram GIN indexes of customers, the random-order uuid keys of transactions). So a load that starts on empty tables
 * drops their non-unique indexes first — unique ones stay, they guard the data — and keeps their definitions in the
 * run's checkpoint (in the transaction of the drop), from which the end of the load (or of its resume) builds them
 * again. Until then searches are slower, never wrong.
 */
async function setAsideIndexes(db: Db, run: RunHandle<DemoCheckpoint>, state: DemoCheckpoint, progress: RunProgress): Promise<DemoCheckpoint> {
  if (state.loaded > 0) return state; // a resume finds the definitions in the checkpoint already
  const empty = (await db.select({ id: customerDirectory.id }).from(customerDirectory).limit(1)).length === 0;
  if (!empty) return state;
  return db.transaction(async (tx) => {
    const defs = rowsOf<{ name: string; def: string }>(
      await tx.execute(sql`
        select i.indexname as name, i.indexdef as def from pg_indexes i
        join pg_class c on c.relname = i.indexname join pg_index x on x.indexrelid = c.oid
        where i.schemaname = current_schema() and i.tablename in (${sql.join(BULK_TABLES.map((t) => sql`${t}`), sql`, `)})
          and not x.indisunique and not x.indisprimary`),
    );
    for (const d of defs) await tx.execute(sql.raw(`drop index if exists "${d.name.replace(/"/g, '""')}"`));
    const next = { ...state, droppedIndexes: [...state.droppedIndexes, ...defs.map((d) => d.def)] };
    await run.save(tx, next, progress);
    return next;
  });
}

async function restoreIndexes(db: Db, run: RunHandle<DemoCheckpoint>, state: DemoCheckpoint, progress: RunProgress): Promise<DemoCheckpoint> {
  if (!state.droppedIndexes.length) return state;
  for (const def of state.droppedIndexes) await db.execute(sql.raw(def.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS ')));
  const next = { ...state, droppedIndexes: [] };
  await db.transaction((tx) => run.save(tx, next, progress));
  return next;
}

/**
 * After a bulk load on PostgreSQL: fresh planner statistics and a VACUUM (visibility map, GIN pending lists). On the
 * embedded database `BulkUpkeep` does the same in slices.
 */
async function tidyAfterBulkLoad(db: Db): Promise<void> {
  for (const table of BULK_TABLES) await db.execute(sql.raw(`vacuum (analyze) ${table}`));
}

/**
 * SHA-256 of the demo data as stored: customers and transactions in a fixed order, with everything the generator
 * decides (not the database's own timestamps). Two loads of the same seed give the same value.
 */
export async function databaseFingerprint(db: DbOrTx): Promise<string> {
  const h = createHash('sha256');
  const page = 20_000;
  for (let offset = 0; ; offset += page) {
    const rows = rowsOf<Record<string, unknown>>(
      await db.execute(sql`
        select c.id, c.external_id, c.name, c.phones, c.email, c.gender, c.birthday::text, c.id_number, c.district, c.compound,
               c.building, c.unit, c.room, c.tags, c.stage, c.consent, c.custom, u.username as owner, c.created_at::text
        from ${customerDirectory} c left join ${userDirectory} u on u.id = c.owner_id
        where c.external_id like 'HR%' order by c.external_id limit ${page} offset ${offset}`),
    );
    for (const r of rows) h.update(JSON.stringify(r));
    if (rows.length < page) break;
  }
  for (let offset = 0; ; offset += page * 5) {
    const rows = rowsOf<Record<string, unknown>>(
      await db.execute(sql`
        select t.id, t.customer_id, t.external_id, t.type, t.amount_fen, t.occurred_at::text, t.channel, t.heating_season, t.billed_area_m2::text,
               l.description, l.amount_fen as line_amount
        from ${transactionLedger} t left join ${transactionLineLedger} l on l.transaction_id = t.id
        where t.external_id like 'JF%' or t.external_id like 'FW%' order by t.external_id limit ${page * 5} offset ${offset}`),
    );
    for (const r of rows) h.update(JSON.stringify(r));
    if (rows.length < page * 5) break;
  }
  const contacts = sql`
    select i.id, i.customer_id, i.channel, i.direction, i.occurred_at::text, i.summary, i.outcome, i.transaction_id, u.username
    from ${interactionLog} i left join ${userDirectory} u on u.id = i.user_id order by i.id`;
  // Tasks by their content: the service history's return visits get ids of the database's own (the same numbers and
  // titles in the same order, on any database).
  const todo = sql`
    select t.type, t.title, t.customer_id, t.due_at::text, t.status, t.result, t.interaction_id, u.username
    from ${taskLedger} t left join ${userDirectory} u on u.id = t.assignee_id order by t.customer_id, t.due_at, t.type, t.title, t.id`;
  for (const query of [contacts, todo]) for (const r of rowsOf<Record<string, unknown>>(await db.execute(query))) h.update(JSON.stringify(r));
  return h.digest('hex');
}
