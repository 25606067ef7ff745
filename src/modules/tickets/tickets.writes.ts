/**
 * Shared by the tickets use cases that write: the timeline entry, the audit entry, the optimistic save, the assignee
 * check, and the actor that stands for the public (follow link, form).
 */
import { systemActor, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import type { TicketEventKind } from './tickets.contract.js';
import * as repo from './tickets.repository.js';
import type { TicketRow } from './tickets.repository.js';

/** A timeline entry of the ticket (same transaction). */
export async function event(db: DbOrTx, ticketId: string, kind: TicketEventKind, actor: Actor | null, body: string | null = null, data: Record<string, unknown> = {}, at?: Date) {
  await repo.insertEvent(db, { ticketId, kind, body, data, actorId: actor?.userId ?? null, ...(at ? { createdAt: at } : {}) });
}

export async function audit(db: DbOrTx, actor: Actor, action: string, tk: { id: string; number: number; customerId: string | null }, changes: Record<string, unknown> = {}) {
  await recordAudit(db, actor, { action, entityType: 'ticket', entityId: tk.id, changes: { number: tk.number, customerId: tk.customerId, ...changes } });
}

export const stale = (current: number, given: number) => AppError.conflict('tickets.stale', { current, given }, 'version');

/** Saves the ticket while its version is still the one read (bumps it); a concurrent change is a 409. */
export async function save(db: DbOrTx, tk: TicketRow, values: Partial<repo.TicketInsert>): Promise<TicketRow> {
  const row = await repo.updateTicket(db, tk.id, tk.version, values);
  if (!row) throw stale(tk.version + 1, tk.version);
  return row;
}

/** Someone who can handle tickets: an active user. */
export async function checkAssignee(db: DbOrTx, id: string): Promise<{ id: string; teamId: string | null }> {
  const u = await repo.activeUser(db, id);
  if (!u) throw AppError.field('assigneeId', 'tickets.assignee_invalid');
  return u;
}

export const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** Who the audit names for the public form and the follow link: the public, from this address. */
export const publicActor = (ip: string | null): Actor => ({ ...systemActor('system'), displayName: 'public', ip });
