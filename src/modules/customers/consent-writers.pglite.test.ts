/**
 * The consent column is the ledger's cache (issue #18 item 4): every change goes through `recordConsent`, which
 * appends to the privacy module's ledger and rewrites the cache from it. Before the ledger, `withdrawCustomerConsent`
 * (exported for the messages module's unsubscribe) flipped a channel in the column directly — an entry-less change the
 * ledger would then contradict. It is gone; this keeps it so: the customers module exports no such writer, and no
 * source file outside the cache's own writer (consent.ts) and the erasure hook (privacy.ts, whose ledger entries the
 * privacy hook writes in the same erasure) writes the column with an UPDATE. (Static: the database is not used.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../platform/version.js';
import * as customers from './index.js';

/** Every non-test TypeScript file under src/. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sources(full));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

/** The writers allowed to UPDATE customers.consent: the cache rewritten from the ledger, and the erasure hook. */
const ALLOWED = ['src/modules/customers/consent.ts', 'src/modules/customers/privacy.ts'];

describe('consent is written through the ledger only', () => {
  it('the customers module exports no direct consent writer', () => {
    expect(Object.keys(customers)).not.toContain('withdrawCustomerConsent');
    expect(Object.keys(customers)).toEqual(expect.arrayContaining(['recordConsent', 'writeConsentCache']));
  });

  it('no other source file updates the consent column', () => {
    const offenders: string[] = [];
    for (const file of sources(path.join(ROOT_DIR, 'src'))) {
      const rel = path.relative(ROOT_DIR, file).split(path.sep).join('/');
      if (ALLOWED.includes(rel)) continue;
      const text = readFileSync(file, 'utf8');
      // Drizzle: .update(customers).set({ … consent … }) before the set's first closing brace; raw SQL: update customers set … consent.
      const drizzle = /\.update\(\s*customers\s*\)\s*\.set\(\s*\{[^}]*\bconsent\b/.test(text);
      const raw = /update\s+"?customers"?\s+set\b[^;`]*\bconsent\b/i.test(text);
      if (drizzle || raw || text.includes('withdrawCustomerConsent')) offenders.push(rel);
    }
    expect(offenders).toEqual([]);
  });
});
