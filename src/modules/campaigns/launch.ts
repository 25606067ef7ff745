/**
 * Launching a campaign: a durable run (`platform/runs`) in four phases, each walked in customer-id order in short
 * transactions with the checkpoint saved in the same transaction (never one long transaction; a resume continues after
 * the last committed slice):
 *
 * 1. **draw** — the audience: the segment's current members within the launching user's data scope (not deleted),
 *    each with its value tier at launch and its rank, the first 64 bits of HMAC-SHA256(campaign seed, customer id).
 * 2. **assign** — the holdout: exactly ⌊p·N⌋ members, allocated to the tiers in proportion (largest remainder,
 *    stats.ts `holdoutAllocation`), and within each tier the lowest ranks. The seed is the campaign's, so the same
 *    audience always gives the same groups; one update per tier, idempotent on resume.
 * 3. **codes** — one unguessable code per treated member for each offer with unique codes (codes.ts), inserted
 *    `on conflict do nothing` and drawn again for the rare collision; the shared code's row for shared offers.
 * 4. **send** — every channel's template to the treated group through the outbox's bulk enqueue (consent, quiet hours
 *    and the weekly cap apply; the counts blocked by each rule are kept on the run). Held-out members receive nothing.
 */
import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/permissions.js';
import { isConnectionLost, rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { bulkInsert } from '../../platform/db/bulk.js';
import type { SliceSizer } from '../../platform/db/slice.js';
import { AppError } from '../../platform/errors.js';
import { keyedRank } from '../../platform/random.js';
import { DurableRuns, perCustomerSizer, runSlice, type RunHandle } from '../../platform/runs/index.js';
import { analyticsFacts } from '../analytics/index.js';
import { recordAudit } from '../audit/index.js';
import { customerAccess, customerDirectory } from '../customers/index.js';
import { enqueueBulk, kickSweep, type MessagingRuntime } from '../messages/index.js';
import { segmentMemberLedger } from '../segments/index.js';
import type { LaunchView } from './campaigns.contract.js';
import { channelsOf, offersOf } from './campaigns.repository.js';
import { generateCodes } from './codes.js';
import { campaignLaunches, campaignMembers, campaigns, couponCodes, type LaunchCheckpoint } from './schema.js';
import { holdoutAllocation } from './stats.js';

export const CAMPAIGNS_QUEUE = 'campaigns.launch';
const runs = new DurableRuns<LaunchCheckpoint>(campaignLaunches, { staleSeconds: 60 });
type RunRow = typeof campaignLaunches.$inferSelect;
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function launchView(r: RunRow): LaunchView {
  return {
    id: r.id,
    campaignId: r.campaignId,
    status: r.status,
    progress: r.progress,
    error: r.error,
    createdAt: iso(r.createdAt)!,
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
  };
}

export async function latestLaunch(db: DbOrTx, campaignId: string): Promise<LaunchView | null> {
  const [row] = await db
    .select()
    .from(campaignLaunches)
    .where(sql`${campaignLaunches.campaignId} = ${campaignId}`)
    .orderBy(sql`${campaignLaunches.createdAt} desc, ${campaignLaunches.id} desc`)
    .limit(1);
  return row ? launchView(row) : null;
}

/** What the latest finished launch counted (drawn, queued, blocked by rule incl. no_recipient). */
export async function launchDetails(db: DbOrTx, campaignId: string): Promise<{ drawn?: number; sent?: number; blocked?: Record<string, number> } | null> {
  const [row] = await db
    .select({ details: campaignLaunches.details })
    .from(campaignLaunches)
    .where(sql`${campaignLaunches.campaignId} = ${campaignId} and ${campaignLaunches.status} = 'done'`)
    .orderBy(sql`${campaignLaunches.finishedAt} desc`)
    .limit(1);
  return (row?.details as { drawn?: number; sent?: number; blocked?: Record<string, number> } | null) ?? null;
}

/** Queues a launch run for a campaign the caller just marked running (campaigns.service `beginLaunch`). */
export async function queueLaunch(db: DbOrTx, campaignId: string, requestedBy: string | null): Promise<LaunchView> {
  const [row] = await db.insert(campaignLaunches).values({ campaignId, requestedBy, status: 'queued', heartbeatAt: new Date() }).returning();
  return launchView(row!);
}

/** Asks a queued or running launch of the campaign to stop (a cancelled campaign): it ends at its next checkpoint. */
export async function requestLaunchCancel(db: DbOrTx, campaignId: string): Promise<void> {
  const active = await db
    .select({ id: campaignLaunches.id })
    .from(campaignLaunches)
    .where(sql`${campaignLaunches.campaignId} = ${campaignId} and ${campaignLaunches.status} in ('queued', 'running')`);
  for (const r of active) await runs.requestCancel(db, r.id);
}

export async function unfinishedLaunchIds(db: DbOrTx): Promise<string[]> {
  return runs.unfinished(db);
}

export type LaunchDeps = { messaging: MessagingRuntime; resolveActor: (userId: string) => Promise<Actor | null>; signal?: AbortSignal; log?: (line: string) => void };

export async function executeLaunch(db: Db, runId: string, deps: LaunchDeps): Promise<LaunchView> {
  try {
    await runs.execute(db, runId, (run) => performLaunch(db, run, deps), { signal: deps.signal });
    kickSweep(deps.messaging); // the outbox sends what the launch queued
  } catch (err) {
    if (isConnectionLost(err)) throw err;
    deps.log?.(`campaign launch ${runId} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const [row] = await db.select().from(campaignLaunches).where(sql`${campaignLaunches.id} = ${runId}`);
  if (!row) throw AppError.notFound('campaigns.launch_not_found');
  return launchView(row);
}

type Ctx = { db: Db; run: RunHandle<LaunchCheckpoint>; campaign: typeof campaigns.$inferSelect; actor: Actor; deps: LaunchDeps; sizer: SliceSizer };

async function performLaunch(db: Db, run: RunHandle<LaunchCheckpoint>, deps: LaunchDeps): Promise<void> {
  const [launch] = await db.select().from(campaignLaunches).where(sql`${campaignLaunches.id} = ${run.id}`);
  const [campaign] = launch ? await db.select().from(campaigns).where(sql`${campaigns.id} = ${launch.campaignId}`) : [];
  if (!launch || !campaign) throw AppError.notFound('campaigns.not_found');
  const actor = launch.requestedBy ? await deps.resolveActor(launch.requestedBy) : null;
  if (!actor) throw new Error('the user who launched the campaign can no longer act');
  const sizer = perCustomerSizer(db);
  const ctx: Ctx = { db, run, campaign, actor, deps, sizer };
  let cp: LaunchCheckpoint = run.resumeFrom ?? { phase: 'draw', after: null, index: 0, drawn: 0, sent: 0, blocked: {} };
  if (cp.phase === 'draw' && !(await draw(ctx, cp, (next) => (cp = next)))) return;
  if (cp.phase === 'assign' && !(await assign(ctx, cp, (next) => (cp = next)))) return;
  if (cp.phase === 'codes' && !(await issueCodes(ctx, cp, (next) => (cp = next)))) return;
  if (cp.phase === 'send' && !(await send(ctx, cp, (next) => (cp = next)))) return;
  await db.transaction(async (tx) => {
    await tx.update(campaignLaunches).set({ details: { drawn: cp.drawn, sent: cp.sent, blocked: cp.blocked } }).where(sql`${campaignLaunches.id} = ${run.id}`);
    await recordAudit(tx, actor, { action: 'launch_done', entityType: 'campaign', entityId: campaign.id, changes: { drawn: cp.drawn, queued: cp.sent, blocked: cp.blocked } });
    await run.finish(tx, { progress: { phase: 'done', done: cp.drawn, total: cp.drawn }, checkpoint: { ...cp, phase: 'done' } });
  });
}

/** One slice (platform runSlice): the work and its checkpoint in one transaction. False when the run must stop (cancel, stop). */
function slice(ctx: Ctx, work: (tx: DbOrTx, size: number) => Promise<{ next: LaunchCheckpoint; total: number }>, set: (cp: LaunchCheckpoint) => void): Promise<boolean> {
  return runSlice(
    ctx.db,
    ctx.run,
    ctx.sizer,
    async (tx, size) => {
      const { next, total } = await work(tx, size);
      return { next, progress: { phase: next.phase, done: next.phase === 'send' ? next.sent : next.drawn, total } };
    },
    set,
  );
}

async function draw(ctx: Ctx, start: LaunchCheckpoint, set: (cp: LaunchCheckpoint) => void): Promise<boolean> {
  const { campaign, actor } = ctx;
  const tiers = (await analyticsFacts.exist(ctx.db)) ? analyticsFacts.tierOf(sql`l.customer_id`) : sql`null`;
  let cp = start;
  for (;;) {
    const ok = await slice(
      ctx,
      async (tx, size) => {
        const rows = rowsOf<{ id: string; tier: string | null }>(
          await tx.execute(sql`
            select l.customer_id as id, ${tiers} as tier
            from ${segmentMemberLedger} l
            join ${customerDirectory} c on c.id = l.customer_id and c.deleted_at is null
            where l.segment_id = ${campaign.segmentId} and l.exited_at is null
              ${cp.after ? sql`and l.customer_id > ${cp.after} and c.id > ${cp.after}` : sql``}
              and ${customerAccess.where(actor, 'c')}
            order by l.customer_id
            limit ${size}`),
        );
        await bulkInsert(
          tx,
          campaignMembers,
          rows.map((r) => ({ campaignId: campaign.id, customerId: r.id, grp: 'treated' as const, tier: r.tier ?? 'none', rank: keyedRank(campaign.seed, r.id) })),
          { onConflictDoNothing: true },
        );
        const done = rows.length < size;
        const next: LaunchCheckpoint = done
          ? { ...cp, phase: 'assign', after: null, drawn: cp.drawn + rows.length }
          : { ...cp, after: rows[rows.length - 1]!.id, drawn: cp.drawn + rows.length };
        return { next, total: 0 };
      },
      (next) => set((cp = next)),
    );
    if (!ok) return false;
    if (cp.phase !== 'draw') return true;
  }
}

async function assign(ctx: Ctx, start: LaunchCheckpoint, set: (cp: LaunchCheckpoint) => void): Promise<boolean> {
  const { campaign } = ctx;
  const strata = rowsOf<{ tier: string; n: number }>(
    await ctx.db.execute(sql`select tier, count(*)::int as n from ${campaignMembers} where campaign_id = ${campaign.id} group by tier order by tier`),
  );
  const quota = holdoutAllocation(strata.map((s) => ({ key: s.tier, size: s.n })), campaign.holdoutBp);
  let cp = { ...start, cutoffs: start.cutoffs ?? {} };
  for (const s of strata) {
    if (s.tier in cp.cutoffs) continue;
    const take = quota.get(s.tier) ?? 0;
    const ok = await slice(
      ctx,
      async (tx) => {
        let cutoff: [string, string] | null = null;
        if (take > 0) {
          const [last] = rowsOf<{ rank: string; id: string }>(
            await tx.execute(sql`
              select rank, customer_id as id from ${campaignMembers}
              where campaign_id = ${campaign.id} and tier = ${s.tier}
              order by rank collate "C", customer_id offset ${take - 1} limit 1`),
          );
          cutoff = [last!.rank, last!.id];
          await tx.execute(sql`
            update ${campaignMembers} set grp = 'holdout'
            where campaign_id = ${campaign.id} and tier = ${s.tier}
              and (rank collate "C" < ${cutoff[0]} collate "C" or (rank = ${cutoff[0]} and customer_id <= ${cutoff[1]}::uuid))`);
        }
        return { next: { ...cp, cutoffs: { ...cp.cutoffs, [s.tier]: cutoff } }, total: strata.length };
      },
      (next) => set((cp = next as typeof cp)),
    );
    if (!ok) return false;
  }
  return slice(
    ctx,
    async (tx) => {
      const [counts] = rowsOf<{ treated: number; holdout: number }>(
        await tx.execute(sql`
          select count(*) filter (where grp = 'treated')::int as treated, count(*) filter (where grp = 'holdout')::int as holdout
          from ${campaignMembers} where campaign_id = ${campaign.id}`),
      );
      await tx.update(campaigns).set({ treatedCount: counts!.treated, holdoutCount: counts!.holdout }).where(sql`${campaigns.id} = ${campaign.id}`);
      return { next: { ...cp, phase: 'codes', index: 0, after: null }, total: counts!.treated };
    },
    (next) => set((cp = next as typeof cp)),
  );
}

/** Treated members after `after` (customer-id order). */
async function treatedAfter(tx: DbOrTx, campaignId: string, after: string | null, size: number): Promise<string[]> {
  const rows = rowsOf<{ id: string }>(
    await tx.execute(sql`
      select customer_id as id from ${campaignMembers}
      where campaign_id = ${campaignId} and grp = 'treated' ${after ? sql`and customer_id > ${after}` : sql``}
      order by customer_id limit ${size}`),
  );
  return rows.map((r) => r.id);
}

async function issueCodes(ctx: Ctx, start: LaunchCheckpoint, set: (cp: LaunchCheckpoint) => void): Promise<boolean> {
  const { campaign } = ctx;
  const offers = await offersOf(ctx.db, campaign.id);
  let cp = start;
  while (cp.index < offers.length) {
    const offer = offers[cp.index]!;
    if (offer.codeMode === 'shared') {
      const ok = await slice(
        ctx,
        async (tx) => {
          const inserted = await tx.insert(couponCodes).values({ campaignId: campaign.id, offerId: offer.id, code: offer.sharedCode! }).onConflictDoNothing().returning({ id: couponCodes.id });
          if (!inserted.length) {
            const [owner] = await tx.select({ offerId: couponCodes.offerId }).from(couponCodes).where(sql`${couponCodes.code} = ${offer.sharedCode}`);
            if (owner?.offerId !== offer.id) throw AppError.conflict('campaigns.shared_code_taken', { value: offer.sharedCode! });
          }
          return { next: { ...cp, index: cp.index + 1, after: null }, total: offers.length };
        },
        (next) => set((cp = next)),
      );
      if (!ok) return false;
      continue;
    }
    if (offer.codeMode !== 'unique') {
      cp = { ...cp, index: cp.index + 1, after: null };
      continue;
    }
    const ok = await slice(
      ctx,
      async (tx, size) => {
        const ids = await treatedAfter(tx, campaign.id, cp.after, size);
        await insertUniqueCodes(tx, campaign.id, offer.id, offer.perCustomerLimit, ids);
        const next: LaunchCheckpoint = ids.length < size ? { ...cp, index: cp.index + 1, after: null } : { ...cp, after: ids[ids.length - 1]! };
        return { next, total: campaign.treatedCount };
      },
      (next) => set((cp = next)),
    );
    if (!ok) return false;
  }
  set((cp = { ...cp, phase: 'send', index: 0, after: null }));
  return true;
}

/** One code per customer; a code already taken (anywhere) is drawn again until every customer has one. */
async function insertUniqueCodes(tx: DbOrTx, campaignId: string, offerId: string, maxUses: number, customerIds: string[]): Promise<void> {
  let missing = customerIds;
  for (let attempt = 0; missing.length && attempt < 10; attempt++) {
    const codes = generateCodes(missing.length);
    const inserted = await bulkInsert<typeof couponCodes, { customerId: string }>(
      tx,
      couponCodes,
      missing.map((customerId, i) => ({ campaignId, offerId, customerId, code: codes[i]!, maxUses })),
      { onConflictDoNothing: true, returning: ['customerId'] },
    );
    if (inserted.length === missing.length) return;
    // A code taken elsewhere (or a customer given one by an earlier, resumed slice): ask which customers still lack one.
    const have = new Set(
      rowsOf<{ id: string }>(
        await tx.execute(sql`select customer_id as id from ${couponCodes} where offer_id = ${offerId} and customer_id = any(${sql.param(missing)}::uuid[])`),
      ).map((r) => r.id),
    );
    missing = missing.filter((id) => !have.has(id));
  }
  if (missing.length) throw new Error('could not draw unique coupon codes');
}

async function send(ctx: Ctx, start: LaunchCheckpoint, set: (cp: LaunchCheckpoint) => void): Promise<boolean> {
  const { campaign } = ctx;
  const channels = await channelsOf(ctx.db, campaign.id);
  const offers = await offersOf(ctx.db, campaign.id);
  // The {{coupon}} of each message: the first offer with codes (its unique code, or the shared code).
  const coded = offers.find((o) => o.codeMode !== 'none');
  let cp = start;
  while (cp.index < channels.length) {
    const channel = channels[cp.index]!;
    const ok = await slice(
      ctx,
      async (tx, size) => {
        const ids = await treatedAfter(tx, campaign.id, cp.after, size);
        let sent = 0;
        const blocked = { ...cp.blocked };
        if (ids.length) {
          const variables = await couponVariables(tx, coded, ids);
          const r = await enqueueBulk(
            tx,
            { sourceKind: 'campaign', sourceId: campaign.id, templateId: channel.templateId, category: 'marketing', customerIds: ids, variables, createdBy: ctx.actor.userId, now: ctx.deps.messaging.now() },
            ctx.deps.messaging,
          );
          sent = r.queued;
          for (const [reason, n] of Object.entries({ ...r.suppressed, no_recipient: r.noRecipient })) if (n) blocked[reason] = (blocked[reason] ?? 0) + n;
        }
        const next: LaunchCheckpoint =
          ids.length < size ? { ...cp, index: cp.index + 1, after: null, sent: cp.sent + sent, blocked } : { ...cp, after: ids[ids.length - 1]!, sent: cp.sent + sent, blocked };
        return { next, total: campaign.treatedCount * channels.length };
      },
      (next) => set((cp = next)),
    );
    if (!ok) return false;
  }
  set((cp = { ...cp, phase: 'done' }));
  return true;
}

async function couponVariables(tx: DbOrTx, offer: { id: string; codeMode: string; sharedCode: string | null } | undefined, ids: string[]) {
  const out = new Map<string, { coupon: string }>();
  if (!offer) return out;
  if (offer.codeMode === 'shared') {
    for (const id of ids) out.set(id, { coupon: offer.sharedCode! });
    return out;
  }
  const rows = rowsOf<{ id: string; code: string }>(
    await tx.execute(sql`select customer_id as id, code from ${couponCodes} where offer_id = ${offer.id} and customer_id = any(${sql.param(ids)}::uuid[])`),
  );
  for (const r of rows) out.set(r.id, { coupon: r.code });
  return out;
}
