import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { t } from '../../platform/i18n/index.js';
import { recordAudit } from '../audit/index.js';
import { customerInScope } from '../customers/index.js';
import { transactionRef } from '../transactions/index.js';
import type { InteractionView } from './interactions.contract.js';
import * as repo from './interactions.repository.js';
import type { InteractionRow, InteractionWithRefs } from './interactions.repository.js';
import type { CreateInteractionInput, UpdateInteractionInput } from './interactions.types.js';
import { userInReach } from './people.js';
import type { TimelineSource } from './timeline.js';
import { interactionVoice } from './voice.js';

export function toInteractionView(r: InteractionWithRefs): InteractionView {
  return {
    id: r.id,
    customerId: r.customerId,
    channel: r.channel,
    direction: r.direction,
    occurredAt: r.occurredAt.toISOString(),
    user: r.userId ? { id: r.userId, name: r.userName ?? '' } : null,
    summary: r.summary,
    content: r.content,
    outcome: r.outcome,
    nextStep: r.nextStep,
    transactionId: r.transactionId,
    ticketId: r.ticketId,
    taskId: r.taskId,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    deletedAt: r.deletedAt?.toISOString() ?? null,
  };
}

/** The fields of an interaction the audit log keeps (the long content only as its length). */
function audited(r: InteractionRow): Record<string, unknown> {
  return {
    channel: r.channel,
    direction: r.direction,
    occurredAt: r.occurredAt.toISOString(),
    userId: r.userId,
    summary: r.summary,
    outcome: r.outcome,
    nextStep: r.nextStep,
    transactionId: r.transactionId,
  };
}

/** A linked transaction must be one of the customer's (and not deleted). */
async function checkTransaction(db: DbOrTx, customerId: string, transactionId: string | null | undefined): Promise<void> {
  if (!transactionId) return;
  const tx = await transactionRef(db, transactionId);
  if (!tx || tx.deletedAt || tx.customerId !== customerId) throw AppError.field('transactionId', 'interactions.transaction_not_found');
}

/** Who the interaction is recorded for: the caller, or a user within the caller's data scope. */
async function checkUser(db: DbOrTx, actor: Actor, userId: string | undefined): Promise<string | null> {
  if (!userId || userId === actor.userId) return actor.userId;
  if (!(await userInReach(db, actor, userId))) throw AppError.field('userId', 'interactions.user_out_of_scope');
  return userId;
}

/**
 * Logs an interaction on a customer (in scope, not deleted); audited on the customer. Also used by completing a
 * task, inside the same transaction.
 */
export async function logInteraction(
  db: DbOrTx,
  actor: Actor | null,
  customerId: string,
  input: CreateInteractionInput,
): Promise<InteractionView> {
  requireAccess(actor, 'customer:write');
  await customerInScope(db, actor, customerId, { forWrite: true });
  const userId = await checkUser(db, actor, input.userId);
  await checkTransaction(db, customerId, input.transactionId);
  const row = await repo.insertInteraction(db, {
    customerId,
    channel: input.channel,
    direction: input.direction,
    occurredAt: input.occurredAt ?? new Date(),
    userId,
    summary: input.summary,
    content: input.content ?? null,
    outcome: input.outcome ?? null,
    nextStep: input.nextStep ?? null,
    transactionId: input.transactionId ?? null,
    createdBy: actor.userId,
  });
  await recordAudit(db, actor, {
    action: 'interaction_create',
    entityType: 'customer',
    entityId: customerId,
    changes: { interactionId: row.id, ...audited(row) },
  });
  if (input.asFeedback) {
    await interactionVoice(db, { interactionId: row.id, customerId, text: row.content?.trim() || row.summary, occurredAt: row.occurredAt, userId: row.userId });
  }
  return toInteractionView((await repo.findInteraction(db, row.id))!);
}

export async function listInteractions(
  db: DbOrTx,
  actor: Actor | null,
  customerId: string,
  q: { cursor?: string; limit: number; channel?: InteractionRow['channel']; deleted: 'exclude' | 'only' },
): Promise<{ items: InteractionView[]; nextCursor: string | null }> {
  requireAccess(actor, 'customer:read');
  const before = q.cursor ? decodeCursor(q.cursor, 'timestamp') : undefined;
  await customerInScope(db, actor, customerId);
  const rows = await repo.listForCustomer(db, customerId, { channel: q.channel, deleted: q.deleted, before, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toInteractionView),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.sortAt, last.id) : null,
  };
}

/** An interaction whose customer the actor may write to; otherwise "not found". */
async function loadForWrite(db: DbOrTx, actor: Actor, id: string): Promise<InteractionWithRefs> {
  const row = await repo.findInteraction(db, id);
  if (!row) throw AppError.notFound('interactions.not_found');
  await customerInScope(db, actor, row.customerId, { forWrite: true }).catch(() => {
    throw AppError.notFound('interactions.not_found');
  });
  return row;
}

/** Corrects an interaction (only a live one); the audit entry holds each changed field's before and after. */
export async function updateInteraction(db: DbOrTx, actor: Actor | null, id: string, input: UpdateInteractionInput): Promise<InteractionView> {
  requireAccess(actor, 'customer:write');
  const row = await loadForWrite(db, actor, id);
  if (row.deletedAt) throw AppError.notFound('interactions.not_found');
  if (input.version !== undefined && input.version !== row.version) {
    throw AppError.conflict('interactions.stale', { current: row.version, given: input.version }, 'version');
  }
  const { version: _version, ...fields } = input;
  const values: Partial<repo.InteractionInsert> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) (values as Record<string, unknown>)[k] = v;
  if (fields.userId !== undefined && fields.userId !== row.userId) values.userId = await checkUser(db, actor, fields.userId);
  if (fields.transactionId !== undefined && fields.transactionId !== row.transactionId) await checkTransaction(db, row.customerId, fields.transactionId);
  const before = audited(row);
  const updated = await repo.updateInteraction(db, id, values, row.version);
  if (!updated) throw AppError.conflict('interactions.stale', { current: row.version + 1, given: row.version }, 'version');
  const changes: Record<string, [unknown, unknown]> = {};
  const now = audited(updated);
  for (const k of Object.keys(now)) if (JSON.stringify(before[k]) !== JSON.stringify(now[k])) changes[k] = [before[k], now[k]];
  if ((row.content ?? null) !== (updated.content ?? null)) changes.content = [row.content, updated.content];
  if (Object.keys(changes).length) {
    await recordAudit(db, actor, { action: 'interaction_update', entityType: 'customer', entityId: row.customerId, changes: { interactionId: id, ...changes } });
  }
  return toInteractionView((await repo.findInteraction(db, id))!);
}

/** Soft delete (restorable); audited on the customer. */
export async function deleteInteraction(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'customer:write');
  const row = await loadForWrite(db, actor, id);
  if (row.deletedAt) return;
  await repo.setDeleted(db, id, true);
  await recordAudit(db, actor, {
    action: 'interaction_delete',
    entityType: 'customer',
    entityId: row.customerId,
    changes: { interactionId: id, channel: row.channel, summary: row.summary },
  });
}

export async function restoreInteraction(db: DbOrTx, actor: Actor | null, id: string): Promise<InteractionView> {
  requireAccess(actor, 'customer:write');
  const row = await loadForWrite(db, actor, id);
  if (!row.deletedAt) throw AppError.conflict('interactions.not_deleted');
  await repo.setDeleted(db, id, false);
  await recordAudit(db, actor, {
    action: 'interaction_restore',
    entityType: 'customer',
    entityId: row.customerId,
    changes: { interactionId: id, channel: row.channel, summary: row.summary },
  });
  return toInteractionView((await repo.findInteraction(db, id))!);
}

/** Interactions on the customer timeline: "电话 · 呼出" and the one-sentence summary. */
export const interactionTimelineSource: TimelineSource = {
  kind: 'interaction',
  async events(db, q) {
    const rows = await repo.listForCustomer(db, q.customerId, {
      deleted: 'exclude',
      before: q.before ? { value: q.before.at, id: q.before.id } : undefined,
      limit: q.limit,
    });
    return rows.map((r) => ({
      kind: 'interaction',
      id: r.id,
      at: r.occurredAt.toISOString(),
      sortAt: r.sortAt,
      title: t(q.locale, 'interactions.title', {
        channel: t(q.locale, `interactions.channel.${r.channel}`),
        direction: t(q.locale, `interactions.direction.${r.direction}`),
      }),
      summary: r.summary,
      actor: r.userId ? { id: r.userId, name: r.userName ?? '' } : null,
      data: toInteractionView(r),
    }));
  },
};
