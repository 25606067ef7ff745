/**
 * 同意记录 (issue #18 item 4): the ledger's writer (handed to the customers module at composition: every path that
 * changes consent goes through `recordConsent` there), the 360 page's history and an agent's grant or withdrawal,
 * and the versions of the consent text.
 *
 * Derivation: a customer's consent on a channel for a purpose is the latest entry (by id) for that channel and that
 * purpose or `all`; none means not given. The customers' consent column caches the `service` purpose per channel and is
 * rewritten from the ledger in the transaction that appends (`writeConsentCache`), only where it differs.
 */
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { AppError } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import { cachedConsent, customerInScope, recordConsent, writeConsentCache, type ConsentLedger, type ConsentRecord } from '../customers/index.js';
import {
  CONSENT_CHANNELS,
  CONSENT_PURPOSES,
  type ConsentChannel,
  type ConsentEntryView,
  type ConsentLedgerView,
  type ConsentStateView,
  type ConsentTextList,
  type ConsentTextView,
} from './consent.contract.js';
import * as repo from './consent.repository.js';
import type { AgentConsentInput, ConsentLedgerQuery, CreateConsentTextInput, UpdateConsentTextInput } from './consent.types.js';

type Consent = Record<ConsentChannel, boolean>;

/** The `service` purpose of each customer as the ledger says it: the value of the customers' consent cache. */
export async function derivedConsent(db: DbOrTx, customerIds: string[]): Promise<Map<string, Consent>> {
  const latest = await repo.latestEntries(db, customerIds, ['service', 'all']);
  return new Map(customerIds.map((id) => [id, Object.fromEntries(CONSENT_CHANNELS.map((ch) => [ch, latest.get(`${id}:${ch}`)?.action === 'grant'])) as Consent]));
}

/** Customers per step of a record: the ledger's reads take their ids as parameters. */
const RECORD_CHUNK = 2000;

/**
 * Entries that adopt what the cache holds and the ledger does not explain: a channel consented in the cache with no
 * `service`/`all` entry (a customer written before the ledger existed, by a bulk load, or by a script) gets a
 * `migration` grant before the change is appended, unless the change itself is about that channel. Without it a
 * change on another channel would rewrite the cache from a ledger that never heard of the older consent.
 */
async function adoptions(db: DbOrTx, records: ConsentRecord[]): Promise<repo.ConsentEntryInsert[]> {
  const ids = [...new Set(records.map((r) => r.customerId))];
  const cached = await cachedConsent(db, ids);
  const latest = await repo.latestEntries(db, ids, ['service', 'all']);
  // A change of the service purpose (or all) on a channel says itself what the channel is; one of another purpose does not.
  const touched = new Set(records.flatMap((r) => r.changes.filter((c) => c.purpose === 'service' || c.purpose === 'all').map((c) => `${r.customerId}:${c.channel}`)));
  const out: repo.ConsentEntryInsert[] = [];
  for (const id of ids) {
    for (const ch of CONSENT_CHANNELS) {
      const key = `${id}:${ch}`;
      if (cached.get(id)?.[ch] && !latest.has(key) && !touched.has(key)) {
        out.push({ customerId: id, channel: ch, purpose: 'all', action: 'grant', source: 'migration', textId: null, recordedBy: null, note: null, ref: null });
      }
    }
  }
  return out;
}

/** The ledger the customers module records through (registered in app.ts). */
export const consentLedger: ConsentLedger = {
  async record(db: DbOrTx, actor: Actor | null, records: ConsentRecord[]): Promise<void> {
    const needsCurrent = records.some((r) => r.textId === undefined);
    const current = needsCurrent ? ((await repo.currentText(db))?.id ?? null) : null;
    const recordedBy = actor?.userId ?? null;
    for (let i = 0; i < records.length; i += RECORD_CHUNK) {
      const chunk = records.slice(i, i + RECORD_CHUNK);
      const rows: repo.ConsentEntryInsert[] = chunk.flatMap((r) =>
        r.changes.map((c) => ({
          customerId: r.customerId,
          channel: c.channel,
          purpose: c.purpose,
          action: c.granted ? ('grant' as const) : ('withdraw' as const),
          source: r.source,
          textId: r.textId === undefined ? current : r.textId,
          recordedBy,
          note: r.note ?? null,
          ref: r.ref ?? null,
        })),
      );
      if (!rows.length) continue;
      await repo.insertEntries(db, [...(await adoptions(db, chunk)), ...rows]);
      const ids = [...new Set(chunk.map((r) => r.customerId))];
      const derived = await derivedConsent(db, ids);
      const cached = await cachedConsent(db, ids);
      const differing = ids.filter((id) => CONSENT_CHANNELS.some((ch) => !!cached.get(id)?.[ch] !== derived.get(id)![ch]));
      if (differing.length) await writeConsentCache(db, differing.map((id) => ({ customerId: id, consent: derived.get(id)! })));
    }
  },
  refusals: (db, customerIds, channel, purpose) => repo.refusals(db, customerIds, channel, purpose),
};

function entryView(r: repo.ConsentEntryRow): ConsentEntryView {
  return {
    id: r.id,
    channel: r.channel,
    purpose: r.purpose,
    action: r.action,
    source: r.source,
    textId: r.textId,
    textVersion: r.textVersion,
    recordedAt: r.recordedAt.toISOString(),
    recordedById: r.recordedBy,
    recordedByName: r.recordedBy ? r.recordedByName : null,
    note: r.note,
    ref: r.ref,
  };
}

/** Every channel × purpose as the ledger says now. */
export async function consentState(db: DbOrTx, customerId: string): Promise<ConsentStateView[]> {
  const out: ConsentStateView[] = [];
  for (const purpose of CONSENT_PURPOSES) {
    const latest = await repo.latestEntries(db, [customerId], [purpose, 'all']);
    for (const channel of CONSENT_CHANNELS) {
      const e = latest.get(`${customerId}:${channel}`);
      out.push({ channel, purpose, granted: e?.action === 'grant', entryId: e?.id ?? null, at: e ? e.recordedAt.toISOString() : null });
    }
  }
  return out;
}

/** The 360 page's 同意记录: the current state and the entries, newest first. */
export async function getConsentLedger(db: DbOrTx, actor: Actor | null, customerId: string, q: ConsentLedgerQuery): Promise<ConsentLedgerView> {
  requireAccess(actor, 'customer:read');
  await customerInScope(db, actor, customerId);
  let before: number | null = null;
  if (q.cursor) {
    const c = decodeCursor(q.cursor, 'integer');
    if (c.id !== customerId) throw AppError.field('cursor', 'validation.invalid_format', { field: 'cursor' });
    before = Number(c.value);
  }
  const rows = await repo.entriesPage(db, customerId, before, q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    customerId,
    state: await consentState(db, customerId),
    items: page.map(entryView),
    nextCursor: rows.length > q.limit && last ? encodeCursor(String(last.id), customerId) : null,
  };
}

/** An agent records what the customer said (at the counter, on the phone): a grant or withdrawal, audited on the customer. */
export async function recordAgentConsent(db: DbOrTx, actor: Actor | null, customerId: string, input: AgentConsentInput): Promise<ConsentLedgerView> {
  requireAccess(actor, 'customer:write');
  await customerInScope(db, actor, customerId, { forWrite: true });
  if (input.textId) {
    if (!(await repo.findText(db, input.textId))) throw AppError.field('textId', 'privacy.consent.text_not_found');
  }
  const granted = input.action === 'grant';
  const channels = input.channel === 'all' ? [...CONSENT_CHANNELS] : [input.channel];
  await recordConsent(db, actor, [
    { customerId, source: 'agent', note: input.note ?? null, textId: input.textId, changes: channels.map((channel) => ({ channel, purpose: input.purpose, granted })) },
  ]);
  await recordAudit(db, actor, {
    action: granted ? 'consent_grant' : 'consent_withdraw',
    entityType: 'customer',
    entityId: customerId,
    changes: { channel: input.channel, purpose: input.purpose, via: 'agent', note: input.note ?? null },
  });
  return getConsentLedger(db, actor, customerId, { limit: 50 });
}

// ---- the consent text's versions ------------------------------------------------------------------------------------

function textView(r: repo.ConsentTextRow & { used: number }, currentId: string | null): ConsentTextView {
  return {
    id: r.id,
    version: r.version,
    titleZh: r.titleZh,
    titleEn: r.titleEn,
    bodyZh: r.bodyZh,
    bodyEn: r.bodyEn,
    current: r.id === currentId,
    used: r.used,
    revision: r.revision,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** Every version, newest (the current one) first. Agents read them to show the words; admins edit them. */
export async function listConsentTexts(db: DbOrTx, actor: Actor | null): Promise<ConsentTextList> {
  requireAccess(actor, 'customer:read');
  const rows = await repo.listTexts(db);
  return { items: rows.map((r) => textView(r, rows[0]?.id ?? null)) };
}

export async function createConsentText(db: DbOrTx, actor: Actor | null, input: CreateConsentTextInput): Promise<ConsentTextView> {
  requireAccess(actor, 'privacy:manage');
  const row = await repo.insertText(db, { titleZh: input.titleZh, titleEn: input.titleEn ?? null, bodyZh: input.bodyZh, bodyEn: input.bodyEn ?? null, createdBy: actor.userId });
  await recordAudit(db, actor, { action: 'consent_text_create', entityType: 'consent_text', entityId: row.id, changes: { version: row.version, titleZh: row.titleZh } });
  return textView({ ...row, used: 0 }, row.id);
}

/**
 * Edits a version no entry has recorded yet (a typo before it is used). A used version keeps its words: 409 naming
 * `id` — make a new version instead.
 */
export async function updateConsentText(db: DbOrTx, actor: Actor | null, id: string, input: UpdateConsentTextInput): Promise<ConsentTextView> {
  requireAccess(actor, 'privacy:manage');
  const before = await repo.findText(db, id);
  if (!before) throw AppError.notFound('privacy.consent.text_not_found');
  if (await repo.textUsed(db, id)) throw AppError.conflict('privacy.consent.text_used', { version: before.version }, 'id');
  const { revision, ...values } = input;
  if (revision !== before.revision) throw AppError.conflict('privacy.consent.text_stale', { current: before.revision, given: revision }, 'revision');
  const row = await repo.updateText(db, id, revision, values);
  if (!row) throw AppError.conflict('privacy.consent.text_stale', { current: revision + 1, given: revision }, 'revision');
  await recordAudit(db, actor, { action: 'consent_text_update', entityType: 'consent_text', entityId: id, changes: { version: row.version } });
  const current = await repo.currentText(db);
  return textView({ ...row, used: 0 }, current?.id ?? null);
}
