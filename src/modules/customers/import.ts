/**
 * Customers as an import target: cells → the same validated input as the API's create, then matching against
 * existing customers (import key, external id, ID number, phone, email — in that order) and the duplicate policy.
 */
import { and, arrayOverlaps, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import type { FieldIssue } from '../../platform/errors.js';
import { issuesFromZod } from '../../platform/http/validation.js';
import { normalizePhone } from '../../platform/phone.js';
import { recordAudit, type AuditEntry } from '../audit/index.js';
import { activeCustomFields, checkCustomValue, type CustomFieldDef, type CustomValue, type CustomValues } from '../fields/index.js';
import {
  importKeyOf,
  parseBoolean,
  parseDateCell,
  parseNumber,
  sameFileRow,
  splitList,
  type BatchContext,
  type Cell,
  type ImportField,
  type Importer,
  type ImportRow,
  type RowOutcome,
} from '../imports/index.js';
import { ADDRESS_KEYS } from './customers.contract.js';
import * as repo from './customers.repository.js';
import type { CustomerInsert, CustomerRow } from './customers.repository.js';
import { customerAccess } from './access.js';
import { customersCreated, referralCodeIssues } from './created.hooks.js';
import { consentChanges, recordConsent, type ConsentRecord } from './consent.js';
import { erasedPersonMatches } from './erased.hooks.js';
import { diff, newCustomerValues } from './customers.service.js';
import { fieldWriteIssue } from './field-access.js';
import { createCustomerBody, type CreateCustomerInput } from './customers.types.js';
import { NO_CONSENT, phoneDigitsOf, searchTextOf } from './customers.views.js';
import { customers } from './schema.js';

const CHOICES: Record<string, Record<string, string>> = {
  kind: { 个人: 'person', 居民: 'person', 自然人: 'person', person: 'person', 单位: 'organization', 企业: 'organization', 公司: 'organization', 机构: 'organization', 组织: 'organization', organization: 'organization', company: 'organization' },
  gender: { 男: 'male', m: 'male', male: 'male', 女: 'female', f: 'female', female: 'female', 未知: 'unknown', unknown: 'unknown' },
  idType: { 身份证: 'resident', 居民身份证: 'resident', resident: 'resident', 护照: 'passport', passport: 'passport', 其他: 'other', other: 'other' },
  stage: {
    潜在客户: 'prospect', 潜在: 'prospect', prospect: 'prospect', 新客户: 'new', 新: 'new', new: 'new', 活跃: 'active', 活跃客户: 'active', active: 'active',
    忠诚: 'loyal', 忠诚客户: 'loyal', loyal: 'loyal', 有流失风险: 'at_risk', 流失风险: 'at_risk', at_risk: 'at_risk', 沉睡: 'dormant', 沉睡客户: 'dormant',
    dormant: 'dormant', 已流失: 'churned', 流失: 'churned', churned: 'churned',
  },
};

/** The import's consent columns: field key, channel, zh-CN and English label. */
const CONSENT_IMPORT = [
  ['consentPhone', 'phone', '电话联系', 'Phone consent'],
  ['consentSms', 'sms', '短信联系', 'SMS consent'],
  ['consentEmail', 'email', '邮件联系', 'Email consent'],
  ['consentWechat', 'wechat', '微信联系', 'WeChat consent'],
] as const;

export const customerImportFields: Importer['fields'] = [
  { key: 'externalId', synonyms: ['客户编号', '客户号', '户号', '用户编号', '用户号', '会员号', '编号', 'external id', 'customer id', 'customer no', 'id', 'code'] },
  { key: 'name', required: true, synonyms: ['姓名', '客户姓名', '客户名称', '名称', '户名', '用户名称', '户主', 'name', 'customer name', 'full name', 'customer'] },
  { key: 'kind', synonyms: ['客户类型', '类型', 'kind', 'customer type'] },
  { key: 'phones', multi: true, synonyms: ['手机', '手机号', '手机号码', '电话', '联系电话', '电话号码', '座机', '联系方式', 'mobile', 'phone', 'telephone', 'tel', 'phone number', 'mobile phone'] },
  { key: 'email', synonyms: ['邮箱', '电子邮箱', '电子邮件', 'email', 'e-mail', 'mail'] },
  { key: 'gender', synonyms: ['性别', 'gender', 'sex'] },
  { key: 'birthday', synonyms: ['生日', '出生日期', 'birthday', 'date of birth', 'dob', 'birth date'] },
  { key: 'idType', synonyms: ['证件类型', 'id type'] },
  { key: 'idNumber', synonyms: ['身份证', '身份证号', '身份证号码', '证件号', '证件号码', 'id number', 'id card', 'id no'] },
  { key: 'province', synonyms: ['省', '省份', 'province', 'state'] },
  { key: 'city', synonyms: ['市', '城市', 'city'] },
  { key: 'district', synonyms: ['区', '区县', '县区', 'district', 'county'] },
  { key: 'street', synonyms: ['街道', '地址', '详细地址', '住址', 'street', 'address'] },
  { key: 'compound', synonyms: ['小区', '小区名称', '社区', 'compound', 'community', 'estate'] },
  { key: 'building', synonyms: ['楼栋', '楼号', '栋', '楼', 'building'] },
  { key: 'unit', synonyms: ['单元', '单元号', 'unit'] },
  { key: 'room', synonyms: ['房号', '门牌号', '室', '房间号', 'room'] },
  { key: 'tags', multi: true, synonyms: ['标签', 'tags', 'tag', 'labels'] },
  { key: 'source', synonyms: ['来源', '客户来源', 'source', 'lead source'] },
  { key: 'stage', synonyms: ['阶段', '生命周期', '生命周期阶段', 'stage', 'lifecycle stage'] },
  { key: 'notes', synonyms: ['备注', '说明', 'notes', 'note', 'remark', 'remarks', 'comment'] },
  // 老带新: a member's code; a new customer is attributed to that member (created.hooks.ts), an unknown code rejects the row.
  { key: 'referralCode', synonyms: ['推荐码', '推荐人推荐码', '邀请码', 'referral code', 'referral', 'invite code'] },
  // 联系许可 (是/否): recorded in the consent ledger with the import as its source (issue #18); an empty cell changes nothing.
  ...CONSENT_IMPORT.map(([key, channel, zh, en]) => ({ key, synonyms: [zh, `${zh}许可`, `同意${zh.replace('联系', '')}`, en, `${channel} consent`], label: { zh, en } })),
];

const text = (c: Cell | undefined): string => (c === null || c === undefined ? '' : c instanceof Date ? c.toISOString().slice(0, 10) : String(c).trim());
const first = (r: ImportRow, key: string): string => text(r.values[key]?.[0]);

type Parsed = { row: number; input: CreateCustomerInput; externalId: string | null; present: Set<string>; custom: CustomValues };

/** Each active custom field as a mapping target `custom.<key>`, suggested by its labels and its key. */
async function customImportFields(db: DbOrTx): Promise<ImportField[]> {
  return (await activeCustomFields(db)).map((d) => ({
    key: `custom.${d.key}`,
    synonyms: [d.labelZh, d.labelEn, d.key],
    label: { zh: d.labelZh, en: d.labelEn },
  }));
}

/** A cell read by the field's type: 1,234.5; 2024年3月5日; 是/否; an option by its value or either label; lists split. */
function parseCustomCell(def: CustomFieldDef, cell: Cell): { value: CustomValue } | { issue: FieldIssue } {
  const s = text(cell);
  const option = (v: string) => {
    const n = v.trim().toLowerCase();
    return def.options.find((o) => o.value.toLowerCase() === n || o.labelZh.toLowerCase() === n || o.labelEn.toLowerCase() === n)?.value ?? v;
  };
  let value: unknown = s;
  switch (def.type) {
    case 'number':
      value = parseNumber(typeof cell === 'number' ? cell : s) ?? s;
      break;
    case 'date':
      value = cell === null ? s : (parseDateCell(cell)?.date ?? s);
      break;
    case 'boolean':
      value = parseBoolean(s) ?? s;
      break;
    case 'select':
      value = option(s);
      break;
    case 'multiselect':
      value = splitList(s).map(option);
      break;
    default:
      break;
  }
  return checkCustomValue(def, value);
}

function parseRow(r: ImportRow, defs: CustomFieldDef[] = []): Parsed | FieldIssue {
  const body: Record<string, unknown> = {};
  const present = new Set<string>();
  const set = (key: string, v: unknown) => {
    body[key] = v;
    present.add(key);
  };
  for (const key of ['name', 'email', 'idNumber', 'source', 'notes', 'referralCode']) {
    const v = first(r, key);
    if (v) set(key, v);
  }
  for (const key of ['kind', 'gender', 'idType', 'stage'] as const) {
    const v = first(r, key);
    if (!v) continue;
    const mapped = CHOICES[key]![v.toLowerCase()] ?? CHOICES[key]![v];
    if (!mapped) return { field: key, key: 'imports.invalid_choice', params: { value: v.slice(0, 50) } };
    set(key, mapped);
  }
  const birthday = r.values.birthday?.[0];
  if (birthday !== undefined && birthday !== null && text(birthday) !== '') {
    const d = parseDateCell(birthday);
    if (!d) return { field: 'birthday', key: 'imports.invalid_date', params: { value: text(birthday).slice(0, 50) } };
    set('birthday', d.date);
  }
  const phones = (r.values.phones ?? []).flatMap((c) => splitList(text(c)));
  if (phones.length) set('phones', phones);
  const tags = (r.values.tags ?? []).flatMap((c) => splitList(text(c)));
  if (tags.length) set('tags', tags);
  const address: Record<string, string> = {};
  for (const k of ADDRESS_KEYS) {
    const v = first(r, k);
    if (v) {
      address[k] = v;
      present.add(k);
    }
  }
  if (Object.keys(address).length) body.address = address;
  const consent: Record<string, boolean> = {};
  for (const [key, channel] of CONSENT_IMPORT) {
    const v = first(r, key);
    if (!v) continue;
    const b = parseBoolean(v);
    if (b === null) return { field: key, key: 'imports.invalid_choice', params: { value: v.slice(0, 50) } };
    consent[channel] = b;
    present.add('consent');
  }
  if (Object.keys(consent).length) body.consent = consent;
  const parsed = createCustomerBody.safeParse(body, { reportInput: true });
  if (!parsed.success) return issuesFromZod(parsed.error.issues, 'row')[0]!;
  const externalId = first(r, 'externalId').slice(0, 100) || null;
  if (externalId) present.add('externalId');
  const custom: CustomValues = {};
  for (const def of defs) {
    const cell = r.values[`custom.${def.key}`]?.[0];
    if (cell === undefined || cell === null || text(cell) === '') continue;
    const v = parseCustomCell(def, cell);
    if ('issue' in v) return v.issue;
    custom[def.key] = v.value;
  }
  return { row: r.row, input: parsed.data, externalId, present, custom };
}

type Key = { by: 'externalId' | 'idNumber' | 'phone' | 'email'; value: string };
function keysOf(p: Parsed): Key[] {
  const keys: Key[] = [];
  if (p.externalId) keys.push({ by: 'externalId', value: p.externalId });
  if (p.input.idNumber) keys.push({ by: 'idNumber', value: p.input.idNumber.toUpperCase() });
  for (const ph of p.input.phones) keys.push({ by: 'phone', value: ph });
  if (p.input.email) keys.push({ by: 'email', value: p.input.email.toLowerCase() });
  return keys;
}
const keyString = (k: Key) => `${k.by}:${k.value}`;

function candidateKeys(row: CustomerRow): string[] {
  const out: string[] = [];
  if (row.externalId) out.push(`externalId:${row.externalId}`);
  if (row.idNumber) out.push(`idNumber:${row.idNumber.toUpperCase()}`);
  for (const ph of row.phones) out.push(`phone:${ph}`);
  if (row.email) out.push(`email:${row.email.toLowerCase()}`);
  return out;
}

/** What an update from the file changes: the cells it has (empty cells keep the stored value); phones and tags add. */
function updateValues(before: CustomerRow, p: Parsed, heldElsewhere: boolean): Partial<CustomerInsert> {
  const v: Partial<CustomerInsert> = {};
  const i = p.input;
  for (const k of ['name', 'kind', 'email', 'gender', 'birthday', 'idType', 'source', 'stage', 'notes'] as const) {
    if (p.present.has(k)) (v as Record<string, unknown>)[k] = i[k] ?? null;
  }
  if (p.present.has('idNumber') && i.idNumber) v.idNumber = i.idNumber.toUpperCase();
  // A number is only given to a customer that has none (and is not held by a merged one: `heldElsewhere`).
  if (p.present.has('externalId') && !before.externalId && !heldElsewhere) v.externalId = p.externalId;
  for (const k of ADDRESS_KEYS) if (p.present.has(k)) v[k] = i.address?.[k] ?? null;
  if (p.present.has('phones')) v.phones = [...new Set([...before.phones, ...i.phones])];
  if (p.present.has('tags')) v.tags = [...new Set([...before.tags, ...i.tags])];
  if (Object.keys(p.custom).length) v.custom = { ...before.custom, ...p.custom };
  if (p.present.has('consent')) v.consent = { ...NO_CONSENT, ...before.consent, ...p.input.consent };
  return v;
}

/**
 * The customers a batch may match, one indexed query per key kind (a single OR across them makes the planner scan
 * the table). Import keys and external ids are unique over deleted customers too; the other keys match live
 * customers only.
 */
/** The live customer each merged (deleted) customer ended up in, following merges of merges. */
async function survivorsOf(tx: DbOrTx, rows: { id: string; mergedIntoId: string | null }[]): Promise<Map<string, CustomerRow>> {
  const out = new Map<string, CustomerRow>();
  let pending = rows.filter((r) => r.mergedIntoId).map((r) => ({ from: r.id, next: r.mergedIntoId! }));
  for (let depth = 0; depth < 5 && pending.length; depth++) {
    const found = await tx.select().from(customers).where(sql`${customers.id} = any(${sql.param(pending.map((p) => p.next))})`);
    const byId = new Map(found.map((f) => [f.id, f]));
    const again: typeof pending = [];
    for (const p of pending) {
      const c = byId.get(p.next);
      if (!c) continue;
      if (!c.deletedAt) out.set(p.from, c);
      else if (c.mergedIntoId) again.push({ from: p.from, next: c.mergedIntoId });
    }
    pending = again;
  }
  return out;
}

async function loadCandidates(
  tx: DbOrTx,
  parsed: Parsed[],
  ctx: BatchContext,
): Promise<{ byImportKey: Map<string, CustomerRow>; live: CustomerRow[]; deletedExt: Map<string, CustomerRow>; mergedExt: Map<string, CustomerRow> }> {
  const importKeys = parsed.map((p) => importKeyOf(ctx, p.row));
  const ext = [...new Set(parsed.flatMap((p) => (p.externalId ? [p.externalId] : [])))];
  const ids = [...new Set(parsed.flatMap((p) => (p.input.idNumber ? [p.input.idNumber.toUpperCase()] : [])))];
  const phones = [...new Set(parsed.flatMap((p) => p.input.phones))];
  const emails = [...new Set(parsed.flatMap((p) => (p.input.email ? [p.input.email.toLowerCase()] : [])))];
  const live = isNull(customers.deletedAt);
  const found = new Map<string, CustomerRow>();
  const add = (rows: CustomerRow[]) => rows.forEach((r) => found.set(r.id, r));
  add(await tx.select().from(customers).where(and(sql`${customers.importKey} = any(${sql.param(importKeys)})`, isNotNull(customers.importKey))));
  if (ext.length) add(await tx.select().from(customers).where(and(sql`${customers.externalId} = any(${sql.param(ext)})`, isNotNull(customers.externalId))));
  if (ids.length) add(await tx.select().from(customers).where(and(sql`${customers.idNumber} = any(${sql.param(ids)})`, live)));
  if (emails.length) add(await tx.select().from(customers).where(and(sql`lower(${customers.email}) = any(${sql.param(emails)})`, live)));
  if (phones.length) add(await repo.throughPhoneIndex(tx, () => tx.select().from(customers).where(and(arrayOverlaps(customers.phones, phones), live))));
  const byImportKey = new Map<string, CustomerRow>();
  const deletedExt = new Map<string, CustomerRow>();
  const liveRows: CustomerRow[] = [];
  for (const r of found.values()) {
    if (r.importKey) byImportKey.set(r.importKey, r);
    if (r.deletedAt) {
      if (r.externalId) deletedExt.set(r.externalId, r);
    } else liveRows.push(r);
  }
  // A number held by a customer merged into another one means the survivor: the row matches it by that number.
  const mergedExt = new Map<string, CustomerRow>();
  const survivors = await survivorsOf(tx, [...deletedExt.values()]);
  for (const [ext, row] of deletedExt) {
    const survivor = survivors.get(row.id);
    if (survivor) {
      mergedExt.set(ext, survivor);
      deletedExt.delete(ext);
    }
  }
  return { byImportKey, live: liveRows, deletedExt, mergedExt };
}

/** Inserts customers created by an import, each with its "create" entry in its history (naming the import). */
async function insertAudited(tx: DbOrTx, actor: Actor, jobId: string, values: CustomerInsert[]): Promise<Awaited<ReturnType<typeof repo.insertCustomers>>> {
  const created = await repo.insertCustomers(tx, values);
  await recordAudit(
    tx,
    actor,
    created.map((row, i) => ({
      action: 'create',
      entityType: 'customer',
      entityId: row.id,
      changes: { ...diff({}, values[i] as unknown as Record<string, unknown>), importId: [null, jobId] },
    })),
  );
  return created;
}

/** The batch's phones and ID numbers that were an erased person's (erased.hooks.ts), as `phone:<E.164>` / `id_number:<ID>` → when. */
async function erasedKeysOf(tx: DbOrTx, parsed: Parsed[]): Promise<Map<string, Date>> {
  const phones = [...new Set(parsed.flatMap((p) => p.input.phones))];
  const idNumbers = [...new Set(parsed.flatMap((p) => (p.input.idNumber ? [p.input.idNumber] : [])))];
  return new Map((await erasedPersonMatches(tx, { phones, idNumbers })).map((m) => [`${m.kind}:${m.value}`, m.erasedAt]));
}

/** A new customer's row holding an erased person's phone or ID number is refused, naming the column. */
function erasedPersonIssue(p: Parsed, erased: Map<string, Date>): FieldIssue | null {
  if (!erased.size) return null;
  const keys: [string, string][] = [...p.input.phones.map((ph): [string, string] => ['phones', `phone:${ph}`]), ...(p.input.idNumber ? [['idNumber', `id_number:${p.input.idNumber}`] as [string, string]] : [])];
  for (const [field, key] of keys) {
    const at = erased.get(key);
    if (at) return { field, key: 'customers.erased_person', params: { day: at.toISOString().slice(0, 10) } };
  }
  return null;
}

async function processBatch(tx: DbOrTx, ctx: BatchContext, rows: ImportRow[]): Promise<RowOutcome[]> {
  const outcomes: RowOutcome[] = [];
  const parsed: Parsed[] = [];
  const defs = await activeCustomFields(tx);
  for (const r of rows) {
    const p = parseRow(r, defs);
    if ('key' in p) outcomes.push({ row: r.row, outcome: 'rejected', issue: p });
    else parsed.push(p);
  }
  if (!parsed.length) return outcomes;
  const { byImportKey, live, deletedExt, mergedExt } = await loadCandidates(tx, parsed, ctx);
  const index = new Map<string, CustomerRow>();
  for (const c of live) for (const k of candidateKeys(c)) if (!index.has(k)) index.set(k, c);
  for (const [ext, survivor] of mergedExt) if (!index.has(`externalId:${ext}`)) index.set(`externalId:${ext}`, survivor);
  /** Keys of rows created earlier in this batch → their row numbers. */
  const createdHere = new Map<string, number>();
  const inserts: { row: number; values: CustomerInsert; referralCode: string | null }[] = [];
  const codeIssues = await referralCodeIssues(tx, parsed.flatMap((p) => (p.input.referralCode ? [p.input.referralCode] : [])));
  const erased = await erasedKeysOf(tx, parsed);
  const updates: AuditEntry[] = [];
  const consentRecords: ConsentRecord[] = [];
  const actor: Actor = ctx.actor;
  const ownership = { ownerId: actor.userId, teamId: actor.userId ? actor.teamId : null };

  for (const p of parsed) {
    // Field grants (issue #18): a row writing a field the importer's role may not change is rejected naming it.
    const refused = fieldWriteIssue(actor, { ...p.input, custom: p.custom });
    if (refused) {
      outcomes.push({ row: p.row, outcome: 'rejected', issue: refused });
      continue;
    }
    const importKey = importKeyOf(ctx, p.row);
    if (byImportKey.has(importKey)) {
      outcomes.push({ row: p.row, outcome: 'skipped' }); // imported before (a replayed batch or the same file again)
      continue;
    }
    if (p.externalId && deletedExt.has(p.externalId)) {
      outcomes.push({ row: p.row, outcome: 'rejected', issue: { field: 'externalId', key: 'imports.external_id_deleted', params: { value: p.externalId } } });
      continue;
    }
    const keys = keysOf(p);
    let match: CustomerRow | undefined;
    let matchedBy: Key | undefined;
    let earlierRow: number | undefined;
    for (const k of keys) {
      const s = keyString(k);
      if (createdHere.has(s)) {
        earlierRow = createdHere.get(s);
        matchedBy = k;
        break;
      }
      const c = index.get(s);
      if (c) {
        match = c;
        matchedBy = k;
        break;
      }
    }
    const policy = ctx.options.onDuplicate;
    const sameFile = match ? sameFileRow(ctx, match.importKey) : null;
    if (policy !== 'create' && (earlierRow !== undefined || sameFile !== null)) {
      const field = matchedBy!.by === 'phone' ? 'phones' : matchedBy!.by;
      outcomes.push({
        row: p.row,
        outcome: 'rejected',
        issue: { field, key: 'imports.duplicate_in_file', params: { other: earlierRow ?? sameFile!, by: matchedBy!.by } },
      });
      continue;
    }
    if (match && policy === 'skip') {
      outcomes.push({ row: p.row, outcome: 'skipped' });
      continue;
    }
    if (match && policy === 'update') {
      if (!customerAccess.reaches(actor, { ownerId: match.ownerId, teamId: match.teamId })) {
        outcomes.push({ row: p.row, outcome: 'rejected', issue: { field: 'row', key: 'imports.match_out_of_scope', params: {} } });
        continue;
      }
      const values = updateValues(match, p, !!p.externalId && mergedExt.has(p.externalId));
      const merged = { ...match, ...values } as CustomerRow;
      const changes = diff(match as unknown as Record<string, unknown>, merged as unknown as Record<string, unknown>);
      if (!Object.keys(changes).length) {
        outcomes.push({ row: p.row, outcome: 'skipped' });
        continue;
      }
      values.searchText = searchTextOf(merged);
      values.phoneDigits = phoneDigitsOf(merged.phones);
      const after = await repo.updateCustomerIfVersion(tx, match.id, match.version, values);
      if (!after) throw new Error('customer changed during import');
      // Later rows of the batch that match it see it as it is now (a second update must not look stale).
      for (const k of candidateKeys(after)) index.set(k, after);
      updates.push({ action: 'update', entityType: 'customer', entityId: match.id, changes: { ...changes, importId: [null, ctx.jobId] } });
      if (changes.consent) consentRecords.push({ customerId: match.id, source: 'import', ref: ctx.jobId, changes: consentChanges(match.consent, after.consent) });
      outcomes.push({ row: p.row, outcome: 'updated' });
      continue;
    }
    // A new customer: with "create" even when it matches, but an external id stays unique.
    if (p.externalId && (index.has(`externalId:${p.externalId}`) || createdHere.has(`externalId:${p.externalId}`))) {
      outcomes.push({ row: p.row, outcome: 'rejected', issue: { field: 'externalId', key: 'imports.external_id_taken', params: { value: p.externalId } } });
      continue;
    }
    const erasedIssue = erasedPersonIssue(p, erased);
    if (erasedIssue) {
      outcomes.push({ row: p.row, outcome: 'rejected', issue: erasedIssue });
      continue;
    }
    const codeIssue = p.input.referralCode ? codeIssues.get(p.input.referralCode) : undefined;
    if (codeIssue) {
      outcomes.push({ row: p.row, outcome: 'rejected', issue: { field: 'referralCode', ...codeIssue } });
      continue;
    }
    const missing = defs.find((d) => d.required && p.custom[d.key] === undefined);
    if (missing) {
      outcomes.push({ row: p.row, outcome: 'rejected', issue: { field: `custom.${missing.key}`, key: 'custom_fields.required', params: { labelZh: missing.labelZh, labelEn: missing.labelEn } } });
      continue;
    }
    // Its keys stop later rows of the file from repeating it.
    for (const k of keys) if (!createdHere.has(keyString(k))) createdHere.set(keyString(k), p.row);
    inserts.push({ row: p.row, values: newCustomerValues({ ...p.input, custom: p.custom, externalId: p.externalId, importKey }, actor.userId, ownership), referralCode: p.input.referralCode ?? null });
    outcomes.push({ row: p.row, outcome: 'created' });
  }
  if (updates.length) await recordAudit(tx, actor, updates);
  if (inserts.length) {
    const created = await insertAudited(tx, actor, ctx.jobId, inserts.map((i) => i.values));
    await customersCreated(tx, actor, { source: 'import', customers: created.map((row, i) => ({ customerId: row.id, referralCode: inserts[i]!.referralCode })) });
    for (const [i, row] of created.entries()) consentRecords.push({ customerId: row.id, source: 'import', ref: ctx.jobId, changes: consentChanges(null, inserts[i]!.values.consent) });
  }
  await recordConsent(tx, actor, consentRecords); // the consent ledger (issue #18): one entry per channel changed
  return outcomes;
}

export const customerImporter: Importer = {
  kind: 'customers',
  permissions: ['customer:write'],
  fields: customerImportFields,
  dynamicFields: customImportFields,
  tables: ['customers', 'audit_log', 'import_rejects'],
  processBatch,
};

/** A customer as importers of attached records need it: who it is and whose it is. */
export type CustomerRef = { id: string; externalId: string | null; phones: string[]; ownerId: string | null; teamId: string | null };

/** Finds live customers by external id or phone, for importers of records that belong to a customer. */
export async function customersByKeys(
  tx: DbOrTx,
  keys: { externalIds: string[]; phones: string[] },
): Promise<{ byExternalId: Map<string, CustomerRef>; byPhone: Map<string, CustomerRef> }> {
  const phones = keys.phones.map((p) => normalizePhone(p)).filter((p): p is string => !!p);
  const byExternalId = new Map<string, CustomerRef>();
  const byPhone = new Map<string, CustomerRef>();
  const columns = { id: customers.id, externalId: customers.externalId, phones: customers.phones, ownerId: customers.ownerId, teamId: customers.teamId };
  const rows: CustomerRef[] = [];
  if (keys.externalIds.length) {
    const held = await tx
      .select({ ...columns, deletedAt: customers.deletedAt, mergedIntoId: customers.mergedIntoId })
      .from(customers)
      .where(and(sql`${customers.externalId} = any(${sql.param(keys.externalIds)})`, isNotNull(customers.externalId)));
    rows.push(...held.filter((r) => !r.deletedAt));
    // The number of a customer merged into another one leads to the survivor.
    const survivors = await survivorsOf(tx, held.filter((r) => r.deletedAt));
    for (const r of held) {
      const s = survivors.get(r.id);
      if (s) byExternalId.set(r.externalId!, { id: s.id, externalId: s.externalId, phones: s.phones, ownerId: s.ownerId, teamId: s.teamId });
    }
  }
  if (phones.length) {
    rows.push(...(await repo.throughPhoneIndex(tx, () => tx.select(columns).from(customers).where(and(arrayOverlaps(customers.phones, phones), isNull(customers.deletedAt))))));
  }
  for (const r of rows) {
    if (r.externalId) byExternalId.set(r.externalId, r);
    for (const p of r.phones) if (!byPhone.has(p)) byPhone.set(p, r);
  }
  return { byExternalId, byPhone };
}

/** Creates customers known only by a number (and maybe a name and phone) from an import; returns them by number. */
export async function createCustomersForImport(
  tx: DbOrTx,
  actor: Actor,
  jobId: string,
  specs: { externalId: string; name: string | null; phone: string | null }[],
): Promise<Map<string, CustomerRef>> {
  const out = new Map<string, CustomerRef>();
  if (!specs.length) return out;
  const ownership = { ownerId: actor.userId, teamId: actor.userId ? actor.teamId : null };
  const values = specs.map((s) => {
    const phone = s.phone ? normalizePhone(s.phone) : null;
    const input = createCustomerBody.parse({ name: (s.name || `客户 ${s.externalId}`).slice(0, 200), phones: phone ? [phone] : [] });
    return newCustomerValues({ ...input, externalId: s.externalId }, actor.userId, ownership);
  });
  const created = await insertAudited(tx, actor, jobId, values);
  await customersCreated(tx, actor, { source: 'import', customers: created.map((r) => ({ customerId: r.id, referralCode: null })) });
  created.forEach((r, i) => out.set(r.externalId!, { id: r.id, externalId: r.externalId, phones: values[i]!.phones ?? [], ownerId: ownership.ownerId, teamId: ownership.teamId }));
  return out;
}
