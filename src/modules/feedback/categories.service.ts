/**
 * The feedback category tree (反馈分类): reading and editing it (feedback:manage), the heating template's seven
 * categories seeded the first time feedback is used, and the categories as the text analysis takes them (each with its
 * seed words; the analysis' key is the category's id).
 */
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import { readSetting, writeSettingIfAbsent } from '../settings/index.js';
import type { FeedbackCategoryList, FeedbackCategoryView } from './feedback.contract.js';
import * as repo from './feedback.repository.js';
import type { CreateCategoryInput, UpdateCategoryInput } from './feedback.types.js';
import { HEATING_CATEGORIES, type CategoryDef } from './text/index.js';

const DEFAULTS_MARKER = 'feedback.defaults';

/** English names of the heating template's categories (the text library names them in Chinese only). */
const HEATING_NAMES_EN: Record<string, string> = {
  room_temperature: 'Room below temperature',
  leak: 'Leak',
  billing: 'Billing',
  attitude: 'Service attitude',
  repair: 'Repair speed',
  noise: 'Noise',
  other: 'Other',
};

/**
 * Seeds the heating template's categories (室温不达标, 漏水, 缴费问题, 服务态度, 维修效率, 噪音异响, 其他, with the text
 * library's seed words) once per installation, after first-run setup. Stable seed keys: seeding twice writes nothing,
 * and a category archived later stays archived.
 */
export async function ensureFeedbackSeed(db: DbOrTx): Promise<void> {
  if (await readSetting<boolean>(db, DEFAULTS_MARKER)) return;
  const template = await readSetting<string>(db, 'template');
  if (template === null) return; // before first-run setup
  // Two first requests at once: the second waits on the marker's row until the first commits, then writes nothing.
  if (!(await writeSettingIfAbsent(db, DEFAULTS_MARKER, true))) return;
  if (template !== 'heating') return;
  let position = 0;
  for (const c of HEATING_CATEGORIES) {
    await repo.insertSeededCategory(db, {
      seedKey: `heating.${c.key}`,
      nameZh: c.name,
      nameEn: HEATING_NAMES_EN[c.key] ?? c.name,
      seedWords: [...c.seedWords],
      position: (position += 10),
    });
  }
}

/** The live categories as the text analysis takes them: key = the category's id. */
export async function analysisCategories(db: DbOrTx): Promise<CategoryDef[]> {
  return (await repo.listCategories(db, { activeOnly: true })).map((c) => ({ key: c.id, name: c.nameZh, seedWords: c.seedWords }));
}

function categoryView(c: repo.CategoryRow): FeedbackCategoryView {
  return {
    id: c.id,
    parentId: c.parentId,
    nameZh: c.nameZh,
    nameEn: c.nameEn,
    seedWords: c.seedWords,
    position: c.position,
    archived: !!c.archivedAt,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** A live category (for an item, or as a parent); a 400 naming `field` otherwise. */
export async function liveCategory(db: DbOrTx, id: string, field = 'categoryId'): Promise<repo.CategoryRow> {
  const c = await repo.findCategory(db, id);
  if (!c || c.archivedAt) throw AppError.field(field, 'feedback.category_not_found');
  return c;
}

const unique = (words: string[]) => [...new Set(words.map((w) => w.trim()).filter(Boolean))];

export async function listFeedbackCategories(db: DbOrTx, actor: Actor | null): Promise<FeedbackCategoryList> {
  requireAccess(actor, 'feedback:read');
  await ensureFeedbackSeed(db);
  return { items: (await repo.listCategories(db)).map(categoryView) };
}

export async function createFeedbackCategory(db: DbOrTx, actor: Actor | null, input: CreateCategoryInput): Promise<FeedbackCategoryView> {
  requireAccess(actor, 'feedback:manage');
  await ensureFeedbackSeed(db);
  const parentId = input.parentId ?? null;
  if (parentId) await liveCategory(db, parentId, 'parentId');
  if (await repo.categoryNamed(db, parentId, input.nameZh)) throw AppError.field('nameZh', 'feedback.category_name_taken');
  const row = await repo.insertCategory(db, {
    parentId,
    nameZh: input.nameZh,
    nameEn: input.nameEn ?? input.nameZh,
    seedWords: unique(input.seedWords),
    position: input.position ?? 0,
  });
  await recordAudit(db, actor, { action: 'feedback_category_create', entityType: 'feedback_category', entityId: row.id, changes: { nameZh: row.nameZh, parentId } });
  return categoryView(row);
}

/** Moving a category under itself or one of its descendants would make a loop: refused. */
async function checkNoCycle(db: DbOrTx, id: string, parentId: string): Promise<void> {
  const all = new Map((await repo.listCategories(db)).map((c) => [c.id, c.parentId]));
  for (let at: string | null | undefined = parentId, steps = 0; at && steps <= all.size; at = all.get(at), steps++) {
    if (at === id) throw AppError.field('parentId', 'feedback.category_cycle');
  }
}

export async function updateFeedbackCategory(db: DbOrTx, actor: Actor | null, id: string, input: UpdateCategoryInput): Promise<FeedbackCategoryView> {
  requireAccess(actor, 'feedback:manage');
  const c = await repo.findCategory(db, id);
  if (!c) throw AppError.notFound('feedback.category_not_found');
  const values: Partial<repo.CategoryInsert> = {};
  if (input.parentId !== undefined && input.parentId !== c.parentId) {
    if (input.parentId) {
      await liveCategory(db, input.parentId, 'parentId');
      await checkNoCycle(db, id, input.parentId);
    }
    values.parentId = input.parentId;
  }
  if (input.nameZh !== undefined) values.nameZh = input.nameZh;
  if (input.nameEn !== undefined) values.nameEn = input.nameEn ?? input.nameZh ?? c.nameZh;
  if (input.seedWords !== undefined) values.seedWords = unique(input.seedWords);
  if (input.position !== undefined) values.position = input.position;
  if (input.archived !== undefined) values.archivedAt = input.archived ? (c.archivedAt ?? new Date()) : null;
  const nameZh = values.nameZh ?? c.nameZh;
  const parentId = values.parentId !== undefined ? values.parentId : c.parentId;
  const live = values.archivedAt !== undefined ? !values.archivedAt : !c.archivedAt;
  if (live && (values.nameZh !== undefined || values.parentId !== undefined || values.archivedAt === null) && (await repo.categoryNamed(db, parentId ?? null, nameZh, id))) {
    throw AppError.field('nameZh', 'feedback.category_name_taken');
  }
  if (!Object.keys(values).length) return categoryView(c);
  const row = (await repo.updateCategory(db, id, values))!;
  await recordAudit(db, actor, { action: 'feedback_category_update', entityType: 'feedback_category', entityId: id, changes: { ...input } });
  return categoryView(row);
}
