/**
 * 同意记录 (the consent ledger, issue #18 item 4): what its API returns and the vocabularies it uses. Types and plain
 * constants only, no imports: the web app compiles this file as it is.
 *
 * **Purposes** — a small fixed set, one per kind of message the company sends, so that a household can say yes to one
 * and no to another (PIPL Art. 14: consent is specific to a purpose; Art. 24: automated marketing must be refusable on
 * its own):
 * - `service` 服务通知 — what the relationship itself needs: ticket replies, outage and heating notices, receipts, a
 *   return visit. The customers' consent columns cache this purpose per channel; every message needs it.
 * - `marketing` 营销推广 — campaigns, offers, loyalty promotions and the care rules' greetings (outbox categories
 *   `marketing` and `care`): what the PIPL Art. 24 objection stops.
 * - `survey` 满意度调查 — survey invitations and reminders (outbox source `survey`).
 * Three, not more: each outbox message maps to exactly one, and each is a question the counter can ask in one breath.
 * An entry may also be for `all` purposes (the customer form's per-channel checkbox, an unsubscribe link): it sets
 * every purpose of that channel at once.
 */

export const CONSENT_PURPOSES = ['service', 'marketing', 'survey'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
/** A purpose of an entry: one purpose, or `all` of them on the channel. */
export const CONSENT_ENTRY_PURPOSES = [...CONSENT_PURPOSES, 'all'] as const;
export type ConsentEntryPurpose = (typeof CONSENT_ENTRY_PURPOSES)[number];

/** The channels consent is given for: the customers' consent fields (电话, 短信, 邮件, 微信). */
export const CONSENT_CHANNELS = ['phone', 'sms', 'email', 'wechat'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export const CONSENT_ACTIONS = ['grant', 'withdraw'] as const;
export type ConsentAction = (typeof CONSENT_ACTIONS)[number];

/**
 * Where an entry came from: the customer form (create / edit), an import, an inbound SMS TD / 退订 keyword, the
 * unsubscribe link in a message, an agent recording what the customer said (the 360 page's 同意记录), a public page
 * (the objection to marketing on the unsubscribe page), a merge of duplicates (the survivor took the other's choice),
 * `migration`: the consent a customer already had when the ledger was introduced, or a bulk load (the demo), or
 * `erasure`: every consent ends when the person's data is erased at their request.
 */
export const CONSENT_SOURCES = ['form', 'import', 'sms_keyword', 'unsubscribe_link', 'agent', 'public_page', 'merge', 'migration', 'erasure'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

export const CONSENT_LIMITS = { note: 500, title: 100, body: 5000 } as const;

export type ConsentEntryView = {
  id: number;
  channel: ConsentChannel;
  purpose: ConsentEntryPurpose;
  action: ConsentAction;
  source: ConsentSource;
  /** The consent text shown when it was given or withdrawn (its version), if any. */
  textId: string | null;
  textVersion: number | null;
  recordedAt: string;
  recordedById: string | null;
  recordedByName: string | null;
  note: string | null;
  /** What it came from: a message id (link), the keyword (SMS), an import job id. */
  ref: string | null;
};

/** Every channel × purpose as the ledger says now, and the entry that decided it (null: never given). */
export type ConsentStateView = { channel: ConsentChannel; purpose: ConsentPurpose; granted: boolean; entryId: number | null; at: string | null };

/** A customer's consent: the current state and the ledger, newest first (keyset pages). */
export type ConsentLedgerView = {
  customerId: string;
  state: ConsentStateView[];
  items: ConsentEntryView[];
  nextCursor: string | null;
};

/** A version of the consent text the company shows (counter form, public pages); immutable once recorded on an entry. */
export type ConsentTextView = {
  id: string;
  version: number;
  titleZh: string;
  titleEn: string | null;
  bodyZh: string;
  bodyEn: string | null;
  /** The newest version is the current one: new entries record it unless they name another. */
  current: boolean;
  /** Entries that recorded it (a used version cannot be edited: a new version is made instead). */
  used: number;
  createdAt: string;
  updatedAt: string;
  /** Bumped by each edit: an edit names the revision it started from (409 when stale). */
  revision: number;
};

export type ConsentTextList = { items: ConsentTextView[] };
