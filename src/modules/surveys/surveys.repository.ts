/** Queries of the surveys module: surveys with their current version and counts, the list, versions, responses. */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { userDirectory, userNames } from '../accounts/index.js';
import type { SurveyDefinition } from './definition.js';
import type { SurveyKind, SurveySettings, SurveyStatus, SurveyTemplateKey } from './surveys.contract.js';
import { surveyInvitations, surveyResponses, surveys, surveyVersions } from './schema.js';

export type SurveyRow = typeof surveys.$inferSelect;
export type VersionRow = typeof surveyVersions.$inferSelect;
export type ResponseRow = typeof surveyResponses.$inferSelect;

/** A survey with its current definition and number, the names of its owner and creator, and its response counts. */
export type SurveyFull = SurveyRow & {
  definition: SurveyDefinition;
  definitionVersion: number;
  ownerName: string | null;
  createdByName: string | null;
  responseCount: number;
  partialCount: number;
} & InvitationTotals;

/** Invitations not withdrawn, and those answered (every version): the response rate of the list and the view. */
export type InvitationTotals = { invitedCount: number; respondedCount: number };

export type SurveyListRow = SurveyRow & { definitionVersion: number; ownerName: string | null; responseCount: number; sortValue: string } & InvitationTotals;

/** The InvitationTotals of the survey `s` of a query, in one pass over its invitations: join it, select `it.*`. */
const invitationTotals = sql`left join lateral (
    select count(*) filter (where i.status <> 'withdrawn')::int as invited_count, count(*) filter (where i.status = 'responded')::int as responded_count
      from ${surveyInvitations} i where i.survey_id = s.id) it on true`;
const totalsOf = (r: { invited_count: number; responded_count: number }): InvitationTotals => ({ invitedCount: Number(r.invited_count ?? 0), respondedCount: Number(r.responded_count ?? 0) });

export type SurveyFilter = { status?: SurveyStatus; kind?: SurveyKind; q?: string; deleted: 'exclude' | 'only' };

/** Counts of a survey's responses by status (every version). */
async function responseCounts(db: DbOrTx, surveyId: string): Promise<{ complete: number; partial: number }> {
  const rows = rowsOf<{ complete: number; partial: number }>(
    await db.execute(sql`select count(*) filter (where status = 'complete')::int as complete, count(*) filter (where status = 'partial')::int as partial
      from ${surveyResponses} where survey_id = ${surveyId}`),
  );
  return { complete: Number(rows[0]?.complete ?? 0), partial: Number(rows[0]?.partial ?? 0) };
}


export async function userExists(db: DbOrTx, id: string): Promise<boolean> {
  return rowsOf(await db.execute(sql`select 1 from ${userDirectory} where id = ${id}`)).length > 0;
}

/** A survey, deleted or not (the caller decides), with what its view shows. `lock` takes the row `for update`. */
export async function findSurvey(db: DbOrTx, id: string, opts: { lock?: boolean } = {}): Promise<SurveyFull | undefined> {
  const query = db.select().from(surveys).where(sql`${surveys.id} = ${id}`);
  const [row] = opts.lock ? await query.for('update') : await query;
  if (!row) return undefined;
  const [current] = row.currentVersionId ? await db.select().from(surveyVersions).where(sql`${surveyVersions.id} = ${row.currentVersionId}`) : [];
  const names = await userNames(db, [row.ownerId, row.createdBy]);
  const counts = await responseCounts(db, id);
  const [totals] = rowsOf<{ invited_count: number; responded_count: number }>(await db.execute(sql`select it.invited_count, it.responded_count from ${surveys} s ${invitationTotals} where s.id = ${id}`));
  return {
    ...totalsOf(totals!),
    ...row,
    definition: current?.definition as SurveyDefinition,
    definitionVersion: current?.version ?? 0,
    ownerName: row.ownerId ? (names.get(row.ownerId) ?? null) : null,
    createdByName: row.createdBy ? (names.get(row.createdBy) ?? null) : null,
    responseCount: counts.complete,
    partialCount: counts.partial,
  };
}

function listConditions(f: SurveyFilter): SQL[] {
  const conds: SQL[] = [f.deleted === 'only' ? sql`s.deleted_at is not null` : sql`s.deleted_at is null`];
  if (f.status) conds.push(sql`s.status = ${f.status}`);
  if (f.kind) conds.push(sql`s.kind = ${f.kind}`);
  if (f.q) conds.push(sql`s.name ilike ${`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  return conds;
}

/** Newest first, keyset on (created_at, id). */
export async function listSurveys(db: DbOrTx, f: SurveyFilter & { after?: { value: string; id: string }; limit: number }): Promise<SurveyListRow[]> {
  const conds = listConditions(f);
  if (f.after) conds.push(sql`(s.created_at, s.id) < (${f.after.value}::timestamptz, ${f.after.id}::uuid)`);
  const rows = rowsOf<{ id: string; version_no: number; response_count: number; sort_value: string; invited_count: number; responded_count: number }>(
    await db.execute(sql`
      select s.id, v.version as version_no, s.created_at::text as sort_value,
        (select count(*)::int from ${surveyResponses} r where r.survey_id = s.id and r.status = 'complete') as response_count, it.invited_count, it.responded_count
      from ${surveys} s left join ${surveyVersions} v on v.id = s.current_version_id ${invitationTotals}
      where ${sql.join(conds, sql` and `)}
      order by s.created_at desc, s.id desc
      limit ${f.limit}`),
  );
  if (!rows.length) return [];
  const full = await db
    .select()
    .from(surveys)
    .where(sql`${surveys.id} in (${sql.join(rows.map((r) => sql`${r.id}::uuid`), sql`, `)})`);
  const byId = new Map(full.map((r) => [r.id, r]));
  const names = await userNames(db, full.map((r) => r.ownerId));
  return rows.map((r) => {
    const s = byId.get(r.id)!;
    return {
      ...s,
      definitionVersion: Number(r.version_no ?? 0),
      responseCount: Number(r.response_count),
      ...totalsOf(r),
      ownerName: s.ownerId ? (names.get(s.ownerId) ?? null) : null,
      sortValue: r.sort_value,
    };
  });
}

export async function countSurveys(db: DbOrTx, f: SurveyFilter): Promise<number> {
  const rows = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${surveys} s where ${sql.join(listConditions(f), sql` and `)}`));
  return Number(rows[0]?.n ?? 0);
}

export async function insertSurvey(
  db: DbOrTx,
  values: { name: string; kind: SurveyKind; templateKey: SurveyTemplateKey | null; settings: SurveySettings; ownerId: string | null; createdBy: string | null },
): Promise<string> {
  const [row] = await db.insert(surveys).values(values).returning({ id: surveys.id });
  return row!.id;
}

export async function insertVersion(db: DbOrTx, values: { surveyId: string; version: number; definition: SurveyDefinition; createdBy: string | null }): Promise<string> {
  const [row] = await db.insert(surveyVersions).values(values).returning({ id: surveyVersions.id });
  return row!.id;
}

/** Points a new survey at its first version (inside the creating transaction; the row version stays 1). */
export async function setCurrentVersion(db: DbOrTx, id: string, versionId: string): Promise<void> {
  await db.update(surveys).set({ currentVersionId: versionId }).where(sql`${surveys.id} = ${id}`);
}

/** Changes the survey row (and raises its row version). */
export async function updateSurvey(db: DbOrTx, id: string, values: Partial<Pick<SurveyRow, 'name' | 'settings' | 'ownerId' | 'status' | 'currentVersionId' | 'deletedAt'>>): Promise<void> {
  await db
    .update(surveys)
    .set({ ...values, version: sql`${surveys.version} + 1`, updatedAt: new Date() })
    .where(sql`${surveys.id} = ${id}`);
}

/**
 * The version row, locked `for update`: a response being inserted against it holds `for key share` (its foreign
 * key) until it commits, so counting its responses after this lock sees every response that will exist.
 */
export async function lockVersion(db: DbOrTx, versionId: string): Promise<VersionRow | undefined> {
  const [row] = await db.select().from(surveyVersions).where(sql`${surveyVersions.id} = ${versionId}`).for('update');
  return row;
}

export async function versionHasResponses(db: DbOrTx, versionId: string): Promise<boolean> {
  return rowsOf(await db.execute(sql`select 1 from ${surveyResponses} where version_id = ${versionId} limit 1`)).length > 0;
}

export async function replaceDefinition(db: DbOrTx, versionId: string, definition: SurveyDefinition): Promise<void> {
  await db.update(surveyVersions).set({ definition }).where(sql`${surveyVersions.id} = ${versionId}`);
}

export async function versionsOf(db: DbOrTx, surveyId: string): Promise<(VersionRow & { responseCount: number; createdByName: string | null })[]> {
  const rows = await db.select().from(surveyVersions).where(sql`${surveyVersions.surveyId} = ${surveyId}`).orderBy(sql`${surveyVersions.version} desc`);
  const counts = rowsOf<{ version_id: string; n: number }>(
    await db.execute(sql`select version_id, count(*)::int as n from ${surveyResponses} where survey_id = ${surveyId} group by version_id`),
  );
  const byVersion = new Map(counts.map((c) => [c.version_id, Number(c.n)]));
  const names = await userNames(db, rows.map((r) => r.createdBy));
  return rows.map((r) => ({ ...r, responseCount: byVersion.get(r.id) ?? 0, createdByName: r.createdBy ? (names.get(r.createdBy) ?? null) : null }));
}

/** Stores a response (the public page, and tests). One per invitation: a second insert for it is a unique violation. */
export async function insertResponse(db: DbOrTx, values: typeof surveyResponses.$inferInsert): Promise<ResponseRow> {
  const [row] = await db.insert(surveyResponses).values(values).returning();
  return row!;
}
