/** Queries of the campaigns module: campaigns with their offers and channels, and the list. */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { userNames } from '../accounts/index.js';
import { activeTemplateIds, templateChannels } from '../messages/index.js';
import { segmentSummaries } from '../segments/index.js';
import type { CampaignStatus } from './campaigns.contract.js';
import { campaignChannels, campaignOffers, campaigns } from './schema.js';

export type CampaignRow = typeof campaigns.$inferSelect;
export type OfferRow = typeof campaignOffers.$inferSelect;
export type CampaignWithNames = CampaignRow & { ownerName: string | null; approverName: string | null };

export async function findCampaign(db: DbOrTx, id: string, opts: { lock?: boolean } = {}): Promise<CampaignWithNames | undefined> {
  const query = db.select().from(campaigns).where(sql`${campaigns.id} = ${id} and ${campaigns.deletedAt} is null`);
  const [row] = opts.lock ? await query.for('update') : await query;
  if (!row) return undefined;
  const names = await userNames(db, [row.ownerId, row.approvedBy]);
  return { ...row, ownerName: row.ownerId ? (names.get(row.ownerId) ?? null) : null, approverName: row.approvedBy ? (names.get(row.approvedBy) ?? null) : null };
}


export async function offersOf(db: DbOrTx, campaignId: string): Promise<OfferRow[]> {
  return db.select().from(campaignOffers).where(sql`${campaignOffers.campaignId} = ${campaignId}`).orderBy(campaignOffers.position);
}

export async function channelsOf(db: DbOrTx, campaignId: string): Promise<{ templateId: string; templateName: string; channel: 'sms' | 'email' | 'wechat' }[]> {
  const rows = await db.select().from(campaignChannels).where(sql`${campaignChannels.campaignId} = ${campaignId}`).orderBy(campaignChannels.position);
  const info = await templateChannels(db, rows.map((r) => r.templateId));
  return rows.flatMap((r) => {
    const t = info.get(r.templateId);
    return t ? [{ templateId: r.templateId, templateName: t.name, channel: t.channel }] : [];
  });
}

export async function replaceOffers(db: DbOrTx, campaignId: string, offers: Omit<typeof campaignOffers.$inferInsert, 'campaignId' | 'position'>[]): Promise<void> {
  await db.delete(campaignOffers).where(sql`${campaignOffers.campaignId} = ${campaignId}`);
  if (offers.length) await db.insert(campaignOffers).values(offers.map((o, position) => ({ ...o, campaignId, position })));
}

export async function replaceChannels(db: DbOrTx, campaignId: string, templateIds: string[]): Promise<void> {
  await db.delete(campaignChannels).where(sql`${campaignChannels.campaignId} = ${campaignId}`);
  if (templateIds.length) await db.insert(campaignChannels).values(templateIds.map((templateId, position) => ({ campaignId, templateId, position })));
}

/** Which of the templates exist and are not archived. */
export const liveTemplates = (db: DbOrTx, ids: string[]): Promise<Set<string>> => activeTemplateIds(db, ids);

export async function segmentNames(db: DbOrTx, ids: (string | null)[]): Promise<Map<string, { name: string; deleted: boolean }>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  const rows = wanted.length ? await segmentSummaries(db, wanted) : [];
  return new Map(rows.map((r) => [r.id, { name: r.name, deleted: !!r.deletedAt }]));
}

export async function listCampaigns(
  db: DbOrTx,
  q: { status?: CampaignStatus; after?: { value: string; id: string }; limit: number },
): Promise<(CampaignRow & { sortValue: string })[]> {
  const conds: SQL[] = [sql`${campaigns.deletedAt} is null`];
  if (q.status) conds.push(sql`${campaigns.status} = ${q.status}`);
  if (q.after) conds.push(sql`(${campaigns.createdAt}, ${campaigns.id}) < (${q.after.value}::timestamptz, ${q.after.id}::uuid)`);
  const rows = await db
    .select()
    .from(campaigns)
    .where(sql.join(conds, sql` and `))
    .orderBy(sql`${campaigns.createdAt} desc, ${campaigns.id} desc`)
    .limit(q.limit);
  return rows.map((r) => ({ ...r, sortValue: r.createdAt.toISOString() }));
}

export async function countCampaigns(db: DbOrTx, status?: CampaignStatus): Promise<number> {
  const rows = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from ${campaigns} where deleted_at is null ${status ? sql`and status = ${status}` : sql``}`),
  );
  return rows[0]?.n ?? 0;
}

/** Scheduled campaigns whose start has come (locked, skipping those another process is launching). */
export async function dueScheduled(db: DbOrTx, now: Date): Promise<CampaignRow[]> {
  return db
    .select()
    .from(campaigns)
    .where(sql`${campaigns.status} = 'scheduled' and ${campaigns.startsAt} <= ${now.toISOString()}::timestamptz and ${campaigns.deletedAt} is null`)
    .for('update', { skipLocked: true });
}

/** Running campaigns whose attribution window closed. */
export async function dueEnded(db: DbOrTx, now: Date): Promise<CampaignRow[]> {
  return db
    .select()
    .from(campaigns)
    .where(sql`${campaigns.status} = 'running' and ${campaigns.endsAt} <= ${now.toISOString()}::timestamptz and ${campaigns.deletedAt} is null`)
    .for('update', { skipLocked: true });
}
