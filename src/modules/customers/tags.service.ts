import { can, requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import { customerAccess } from './access.js';
import * as repo from './tags.repository.js';

/** How many affected customer ids a tag operation's audit entry keeps (enough to undo ordinary operations). */
const AUDIT_IDS = 10_000;

export async function listTags(db: DbOrTx, actor: Actor | null) {
  requireAccess(actor, 'customer:read');
  return repo.listTags(db, customerAccess.scope(actor));
}

export async function describeTag(db: DbOrTx, actor: Actor | null, name: string, input: { color?: string | null; description?: string | null }) {
  requireAccess(actor, 'tag:manage');
  const before = await repo.findTag(db, name);
  await repo.upsertTag(db, name, input);
  // An explicit null clears a value; an absent one keeps it.
  const color = input.color !== undefined ? input.color : (before?.color ?? null);
  const description = input.description !== undefined ? input.description : (before?.description ?? null);
  await recordAudit(db, actor, {
    action: before ? 'update' : 'create',
    entityType: 'tag',
    entityId: name,
    changes: { color: [before?.color ?? null, color], description: [before?.description ?? null, description] },
  });
  return { name, color, description };
}

/**
 * Renames or merges tags on every customer (whatever the actor's data scope: tags are shared vocabulary, so this is
 * for tag managers). Merging into an existing tag collapses duplicates. Audited with the affected customers.
 */
export async function mergeTags(db: DbOrTx, actor: Actor | null, input: { from: string[]; into: string }) {
  requireAccess(actor, 'tag:manage');
  const sources = [...new Set(input.from)].filter((f) => f !== input.into);
  if (!sources.length) throw AppError.field('from', 'tags.same_name');
  const affected = new Set<string>();
  for (const from of sources) {
    for (const id of await repo.replaceTag(db, from, input.into)) affected.add(id);
    const reg = await repo.findTag(db, from);
    if (reg) {
      if (!(await repo.findTag(db, input.into))) await repo.upsertTag(db, input.into, { color: reg.color, description: reg.description });
      await repo.deleteTagRow(db, from);
    }
  }
  const ids = [...affected];
  await recordAudit(db, actor, {
    action: sources.length > 1 ? 'merge' : 'rename',
    entityType: 'tag',
    entityId: input.into,
    changes: { from: sources, into: input.into, customers: ids.length, customerIds: ids.slice(0, AUDIT_IDS) },
  });
  return { into: input.into, customers: ids.length };
}

export async function deleteTag(db: DbOrTx, actor: Actor | null, name: string) {
  requireAccess(actor, 'tag:manage');
  const ids = await repo.replaceTag(db, name, null);
  await repo.deleteTagRow(db, name);
  await recordAudit(db, actor, {
    action: 'delete',
    entityType: 'tag',
    entityId: name,
    changes: { customers: ids.length, customerIds: ids.slice(0, AUDIT_IDS) },
  });
  return { customers: ids.length };
}

/**
 * Adds and removes tags on selected customers (the list's bulk action). Only customers within the actor's scope are
 * touched; the others are reported as not found. Each change is in that customer's history.
 */
export async function bulkTag(db: DbOrTx, actor: Actor | null, input: { ids: string[]; add: string[]; remove: string[] }) {
  requireAccess(actor);
  if (!can(actor, 'customer:write') && !can(actor, 'tag:manage')) throw AppError.forbidden();
  if (!input.add.length && !input.remove.length) throw AppError.field('add', 'tags.nothing_to_do');
  const ids = [...new Set(input.ids)];
  const rows = await repo.tagsOf(db, ids, customerAccess.scope(actor));
  const found = new Set(rows.map((r) => r.id));
  let changed = 0;
  for (const row of rows) {
    const next = [...row.tags.filter((t) => !input.remove.includes(t))];
    for (const t of input.add) if (!next.includes(t) && !input.remove.includes(t)) next.push(t);
    if (next.length > 50) throw AppError.field('add', 'validation.too_many', { field: 'tags', max: 50 });
    if (JSON.stringify(next) === JSON.stringify(row.tags)) continue;
    await repo.setTags(db, row.id, next);
    await recordAudit(db, actor, { action: 'update', entityType: 'customer', entityId: row.id, changes: { tags: [row.tags, next] } });
    changed++;
  }
  return { matched: rows.length, changed, notFound: ids.filter((id) => !found.has(id)) };
}
