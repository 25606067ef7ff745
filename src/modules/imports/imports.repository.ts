import { and, desc, eq, gt, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { ImportKind } from './imports.contract.js';
import { importJobs, importRejects, importTemplates } from './schema.js';

export type ImportJobRow = typeof importJobs.$inferSelect;
export type ImportRejectRow = typeof importRejects.$inferSelect;
export type ImportTemplateRow = typeof importTemplates.$inferSelect;

export async function insertJob(db: DbOrTx, values: typeof importJobs.$inferInsert): Promise<ImportJobRow> {
  const [row] = await db.insert(importJobs).values(values).returning();
  return row!;
}

export async function findJob(db: DbOrTx, id: string): Promise<ImportJobRow | undefined> {
  const [row] = await db.select().from(importJobs).where(eq(importJobs.id, id));
  return row;
}

export async function updateJob(db: DbOrTx, id: string, values: Partial<typeof importJobs.$inferInsert>): Promise<ImportJobRow | undefined> {
  const [row] = await db.update(importJobs).set(values).where(eq(importJobs.id, id)).returning();
  return row;
}

/** A pending job (not started) cancelled; false when it is no longer pending. */
export async function cancelPending(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db
    .update(importJobs)
    .set({ status: 'cancelled', finishedAt: new Date() })
    .where(and(eq(importJobs.id, id), eq(importJobs.status, 'pending')))
    .returning({ id: importJobs.id });
  return rows.length > 0;
}

export async function listJobs(db: DbOrTx, opts: { createdBy?: string | null; limit: number }): Promise<ImportJobRow[]> {
  return db
    .select()
    .from(importJobs)
    .where(opts.createdBy ? eq(importJobs.createdBy, opts.createdBy) : undefined)
    .orderBy(desc(importJobs.createdAt))
    .limit(opts.limit);
}

export async function findResumable(db: DbOrTx, kind: ImportKind, fileHash: string): Promise<ImportJobRow | undefined> {
  const [row] = await db
    .select()
    .from(importJobs)
    .where(
      and(eq(importJobs.kind, kind), eq(importJobs.fileHash, fileHash), inArray(importJobs.status, ['queued', 'running']), eq(importJobs.cancelRequested, false)),
    )
    .orderBy(desc(importJobs.createdAt))
    .limit(1);
  return row;
}

/** Records refused rows; a row already recorded (a batch replayed) is left as it is. */
export async function insertRejects(db: DbOrTx, rows: (typeof importRejects.$inferInsert)[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await db.insert(importRejects).values(rows.slice(i, i + 1000)).onConflictDoNothing();
  }
}

export async function listRejects(db: DbOrTx, jobId: string, afterRow: number, limit: number): Promise<ImportRejectRow[]> {
  return db
    .select()
    .from(importRejects)
    .where(and(eq(importRejects.jobId, jobId), gt(importRejects.row, afterRow)))
    .orderBy(importRejects.row)
    .limit(limit);
}

export async function listTemplates(db: DbOrTx, kind?: ImportKind): Promise<ImportTemplateRow[]> {
  return db
    .select()
    .from(importTemplates)
    .where(kind ? eq(importTemplates.kind, kind) : undefined)
    .orderBy(desc(importTemplates.updatedAt));
}

export async function upsertTemplate(db: DbOrTx, values: typeof importTemplates.$inferInsert): Promise<ImportTemplateRow> {
  const [row] = await db
    .insert(importTemplates)
    .values(values)
    .onConflictDoUpdate({
      target: [importTemplates.kind, importTemplates.name],
      set: { mapping: values.mapping, options: values.options ?? {}, updatedAt: new Date() },
    })
    .returning();
  return row!;
}

export async function deleteTemplate(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db.delete(importTemplates).where(eq(importTemplates.id, id)).returning({ id: importTemplates.id });
  return rows.length > 0;
}

