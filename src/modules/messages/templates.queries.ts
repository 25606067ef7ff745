/** What other modules may ask about message templates (through index.ts), without naming the table. */
import { and, inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { messageTemplates } from './schema.js';

/** Which of the given template ids name a live (not archived) template. */
export async function activeTemplateIds(db: DbOrTx, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .select({ id: messageTemplates.id })
    .from(messageTemplates)
    .where(and(inArray(messageTemplates.id, [...new Set(ids)]), isNull(messageTemplates.archivedAt)));
  return new Set(rows.map((r) => r.id));
}
