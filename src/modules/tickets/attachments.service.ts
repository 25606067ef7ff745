/**
 * Image attachments of tickets: JPEG, PNG, WebP and GIF recognised by their first bytes (the declared type is not
 * trusted), at most ATTACHMENT_MAX_BYTES each (refused from Content-Length before anything is read, and counted while
 * reading), ATTACHMENTS_PER_TICKET per ticket. Bytes live in DATA_DIR/attachments/<id>.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { requireAccess, systemActor, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import { getTicket } from './tickets.service.js';
import { ATTACHMENT_MAX_BYTES, ATTACHMENTS_PER_TICKET, type TicketAttachmentView } from './tickets.contract.js';
import * as repo from './tickets.repository.js';
import type { TicketsRuntime } from './tickets.types.js';

export type Upload = { body: Readable; contentLength: number | null; fileName: string | null };

const tooLarge = () =>
  new AppError('payload_too_large', 'tickets.attachment_too_large', { limit: ATTACHMENT_MAX_BYTES, mb: ATTACHMENT_MAX_BYTES / 1024 / 1024 }, [
    { field: 'file', key: 'tickets.attachment_too_large', params: { limit: ATTACHMENT_MAX_BYTES, mb: ATTACHMENT_MAX_BYTES / 1024 / 1024 } },
  ]);

/** Reads the body, refusing it as soon as it passes the limit (a declared length over it is refused unread). */
export async function readLimited(up: Upload): Promise<Buffer> {
  if (up.contentLength !== null && up.contentLength > ATTACHMENT_MAX_BYTES) {
    up.body.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of up.body) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > ATTACHMENT_MAX_BYTES) {
      up.body.resume();
      throw tooLarge();
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** The image type from the file's first bytes, or null. */
export function sniffImage(b: Buffer): 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif' | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 6 && ['GIF87a', 'GIF89a'].includes(b.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (b.length >= 12 && b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}

const EXT = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif' } as const;

function safeName(given: string | null, type: keyof typeof EXT): string {
  const base = [...(given ?? '')]
    .map((ch) => (ch.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(ch) ? '_' : ch))
    .join('')
    .slice(0, 100)
    .trim();
  return base || `image.${EXT[type]}`;
}

const fileOf = (dataDir: string, id: string) => path.join(dataDir, 'attachments', id);

async function store(db: DbOrTx, dataDir: string, ticketId: string, bytes: Buffer, fileName: string | null, uploadedBy: string | null): Promise<{ row: repo.AttachmentRow; file: string }> {
  if (!bytes.length) throw AppError.field('file', 'tickets.attachment_empty');
  const type = sniffImage(bytes);
  if (!type) throw AppError.field('file', 'tickets.attachment_type', {}, 'unsupported_media_type');
  const tk = await repo.findTicket(db, ticketId, true);
  if (!tk) throw AppError.notFound('tickets.not_found');
  if (tk.ticket.status === 'closed') throw AppError.conflict('tickets.not_open');
  if ((await repo.attachmentsOf(db, ticketId)).length >= ATTACHMENTS_PER_TICKET) throw AppError.field('file', 'tickets.attachment_limit', { max: ATTACHMENTS_PER_TICKET }, 'conflict');
  const id = randomUUID();
  const file = fileOf(dataDir, id);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, bytes);
  try {
    const row = await repo.insertAttachment(db, {
      id,
      ticketId,
      fileName: safeName(fileName, type),
      contentType: type,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      uploadedBy,
    });
    await repo.insertEvent(db, { ticketId, kind: 'attachment', body: null, data: { attachmentId: id, fileName: row.fileName }, actorId: uploadedBy });
    return { row, file };
  } catch (err) {
    await rm(file, { force: true });
    throw err;
  }
}

const view = (a: repo.AttachmentRow): TicketAttachmentView => ({ id: a.id, fileName: a.fileName, contentType: a.contentType, size: a.size, createdAt: a.createdAt.toISOString() });

export async function uploadAttachment(db: DbOrTx, actor: Actor | null, dataDir: string, ticketId: string, bytes: Buffer, fileName: string | null, rt: TicketsRuntime): Promise<TicketAttachmentView> {
  requireAccess(actor, 'ticket:write');
  await getTicket(db, actor, ticketId, rt); // visibility (404 outside it)
  const { row } = await store(db, dataDir, ticketId, bytes, fileName, actor.userId);
  await recordAudit(db, actor, { action: 'ticket_attachment', entityType: 'ticket', entityId: ticketId, changes: { attachmentId: row.id, fileName: row.fileName, size: row.size } });
  return view(row);
}

export async function uploadPublicAttachment(db: DbOrTx, dataDir: string, token: string, bytes: Buffer, fileName: string | null, ip: string | null): Promise<TicketAttachmentView> {
  const tk = await repo.findByToken(db, token);
  if (!tk) throw AppError.notFound('tickets.link_invalid');
  const { row } = await store(db, dataDir, tk.ticket.id, bytes, fileName, null);
  await recordAudit(db, { ...systemActor('system'), displayName: 'public', ip }, { action: 'ticket_attachment', entityType: 'ticket', entityId: tk.ticket.id, changes: { attachmentId: row.id, fileName: row.fileName, size: row.size } });
  return view(row);
}

export type AttachmentFile = { bytes: Buffer; contentType: string; fileName: string };

async function readStored(dataDir: string, a: repo.AttachmentRow): Promise<AttachmentFile> {
  const bytes = await readFile(fileOf(dataDir, a.id)).catch(() => {
    throw AppError.notFound('tickets.attachment_not_found');
  });
  return { bytes, contentType: a.contentType, fileName: a.fileName };
}

export async function readAttachment(db: DbOrTx, actor: Actor | null, dataDir: string, ticketId: string, attachmentId: string, rt: TicketsRuntime): Promise<AttachmentFile> {
  requireAccess(actor, 'ticket:read');
  await getTicket(db, actor, ticketId, rt);
  const a = await repo.findAttachment(db, ticketId, attachmentId);
  if (!a) throw AppError.notFound('tickets.attachment_not_found');
  return readStored(dataDir, a);
}

export async function readPublicAttachment(db: DbOrTx, dataDir: string, token: string, attachmentId: string): Promise<AttachmentFile> {
  const tk = await repo.findByToken(db, token);
  const a = tk ? await repo.findAttachment(db, tk.ticket.id, attachmentId) : undefined;
  if (!a) throw AppError.notFound('tickets.attachment_not_found');
  return readStored(dataDir, a);
}
