/** What the API returns for a ticket: the queue's summary and the ticket page's detail (with its SLA clock). */
import type { Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { maskPhone } from '../../platform/phone.js';
import { customerAccess } from '../customers/index.js';
import { slaClocks, type SlaClockView } from './sla/index.js';
import type { TicketAttachmentView, TicketDetail, TicketSummary } from './tickets.contract.js';
import * as repo from './tickets.repository.js';
import type { TicketWithRefs } from './tickets.repository.js';
import type { TicketsRuntime } from './tickets.types.js';

/** The follow link of a ticket (the public page), relative to the public base URL. */
export const followPath = (token: string) => `/s/t/${token}`;

export const iso = (d: Date | null) => d?.toISOString() ?? null;

export const attachmentView = (a: repo.AttachmentRow): TicketAttachmentView => ({
  id: a.id,
  fileName: a.fileName,
  contentType: a.contentType,
  size: a.size,
  createdAt: a.createdAt.toISOString(),
});

/** The customer's name shows only to those who reach the customer. */
export function summaryOf(actor: Actor, r: TicketWithRefs, sla: SlaClockView | undefined): TicketSummary {
  const tk = r.ticket;
  const reachable = tk.customerId && customerAccess.reaches(actor, { ownerId: r.customerOwnerId, teamId: r.customerTeamId });
  return {
    id: tk.id,
    number: tk.number,
    title: tk.title,
    status: tk.status,
    type: tk.type,
    priority: tk.priority,
    severity: tk.severity,
    source: tk.source,
    categoryId: tk.categoryId,
    category: tk.category,
    customer: tk.customerId ? { id: tk.customerId, name: reachable ? (r.customerName ?? '') : '' } : null,
    contactName: tk.contactName,
    assignee: tk.assigneeId ? { id: tk.assigneeId, name: r.assigneeName ?? '' } : null,
    teamId: tk.teamId,
    tags: tk.tags,
    reopenCount: tk.reopenCount,
    rating: tk.rating,
    createdAt: tk.createdAt.toISOString(),
    updatedAt: tk.updatedAt.toISOString(),
    sla: sla ?? null,
  };
}

export async function detailOf(db: DbOrTx, actor: Actor, r: TicketWithRefs, rt: TicketsRuntime): Promise<TicketDetail> {
  const tk = r.ticket;
  const clocks = await slaClocks(db, [tk.id], rt.now());
  const events = await repo.eventsOf(db, tk.id);
  const attachments = await repo.attachmentsOf(db, tk.id);
  return {
    ...summaryOf(actor, r, clocks.get(tk.id)),
    description: tk.description,
    // Masked like every phone number; customer:pii holders reveal it (audited).
    contactPhone: tk.contactPhone ? maskPhone(tk.contactPhone) : null,
    contactAddress: tk.contactAddress,
    transactionId: tk.transactionId,
    mergedIntoId: tk.mergedIntoId,
    rootCauseId: tk.rootCauseId,
    rootCause: (actor.locale === 'en' ? r.rootCauseEn : r.rootCauseZh) ?? null,
    solution: tk.solution,
    outcomeToldAt: iso(tk.outcomeToldAt),
    resolvedAt: iso(tk.resolvedAt),
    closedAt: iso(tk.closedAt),
    ratingComment: tk.ratingComment,
    ratedAt: iso(tk.ratedAt),
    returnVisitTaskId: tk.returnVisitTaskId,
    publicUrl: followPath(tk.publicToken),
    version: tk.version,
    attachments: attachments.map(attachmentView),
    events: events.map((e) => ({
      id: e.event.id,
      kind: e.event.kind,
      body: e.event.body,
      data: e.event.data,
      actor: e.event.actorId ? { id: e.event.actorId, name: e.actorName ?? '' } : null,
      at: e.event.createdAt.toISOString(),
    })),
  };
}

/** The ticket as it is after a write (read again in the same transaction). */
export const reload = async (db: DbOrTx, actor: Actor, id: string, rt: TicketsRuntime) => detailOf(db, actor, (await repo.findTicket(db, id))!, rt);
