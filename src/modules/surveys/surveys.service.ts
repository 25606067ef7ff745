/**
 * Use cases of surveys (满意度调查): CRUD with definition versions and the trash, activate / close, the shipped
 * templates. A definition with answers is never changed under them: editing it makes version n+1 (schema.ts).
 */
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import type { Locale } from '../../platform/i18n/index.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { recordAudit } from '../audit/index.js';
import type { SurveyDefinition } from './definition.js';
import { textOf } from './results.js';
import { settingsOf } from './send.js';
import { SURVEY_TEMPLATES } from './templates.js';
import {
  DEFAULT_SURVEY_SETTINGS,
  type SurveyKind,
  type SurveyListItem,
  type SurveyPage,
  type SurveySettings,
  type SurveyTemplateKey,
  type SurveyTemplateList,
  type SurveyTemplateView,
  type SurveyVersionList,
  type SurveyView,
} from './surveys.contract.js';
import { responseRate } from './stats.js';
import * as repo from './surveys.repository.js';
import type { SurveyFull, SurveyListRow } from './surveys.repository.js';
import type { CreateSurveyInput, SettingsInput, SurveyListQuery, UpdateSurveyInput } from './surveys.types.js';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function toListItem(r: SurveyListRow | SurveyFull): SurveyListItem {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    status: r.status,
    templateKey: r.templateKey,
    definitionVersion: r.definitionVersion,
    responseCount: r.responseCount,
    invitedCount: r.invitedCount,
    responseRate: responseRate(r.invitedCount, r.respondedCount),
    owner: r.ownerId ? { id: r.ownerId, name: r.ownerName ?? '' } : null,
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
    deletedAt: iso(r.deletedAt),
  };
}

function view(r: SurveyFull): SurveyView {
  return {
    ...toListItem(r),
    settings: settingsOf(r.settings),
    currentVersionId: r.currentVersionId!,
    definition: r.definition,
    partialCount: r.partialCount,
    createdBy: r.createdBy ? { id: r.createdBy, name: r.createdByName ?? '' } : null,
    version: r.version,
  };
}

/** A survey, in the trash or not unless `live` (then a deleted one is a 409). */
async function load(db: DbOrTx, id: string, opts: { lock?: boolean; live?: boolean } = {}): Promise<SurveyFull> {
  const row = await repo.findSurvey(db, id, opts);
  if (!row) throw AppError.notFound('surveys.not_found');
  if (opts.live && row.deletedAt) throw AppError.conflict('surveys.deleted');
  return row;
}

function checkVersion(row: SurveyFull, given: number): void {
  if (given !== row.version) throw AppError.conflict('surveys.stale', { current: row.version, given }, 'version');
}

async function checkOwner(db: DbOrTx, ownerId: string | null | undefined): Promise<void> {
  if (ownerId && !(await repo.userExists(db, ownerId))) throw AppError.field('ownerId', 'surveys.owner_unknown', { field: 'ownerId' });
}

/** JSON with its object keys sorted: jsonb keeps keys in an order of its own, so equality is compared this way. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

const merged = (base: SurveySettings, input: SettingsInput | undefined): SurveySettings => {
  const out = { ...base };
  for (const [k, v] of Object.entries(input ?? {})) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
};

// ---- CRUD -----------------------------------------------------------------------------------------------------------

export async function listSurveys(db: DbOrTx, actor: Actor | null, q: SurveyListQuery): Promise<SurveyPage> {
  requireAccess(actor, 'survey:read');
  const after = q.cursor ? decodeCursor(q.cursor, 'timestamp') : undefined;
  const filter = { status: q.status, kind: q.kind, q: q.q || undefined, deleted: q.deleted };
  const rows = await repo.listSurveys(db, { ...filter, after, limit: q.limit + 1 });
  const shown = rows.slice(0, q.limit);
  const last = shown[shown.length - 1];
  return {
    items: shown.map(toListItem),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.sortValue, last.id) : null,
    total: await repo.countSurveys(db, filter),
  };
}

export async function getSurvey(db: DbOrTx, actor: Actor | null, id: string): Promise<SurveyView> {
  requireAccess(actor, 'survey:read');
  return view(await load(db, id));
}

/** From a shipped template (its kind, name and questions) or from a definition (kind custom unless given). */
export async function createSurvey(db: DbOrTx, actor: Actor | null, input: CreateSurveyInput): Promise<SurveyView> {
  requireAccess(actor, 'survey:manage');
  await checkOwner(db, input.ownerId);
  const template = input.templateKey ? templateFor(input.templateKey, actor.locale) : null;
  if (input.templateKey && !template) throw AppError.field('templateKey', 'surveys.template_unknown', { value: input.templateKey });
  const definition = (template?.definition ?? input.definition) as SurveyDefinition;
  const title = actor.locale === 'en' ? (definition.title.en ?? definition.title.zh) : definition.title.zh;
  const name = input.name ?? template?.name ?? [...title.trim()].slice(0, 100).join('');
  const kind = input.kind ?? template?.kind ?? 'custom';
  const id = await repo.insertSurvey(db, {
    name,
    kind,
    templateKey: input.templateKey ?? null,
    settings: merged(DEFAULT_SURVEY_SETTINGS, input.settings),
    ownerId: input.ownerId === undefined ? actor.userId : input.ownerId,
    createdBy: actor.userId,
  });
  const versionId = await repo.insertVersion(db, { surveyId: id, version: 1, definition, createdBy: actor.userId });
  await repo.setCurrentVersion(db, id, versionId);
  await recordAudit(db, actor, { action: 'create', entityType: 'survey', entityId: id, changes: { name, kind, templateKey: input.templateKey ?? null } });
  return view(await load(db, id));
}

/**
 * Name, settings (only the keys sent), owner and the definition. A new definition replaces the current version's
 * when nobody has answered it yet, else becomes version n+1 (answers keep the version they were given against).
 */
export async function updateSurvey(db: DbOrTx, actor: Actor | null, id: string, input: UpdateSurveyInput): Promise<SurveyView> {
  requireAccess(actor, 'survey:manage');
  const row = await load(db, id, { lock: true, live: true });
  checkVersion(row, input.version);
  await checkOwner(db, input.ownerId);
  const changes: Record<string, unknown> = {};
  const settings = merged(settingsOf(row.settings), input.settings);
  const values = {
    name: input.name ?? row.name,
    settings,
    ownerId: input.ownerId === undefined ? row.ownerId : input.ownerId,
  };
  for (const k of ['name', 'settings', 'ownerId'] as const) {
    if (canonical(row[k]) !== canonical(values[k])) changes[k] = [row[k], values[k]];
  }
  let currentVersionId = row.currentVersionId!;
  if (input.definition !== undefined && canonical(input.definition) !== canonical(row.definition)) {
    const current = await repo.lockVersion(db, currentVersionId);
    if (current && !(await repo.versionHasResponses(db, current.id))) {
      await repo.replaceDefinition(db, current.id, input.definition);
      changes.definition = { version: current.version, inPlace: true };
    } else {
      const next = (current?.version ?? row.definitionVersion) + 1;
      currentVersionId = await repo.insertVersion(db, { surveyId: id, version: next, definition: input.definition, createdBy: actor.userId });
      changes.definition = { version: next, from: current?.version ?? null };
    }
  }
  await repo.updateSurvey(db, id, { ...values, currentVersionId });
  await recordAudit(db, actor, { action: 'update', entityType: 'survey', entityId: id, changes });
  return view(await load(db, id));
}

/** To the trash (restorable). An active survey is closed first, so no live invitation points into the trash. */
export async function deleteSurvey(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'survey:manage');
  const row = await load(db, id, { lock: true, live: true });
  if (row.status === 'active') throw AppError.conflict('surveys.close_before_delete');
  await repo.updateSurvey(db, id, { deletedAt: new Date() });
  await recordAudit(db, actor, { action: 'delete', entityType: 'survey', entityId: id, changes: { name: row.name } });
}

export async function restoreSurvey(db: DbOrTx, actor: Actor | null, id: string): Promise<SurveyView> {
  requireAccess(actor, 'survey:manage');
  const row = await load(db, id, { lock: true });
  if (!row.deletedAt) throw AppError.conflict('surveys.not_deleted');
  await repo.updateSurvey(db, id, { deletedAt: null });
  await recordAudit(db, actor, { action: 'restore', entityType: 'survey', entityId: id, changes: { name: row.name } });
  return view(await load(db, id));
}

// ---- state ----------------------------------------------------------------------------------------------------------

/** Draft or closed → active: invitations and answers are accepted. */
export async function activateSurvey(db: DbOrTx, actor: Actor | null, id: string, version: number): Promise<SurveyView> {
  requireAccess(actor, 'survey:manage');
  const row = await load(db, id, { lock: true, live: true });
  checkVersion(row, version);
  if (row.status === 'active') throw AppError.conflict('surveys.not_activatable', { status: row.status });
  await repo.updateSurvey(db, id, { status: 'active' });
  await recordAudit(db, actor, { action: 'activate', entityType: 'survey', entityId: id, changes: { status: [row.status, 'active'] } });
  return view(await load(db, id));
}

/** Active → closed: answers are refused from now on; what was answered stays. */
export async function closeSurvey(db: DbOrTx, actor: Actor | null, id: string, version: number): Promise<SurveyView> {
  requireAccess(actor, 'survey:manage');
  const row = await load(db, id, { lock: true, live: true });
  checkVersion(row, version);
  if (row.status !== 'active') throw AppError.conflict('surveys.not_active', { status: row.status });
  await repo.updateSurvey(db, id, { status: 'closed' });
  await recordAudit(db, actor, { action: 'close', entityType: 'survey', entityId: id, changes: { status: [row.status, 'closed'] } });
  return view(await load(db, id));
}

// ---- versions and templates -----------------------------------------------------------------------------------------

export async function listVersions(db: DbOrTx, actor: Actor | null, id: string): Promise<SurveyVersionList> {
  requireAccess(actor, 'survey:read');
  const row = await load(db, id);
  const versions = await repo.versionsOf(db, id);
  return {
    items: versions.map((v) => ({
      id: v.id,
      version: v.version,
      definition: v.definition,
      responseCount: v.responseCount,
      current: v.id === row.currentVersionId,
      createdBy: v.createdBy ? { id: v.createdBy, name: v.createdByName ?? '' } : null,
      createdAt: iso(v.createdAt)!,
    })),
  };
}

export function listTemplates(actor: Actor | null): SurveyTemplateList {
  requireAccess(actor, 'survey:read');
  return { items: shippedTemplates(actor.locale) };
}

// ---- templates (templates.ts) -------------------------------------------------------------------------------------


/** A shipped template as the caller's language names it. */
function templateFor(key: SurveyTemplateKey, locale: Locale): { kind: SurveyKind; name: string; definition: SurveyDefinition } | null {
  const t = SURVEY_TEMPLATES.find((x) => x.key === key);
  return t ? { kind: t.kind, name: textOf(t.name, locale), definition: structuredClone(t.definition) } : null;
}

function shippedTemplates(locale: Locale): SurveyTemplateView[] {
  return SURVEY_TEMPLATES.map((t) => ({
    key: t.key,
    kind: t.kind,
    name: textOf(t.name, locale),
    description: textOf(t.description, locale),
    questionCount: t.definition.questions.length,
    definition: t.definition,
  }));
}
