/**
 * Saved views (issue #21): use cases. A user saves a view of a page only if they may read that page's records
 * (customers: customer:read, tickets: ticket:read, tasks: any signed-in user, as 我的任务), shares it only with the
 * team they belong to, and sees their own views and those shared with their team. Only the owner changes a view;
 * the owner or an admin removes (soft) and restores it.
 */
import { requireAccess, type Actor, type Permission } from '../../platform/auth/permissions.js';
import { isUniqueViolation, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import type { SavedViewItem, SavedViewList, ViewPage } from './views.contract.js';
import * as repo from './views.repository.js';
import type { CreateViewInput, UpdateViewInput, ViewListQuery } from './views.types.js';

const PAGE_PERMISSION: Record<ViewPage, Permission | null> = { customers: 'customer:read', tickets: 'ticket:read', tasks: null };

function requirePage(actor: Actor | null, page: ViewPage): asserts actor is Actor & { userId: string } {
  requireAccess(actor, PAGE_PERMISSION[page] ?? undefined);
  if (!actor.userId) throw AppError.forbidden();
}

function itemOf(r: repo.SavedViewWithNames, actor: Actor): SavedViewItem {
  const v = r.view;
  return {
    id: v.id,
    page: v.page,
    name: v.name,
    state: v.state.columns ? { query: v.state.query, columns: v.state.columns } : { query: v.state.query },
    teamId: v.teamId,
    teamName: v.teamId ? r.teamName : null,
    ownerId: v.ownerId,
    ownerName: r.ownerName ?? '',
    mine: v.ownerId === actor.userId,
    createdAt: v.createdAt.toISOString(),
    updatedAt: v.updatedAt.toISOString(),
  };
}

function checkTeam(actor: Actor, teamId: string | null | undefined): string | null {
  if (!teamId) return null;
  if (teamId !== actor.teamId) throw AppError.field('teamId', 'views.not_member', {}, 'forbidden');
  return teamId;
}

const nameTaken = (name: string) => AppError.conflict('views.name_taken', { name }, 'name');

export async function listViews(db: DbOrTx, actor: Actor | null, q: ViewListQuery): Promise<SavedViewList> {
  requirePage(actor, q.page);
  const rows = await repo.listVisible(db, q.page, actor.userId, actor.teamId, q.order);
  const items = rows.map((r) => itemOf(r, actor));
  // Personal views first, then the shared ones (each in the asked order).
  return { items: [...items.filter((i) => i.mine && !i.teamId), ...items.filter((i) => !(i.mine && !i.teamId))] };
}

/** A view the actor may see (their own, or shared with their team; an admin reaches any when `admin`); else 404. */
async function loadView(db: DbOrTx, actor: Actor, id: string, admin = false): Promise<repo.SavedViewWithNames> {
  const r = await repo.findView(db, id);
  if (!r) throw AppError.notFound();
  const v = r.view;
  const visible = v.ownerId === actor.userId || (!v.deletedAt && v.teamId !== null && v.teamId === actor.teamId) || (admin && actor.roleKey === 'admin');
  if (!visible) throw AppError.notFound();
  return r;
}

async function insertOrConflict<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(name);
    throw err;
  }
}

export async function createView(db: DbOrTx, actor: Actor | null, input: CreateViewInput): Promise<SavedViewItem> {
  requirePage(actor, input.page);
  const teamId = checkTeam(actor, input.teamId);
  if (await repo.findByName(db, actor.userId, input.page, input.name)) throw nameTaken(input.name);
  const row = await insertOrConflict(input.name, () => repo.insertView(db, { page: input.page, name: input.name, ownerId: actor.userId, teamId, state: input.state }));
  await recordAudit(db, actor, { action: 'create', entityType: 'saved_view', entityId: row.id, changes: { page: row.page, name: row.name, teamId, state: row.state } });
  return itemOf((await repo.findView(db, row.id))!, actor);
}

export async function updateView(db: DbOrTx, actor: Actor | null, id: string, input: UpdateViewInput): Promise<SavedViewItem> {
  requireAccess(actor);
  const { view } = await loadView(db, actor, id);
  requirePage(actor, view.page);
  if (view.ownerId !== actor.userId) throw AppError.forbidden('views.not_owner');
  if (view.deletedAt) throw AppError.conflict('views.deleted');
  const values: Partial<repo.SavedViewRow> = {};
  const changes: Record<string, unknown> = {};
  if (input.name !== undefined && input.name !== view.name) {
    if (await repo.findByName(db, actor.userId, view.page, input.name, id)) throw nameTaken(input.name);
    values.name = input.name;
    changes.name = { from: view.name, to: input.name };
  }
  if (input.state !== undefined) {
    values.state = input.state;
    changes.state = { from: view.state, to: input.state };
  }
  if (input.teamId !== undefined) {
    const teamId = checkTeam(actor, input.teamId);
    if (teamId !== view.teamId) {
      values.teamId = teamId;
      changes.teamId = { from: view.teamId, to: teamId };
    }
  }
  if (Object.keys(values).length) {
    await insertOrConflict(input.name ?? view.name, () => repo.updateView(db, id, values));
    await recordAudit(db, actor, { action: 'update', entityType: 'saved_view', entityId: id, changes });
  }
  return itemOf((await repo.findView(db, id))!, actor);
}

function requireOwnerOrAdmin(actor: Actor, view: repo.SavedViewRow): void {
  if (view.ownerId !== actor.userId && actor.roleKey !== 'admin') throw AppError.forbidden('views.not_owner');
}

export async function deleteView(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor);
  const { view } = await loadView(db, actor, id, true);
  requireOwnerOrAdmin(actor, view);
  if (view.deletedAt) return;
  await repo.updateView(db, id, { deletedAt: new Date() });
  await recordAudit(db, actor, { action: 'delete', entityType: 'saved_view', entityId: id, changes: { page: view.page, name: view.name } });
}

export async function restoreView(db: DbOrTx, actor: Actor | null, id: string): Promise<SavedViewItem> {
  requireAccess(actor);
  const { view } = await loadView(db, actor, id, true);
  requireOwnerOrAdmin(actor, view);
  if (!view.deletedAt) throw AppError.conflict('views.not_deleted');
  if (await repo.findByName(db, view.ownerId, view.page, view.name, id)) throw nameTaken(view.name);
  await insertOrConflict(view.name, () => repo.updateView(db, id, { deletedAt: null }));
  await recordAudit(db, actor, { action: 'restore', entityType: 'saved_view', entityId: id, changes: { page: view.page, name: view.name } });
  return itemOf((await repo.findView(db, id))!, actor);
}
