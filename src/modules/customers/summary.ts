/**
 * The customer 360 page's summary band (`GET /customers/:id/summary`): a registry like the timeline's. Each module
 * that owns a figure about a customer (value tier, CLV and churn risk; lifetime spend and arrears; last contact and open
 * tasks; open tickets; the next care occasion; consent; the loyalty tier and points) exports a `CustomerSummarySource`
 * from its index.ts, registered once by the composition root (src/app.ts). The service checks the customer against
 * the caller's data scope once (out of scope: 404), then asks each source whose permissions the caller holds, in order;
 * a source may leave out more figures under its own rules. The figures' labels, sources and empty reasons are message
 * keys of the band's catalogue (`summary.messages.ts`), translated here into the caller's language.
 */
import { requireAccess, type Actor, type Permission } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { t, type Locale, type MessageKey, type MessageParams } from '../../platform/i18n/index.js';
import { companyClock } from '../settings/index.js';
import type { Consent } from './customers.contract.js';
import { customerAccess } from './access.js';
import * as repo from './customers.repository.js';
import { AppError } from '../../platform/errors.js';
import type { CustomerSummaryFigure, CustomerSummaryView, SummaryTone, SummaryUnit } from './summary.contract.js';

/** The customer as a source sees it (already checked against the caller's scope). */
export type SummaryCustomer = {
  id: string;
  name: string;
  consent: Consent;
  createdAt: Date;
  deleted: boolean;
};

export type SummaryContext = {
  db: DbOrTx;
  actor: Actor;
  customer: SummaryCustomer;
  locale: Locale;
  /** The company's zone and day, and the request's instant (the app's clock). */
  zone: string;
  today: string;
  now: Date;
  /** `/customers/<id>?tab=<tab>`: a tab of the 360 page. */
  tab(tab: string): string;
};

/**
 * A message key with its parameters, or a text already in the caller's language. (Parameters may be undefined only so
 * that array literals of figures with different parameters type-check; an undefined one is left out.)
 */
export type SummaryText = MessageKey | { key: MessageKey; params?: Record<string, string | number | undefined> } | { text: string };

/** What a source returns for one figure; the registry translates it and fills in the source. */
export type SummaryFigureDraft = {
  key: string;
  label: MessageKey;
  value: number | string | null;
  unit: SummaryUnit;
  text?: SummaryText | null;
  detail?: SummaryText | null;
  tone?: SummaryTone;
  /** The company day the figure is as of; omitted: live, as of today. */
  asOf?: string;
  link: string | null;
  /** Why there is no value (required when `value` is null). */
  empty?: SummaryText | null;
};

/**
 * A module's contribution to the band. `permissions`: the caller needs all of them, else the source's figures are
 * left out (not an error). `source`: the message key naming where its figures come from (价值分析, 交易 …).
 */
export type CustomerSummarySource = {
  key: string;
  order: number;
  permissions: Permission[];
  source: MessageKey;
  figures(ctx: SummaryContext): Promise<SummaryFigureDraft[]>;
};

const sources = new Map<string, CustomerSummarySource>();

export function registerCustomerSummarySource(source: CustomerSummarySource): void {
  sources.set(source.key, source);
}

export function customerSummarySources(): CustomerSummarySource[] {
  return [...sources.values()].sort((a, b) => a.order - b.order || a.key.localeCompare(b.key));
}

function textOf(locale: Locale, x: SummaryText | null | undefined): string | null {
  if (x === null || x === undefined) return null;
  if (typeof x === 'string') return t(locale, x);
  if ('text' in x) return x.text;
  const params: MessageParams = {};
  for (const [k, v] of Object.entries(x.params ?? {})) if (v !== undefined) params[k] = v;
  return t(locale, x.key, params);
}

export async function customerSummary(db: DbOrTx, actor: Actor | null, customerId: string, now = new Date()): Promise<CustomerSummaryView> {
  requireAccess(actor, 'customer:read');
  const row = await repo.findCustomer(db, customerId, customerAccess.scope(actor));
  if (!row) throw AppError.notFound('customers.not_found');
  const clock = await companyClock(db, now);
  const locale = actor.locale;
  const ctx: SummaryContext = {
    db,
    actor,
    customer: { id: row.id, name: row.name, consent: row.consent, createdAt: row.createdAt, deleted: !!row.deletedAt },
    locale,
    zone: clock.zone,
    today: clock.today,
    now,
    tab: (tab) => `/customers/${row.id}?tab=${tab}`,
  };
  const figures: CustomerSummaryFigure[] = [];
  // One after another: on the embedded database there is one connection.
  for (const source of customerSummarySources()) {
    if (!source.permissions.every((p) => actor.permissions.has(p))) continue;
    for (const f of await source.figures(ctx)) {
      figures.push({
        key: f.key,
        labelKey: f.label,
        label: t(locale, f.label),
        value: f.value,
        unit: f.unit,
        text: f.value === null ? null : textOf(locale, f.text),
        detail: textOf(locale, f.detail),
        tone: f.tone ?? 'default',
        sourceKey: source.source,
        source: t(locale, source.source),
        asOf: f.asOf ?? clock.today,
        live: f.asOf === undefined,
        link: f.link,
        empty: f.value === null ? (textOf(locale, f.empty) ?? t(locale, 'summary.empty.none')) : null,
      });
    }
  }
  return { customerId: row.id, today: clock.today, computedAt: now.toISOString(), figures };
}
