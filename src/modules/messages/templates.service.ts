import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError, type FieldIssue } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import type { MessageChannel, MessageTemplateView } from './messages.contract.js';
import * as repo from './messages.repository.js';
import type { TemplateRow } from './messages.repository.js';
import { SMS_MAX, type CreateTemplateInput, type UpdateTemplateInput } from './messages.types.js';

export function toTemplateView(r: TemplateRow): MessageTemplateView {
  return {
    id: r.id,
    name: r.name,
    channel: r.channel,
    category: r.category,
    subjectZh: r.subjectZh,
    subjectEn: r.subjectEn,
    bodyZh: r.bodyZh,
    bodyEn: r.bodyEn,
    archivedAt: r.archivedAt?.toISOString() ?? null,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

type TemplateText = { channel: MessageChannel; subjectZh: string | null; subjectEn: string | null; bodyZh: string; bodyEn: string | null };

/** Rules across fields: an email has a subject (in English too when it has an English text); SMS and WeChat are short. */
function textIssues(t: TemplateText): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (t.channel === 'email') {
    if (!t.subjectZh) issues.push({ field: 'subjectZh', key: 'validation.required', params: { field: 'subjectZh' } });
    if (t.bodyEn && !t.subjectEn) issues.push({ field: 'subjectEn', key: 'validation.required', params: { field: 'subjectEn' } });
  } else {
    for (const field of ['bodyZh', 'bodyEn'] as const) {
      if ((t[field]?.length ?? 0) > SMS_MAX) issues.push({ field, key: 'validation.too_long', params: { field, max: SMS_MAX } });
    }
  }
  return issues;
}

async function checkName(db: DbOrTx, name: string, exceptId?: string): Promise<void> {
  if (await repo.templateNamed(db, name, exceptId)) throw AppError.conflict('messages.template_name_taken', { value: name }, 'name');
}

async function loadTemplate(db: DbOrTx, id: string): Promise<TemplateRow> {
  const row = await repo.findTemplate(db, id);
  if (!row) throw AppError.notFound('messages.template_not_found');
  return row;
}

/** The fields of a template the audit log keeps. */
const audited = (r: TemplateRow) => ({ name: r.name, channel: r.channel, category: r.category, subjectZh: r.subjectZh, subjectEn: r.subjectEn, bodyZh: r.bodyZh, bodyEn: r.bodyEn });

export async function listTemplates(
  db: DbOrTx,
  actor: Actor | null,
  q: { archived: 'exclude' | 'only' | 'include'; channel?: MessageChannel },
): Promise<{ items: MessageTemplateView[] }> {
  requireAccess(actor, 'customer:read');
  return { items: (await repo.listTemplates(db, q)).map(toTemplateView) };
}

export async function getTemplate(db: DbOrTx, actor: Actor | null, id: string): Promise<MessageTemplateView> {
  requireAccess(actor, 'customer:read');
  return toTemplateView(await loadTemplate(db, id));
}

export async function createTemplate(db: DbOrTx, actor: Actor | null, input: CreateTemplateInput): Promise<MessageTemplateView> {
  requireAccess(actor, 'message:manage');
  const text: TemplateText = { channel: input.channel, subjectZh: input.subjectZh ?? null, subjectEn: input.subjectEn ?? null, bodyZh: input.bodyZh, bodyEn: input.bodyEn ?? null };
  if (input.channel !== 'email') Object.assign(text, { subjectZh: null, subjectEn: null });
  const issues = textIssues(text);
  if (issues.length) throw AppError.validation(issues);
  await checkName(db, input.name);
  const row = await repo.insertTemplate(db, { name: input.name, category: input.category, ...text, createdBy: actor.userId });
  await recordAudit(db, actor, { action: 'create', entityType: 'message_template', entityId: row.id, changes: audited(row) });
  return toTemplateView(row);
}

export async function updateTemplate(db: DbOrTx, actor: Actor | null, id: string, input: UpdateTemplateInput): Promise<MessageTemplateView> {
  requireAccess(actor, 'message:manage');
  const row = await loadTemplate(db, id);
  if (row.archivedAt) throw AppError.conflict('messages.template_archived');
  if (input.version !== undefined && input.version !== row.version) {
    throw AppError.conflict('messages.template_stale', { current: row.version, given: input.version }, 'version');
  }
  const pick = <K extends keyof TemplateRow>(k: K, v: TemplateRow[K] | undefined): TemplateRow[K] => (v === undefined ? row[k] : v);
  const text: TemplateText = {
    channel: pick('channel', input.channel),
    subjectZh: pick('subjectZh', input.subjectZh),
    subjectEn: pick('subjectEn', input.subjectEn),
    bodyZh: pick('bodyZh', input.bodyZh),
    bodyEn: pick('bodyEn', input.bodyEn),
  };
  if (text.channel !== 'email') Object.assign(text, { subjectZh: null, subjectEn: null });
  const issues = textIssues(text);
  if (issues.length) throw AppError.validation(issues);
  if (input.name !== undefined && input.name.toLowerCase() !== row.name.toLowerCase()) await checkName(db, input.name, id);
  const updated = await repo.updateTemplate(db, id, { name: pick('name', input.name), category: pick('category', input.category), ...text }, row.version);
  if (!updated) throw AppError.conflict('messages.template_stale', { current: row.version + 1, given: row.version }, 'version');
  const before = audited(row);
  const after = audited(updated);
  const changes: Record<string, [unknown, unknown]> = {};
  for (const k of Object.keys(after) as (keyof typeof after)[]) if (before[k] !== after[k]) changes[k] = [before[k], after[k]];
  if (Object.keys(changes).length) await recordAudit(db, actor, { action: 'update', entityType: 'message_template', entityId: id, changes });
  return toTemplateView(updated);
}

/** Archives a template: it can no longer be sent; messages already sent keep their link to it. */
export async function archiveTemplate(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'message:manage');
  const row = await loadTemplate(db, id);
  if (row.archivedAt) return;
  await repo.updateTemplate(db, id, { archivedAt: new Date() });
  await recordAudit(db, actor, { action: 'delete', entityType: 'message_template', entityId: id, changes: { name: row.name } });
}

export async function restoreTemplate(db: DbOrTx, actor: Actor | null, id: string): Promise<MessageTemplateView> {
  requireAccess(actor, 'message:manage');
  const row = await loadTemplate(db, id);
  if (!row.archivedAt) throw AppError.conflict('messages.template_not_archived');
  await checkName(db, row.name, id);
  const updated = (await repo.updateTemplate(db, id, { archivedAt: null }))!;
  await recordAudit(db, actor, { action: 'restore', entityType: 'message_template', entityId: id, changes: { name: row.name } });
  return toTemplateView(updated);
}
