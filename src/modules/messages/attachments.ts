/**
 * Files an email carries, made when it is sent rather than stored in the outbox: a module registers a provider for the
 * `source_kind` of the messages it writes (reports: the scheduled report's PDF or workbook, made again from the
 * delivery's period). A retry makes them again from the same data.
 */
import type { DbOrTx } from '../../platform/db/client.js';

export type MessageAttachment = { filename: string; content: Buffer; contentType: string };
export type AttachmentProvider = (db: DbOrTx, sourceId: string) => Promise<MessageAttachment[]>;

const providers = new Map<string, AttachmentProvider>();

/**
 * Registers (or replaces: each app built in a process registers its own, and a provider works only through the
 * database it is given) the provider of a source kind's attachments.
 */
export function registerMessageAttachments(sourceKind: string, provider: AttachmentProvider): void {
  providers.set(sourceKind, provider);
}

export async function attachmentsOf(db: DbOrTx, m: { sourceKind: string | null; sourceId: string | null }): Promise<MessageAttachment[]> {
  const provider = m.sourceKind ? providers.get(m.sourceKind) : undefined;
  return provider && m.sourceId ? provider(db, m.sourceId) : [];
}
