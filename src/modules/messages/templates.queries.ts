/** What other modules may ask about message templates (through index.ts), without naming the table. */
import { and, inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { MessageChannel } from './messages.contract.js';
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

/** Name, channel and whether archived, of the given templates (for modules that pick templates: campaigns). */
export async function templateChannels(db: DbOrTx, ids: readonly string[]): Promise<Map<string, { name: string; channel: MessageChannel; archived: boolean }>> {
  if (!ids.length) return new Map();
  const rows = await db
    .select({ id: messageTemplates.id, name: messageTemplates.name, channel: messageTemplates.channel, archivedAt: messageTemplates.archivedAt })
    .from(messageTemplates)
    .where(inArray(messageTemplates.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, { name: r.name, channel: r.channel, archived: !!r.archivedAt }]));
}
