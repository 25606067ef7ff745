/**
 * The customers' part of the global search (`customerSearchSource`, registered in src/app.ts): the list's own text
 * rules (filterOf: name, address and email through the trigram / bigram indexes; a phone fragment only for customer:pii
 * holders, a complete number for anyone), the customer number (户号, exact), one Chinese character as the start of the
 * name (the name index), all within the caller's data scope; phones masked.
 */
import { and, arrayContains, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import { can, type Actor } from '../../platform/auth/permissions.js';
import type { Db } from '../../platform/db/client.js';
import { maskPhone } from '../../platform/phone.js';
import type { SearchQuery, SearchSource } from '../search/index.js';
import { customerAccess } from './access.js';
import { customerFields } from './field-access.js';
import { ADDRESS_KEYS } from './customers.contract.js';
import { scopeCondition, textMatch } from './customers.repository.js';
import { filterOf } from './customers.service.js';
import { customers } from './schema.js';

/** Candidates read before ranking (a common fragment matches thousands: the palette shows the best few). */
const CANDIDATES = 50;

function textCondition(actor: Actor, q: SearchQuery): SQL | undefined {
  const chars = Array.from(q.text);
  const alts: SQL[] = [];
  // A customer number (户号) as typed: the unique index on external_id.
  alts.push(eq(customers.externalId, q.text));
  if (chars.length === 1) {
    // One character: no trigram or bigram can hold it. A Chinese character is the start of a name (王 → 王伟, 王芳),
    // as a range over the name index; one digit or letter is only a number.
    if (!q.numeric) alts.push(sql`(${customers.name} >= ${q.text} and ${customers.name} < ${q.text + '\u{10ffff}'} and starts_with(${customers.name}, ${q.text}))`);
    return or(...alts);
  }
  const f = filterOf(actor, { q: q.text, deleted: 'exclude' } as Parameters<typeof filterOf>[1]).text;
  if (f) {
    // A short number (1–2 digits) matches no text usefully and would scan: only the exact number is asked.
    // Field grants: textMatch leaves out what the email or the address alone would find for a role that does not see them.
    if (!(q.numeric && chars.length < 3)) alts.push(textMatch(f));
    if (f.phoneDigits) alts.push(sql`${customers.phoneDigits} like ${f.phoneDigits}`);
    if (f.exactPhone) alts.push(arrayContains(customers.phones, [f.exactPhone]));
  }
  return or(...alts);
}

function addressText(row: Record<string, unknown>): string {
  return ADDRESS_KEYS.map((k) => row[k])
    .filter((v): v is string => typeof v === 'string' && !!v)
    .join('');
}

export const customerSearchSource: SearchSource = {
  group: 'customers',
  async search(db: Db, actor: Actor, q: SearchQuery) {
    if (!can(actor, 'customer:read')) return null;
    const rows = await db
      .select({
        id: customers.id,
        name: customers.name,
        phones: customers.phones,
        externalId: customers.externalId,
        ...Object.fromEntries(ADDRESS_KEYS.map((k) => [k, customers[k]])),
      })
      .from(customers)
      .where(and(isNull(customers.deletedAt), scopeCondition(customerAccess.scope(actor)), textCondition(actor, q)))
      .limit(CANDIDATES);
    const fields = customerFields(actor);
    const needle = q.text.toLowerCase();
    // Exact number first, then names starting with the text, then the rest; shorter names before longer ones.
    const rank = (r: (typeof rows)[number]) => (r.externalId === q.text ? 0 : r.name.toLowerCase().startsWith(needle) ? 1 : r.name.toLowerCase().includes(needle) ? 2 : 3);
    return rows
      .sort((a, b) => rank(a) - rank(b) || a.name.length - b.name.length || a.name.localeCompare(b.name, 'zh-CN') || (a.id < b.id ? -1 : 1))
      .slice(0, q.limit)
      .map((r) => ({
        id: r.id,
        title: r.name,
        // Field grants: a phone or address the caller's role does not see is not shown.
        subtitle:
          [r.externalId, r.phones[0] && fields.visible('phones') ? maskPhone(r.phones[0]) : null, fields.visible('address') ? addressText(r as Record<string, unknown>) : null]
            .filter(Boolean)
            .join(' · ') || null,
        link: `/customers/${r.id}`,
      }));
  },
};
