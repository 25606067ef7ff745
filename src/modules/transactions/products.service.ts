import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { isUniqueViolation, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import * as repo from './transactions.repository.js';
import type { ProductRow } from './transactions.repository.js';
import type { ProductView } from './transactions.contract.js';

const toView = (p: ProductRow): ProductView => ({
  id: p.id,
  code: p.code,
  name: p.name,
  category: p.category,
  priceFen: p.priceFen,
  unit: p.unit,
  active: p.active,
});

type ProductInput = { code: string; name: string; category?: string | null; priceFen: number; unit?: string | null; active: boolean };

export async function listProducts(db: DbOrTx, actor: Actor | null, q: { q?: string; category?: string; includeInactive?: string }) {
  requireAccess(actor, 'customer:read');
  const rows = await repo.listProducts(db, { q: q.q, category: q.category, includeInactive: q.includeInactive === 'true' });
  return rows.map(toView);
}

function codeTaken(err: unknown, code: string | undefined): unknown {
  return isUniqueViolation(err, 'products_code_unique') ? AppError.field('code', 'products.code_taken', { value: code ?? '' }, 'conflict') : err;
}

export async function createProduct(db: DbOrTx, actor: Actor | null, input: ProductInput): Promise<ProductView> {
  requireAccess(actor, 'product:manage');
  try {
    const row = await repo.insertProduct(db, { ...input, category: input.category ?? null, unit: input.unit ?? null });
    await recordAudit(db, actor, { action: 'create', entityType: 'product', entityId: row.id, changes: { ...toView(row) } });
    return toView(row);
  } catch (err) {
    throw codeTaken(err, input.code);
  }
}

export async function updateProduct(db: DbOrTx, actor: Actor | null, id: string, input: Partial<ProductInput>): Promise<ProductView> {
  requireAccess(actor, 'product:manage');
  const before = await repo.findProduct(db, id);
  if (!before) throw AppError.notFound('products.not_found');
  try {
    const values = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    const row = await repo.updateProduct(db, id, values);
    const changes: Record<string, [unknown, unknown]> = {};
    for (const [k, v] of Object.entries(toView(row!))) {
      const old = (toView(before) as Record<string, unknown>)[k];
      if (old !== v) changes[k] = [old, v];
    }
    await recordAudit(db, actor, { action: 'update', entityType: 'product', entityId: id, changes });
    return toView(row!);
  } catch (err) {
    throw codeTaken(err, input.code);
  }
}

/** Soft delete: past line items keep pointing at it. */
export async function deleteProduct(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'product:manage');
  const before = await repo.findProduct(db, id);
  if (!before) throw AppError.notFound('products.not_found');
  await repo.updateProduct(db, id, { deletedAt: new Date(), active: false });
  await recordAudit(db, actor, { action: 'delete', entityType: 'product', entityId: id, changes: { code: before.code, name: before.name } });
}
