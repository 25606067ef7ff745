/**
 * The consent cache is the ledger, whatever happens (issue #18 item 4): a seeded random sequence of every operation that
 * changes consent — create, edit, an agent's grant or withdrawal per channel and purpose, the unsubscribe link, the
 * objection to marketing, the TD keyword, a merge, a customer written outside the ledger — then, for every customer,
 * the consent column equals the ledger replayed from scratch (entries in id order, the `service` purpose and `all`),
 * and each purpose's state the API reports equals the replay too.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import { CONSENT_CHANNELS, CONSENT_ENTRY_PURPOSES, CONSENT_PURPOSES, type ConsentLedgerView } from './consent.contract.js';

let ctx: TestContext;

/** mulberry32: the same sequence on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Customer = { id: string; phone: string; version: number };
type Entry = { customer_id: string; channel: string; purpose: string; action: string };

describe('the consent cache equals the ledger after random operations', () => {
  beforeAll(async () => {
    ctx = await createTestContext();
    ok(await ctx.admin.patch('/api/v1/message-settings', { sms: { inboundKey: 'prop-key' }, weeklyCap: 100 }));
  });
  afterAll(async () => ctx?.close());

  it('holds for every customer and every purpose', { timeout: 600_000 }, async () => {
    const random = rng(20261207);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const someConsent = () => Object.fromEntries(CONSENT_CHANNELS.filter(() => random() < 0.5).map((ch) => [ch, random() < 0.6]));
    const live: Customer[] = [];
    let n = 0;
    const create = async () => {
      const phone = `1391222${String(n++).padStart(4, '0')}`;
      const c = await ctx.newCustomer({ name: `随机同意${n}`, phones: [phone], email: `r${n}@example.com`, consent: someConsent() });
      live.push({ id: c.id, phone, version: c.version });
    };
    for (let i = 0; i < 6; i++) await create();
    const ops: Record<string, () => Promise<void>> = {
      create,
      async edit() {
        const c = pick(live);
        const now = ok(await ctx.admin.get(`/api/v1/customers/${c.id}`));
        ok(await ctx.admin.patch(`/api/v1/customers/${c.id}`, { version: now.version, consent: someConsent() }));
      },
      async agent() {
        const c = pick(live);
        ok(await ctx.admin.post(`/api/v1/customers/${c.id}/consent`, { channel: pick([...CONSENT_CHANNELS, 'all']), purpose: pick(CONSENT_ENTRY_PURPOSES), action: pick(['grant', 'withdraw']) }), 201);
      },
      async link() {
        const c = pick(live);
        const now = ok(await ctx.admin.get(`/api/v1/customers/${c.id}`));
        if (!now.consent.email) return;
        const m = ok(await ctx.admin.post(`/api/v1/customers/${c.id}/messages`, { channel: 'email', category: 'transactional', subject: '通知', body: '您好' }), 201);
        const token = /unsubscribe\/([\w-]{22}\.[\w-]{22})/.exec(m.body as string)?.[1];
        if (token) ok(await ctx.anon.post(`/api/v1/unsubscribe/${token}${random() < 0.5 ? '/marketing' : ''}`));
      },
      async keyword() {
        const c = pick(live);
        ok(await ctx.anon.post('/api/v1/messages/inbound/sms?key=prop-key', { phone_number: c.phone, content: pick(['TD', '退订', 't']) }));
      },
      async merge() {
        if (live.length < 3) return;
        const a = live.splice(Math.floor(random() * live.length), 1)[0]!;
        const b = pick(live);
        const [sa, sb] = [ok(await ctx.admin.get(`/api/v1/customers/${b.id}`)), ok(await ctx.admin.get(`/api/v1/customers/${a.id}`))];
        ok(await ctx.admin.post('/api/v1/customers/merge', { survivorId: b.id, mergedId: a.id, survivorVersion: sa.version, mergedVersion: sb.version, values: { consent: pick(['survivor', 'merged']) } }));
      },
      async outside() {
        // A script writes the column directly (as before the ledger): the next recorded change adopts it.
        const c = pick(live);
        await ctx.database.db.execute(sql`update customers set consent = jsonb_set(consent, ${`{${pick(CONSENT_CHANNELS)}}`}::text[], 'true'::jsonb)
          where id = ${c.id} and not exists (select 1 from privacy_consent_entries e where e.customer_id = ${c.id})`);
      },
    };
    const names = Object.keys(ops);
    const weights = { create: 1, edit: 3, agent: 5, link: 2, keyword: 2, merge: 1, outside: 1 } as Record<string, number>;
    const bag = names.flatMap((k) => Array<string>(weights[k]!).fill(k));
    for (let i = 0; i < 160; i++) await ops[pick(bag)]!();

    // The oracle: every entry replayed in id order.
    const entries = rowsOf<Entry>(await ctx.database.db.execute(sql`select customer_id, channel, purpose, action from privacy_consent_entries order by id`));
    const replay = new Map<string, boolean>();
    for (const e of entries) {
      for (const p of CONSENT_PURPOSES) if (e.purpose === p || e.purpose === 'all') replay.set(`${e.customer_id}:${e.channel}:${p}`, e.action === 'grant');
    }
    const customers = rowsOf<{ id: string; consent: Record<string, boolean> }>(await ctx.database.db.execute(sql`select id, consent from customers`));
    const withEntries = new Set(entries.map((e) => e.customer_id));
    let checked = 0;
    for (const c of customers) {
      // Customers the outside write touched before any entry are the ledger's to adopt at their next change.
      if (!withEntries.has(c.id) && Object.values(c.consent).some(Boolean)) continue;
      const expected = Object.fromEntries(CONSENT_CHANNELS.map((ch) => [ch, replay.get(`${c.id}:${ch}:service`) ?? false]));
      expect({ id: c.id, consent: Object.fromEntries(CONSENT_CHANNELS.map((ch) => [ch, !!c.consent[ch]])) }).toEqual({ id: c.id, consent: expected });
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
    expect(entries.length).toBeGreaterThan(100);
    // What the API reports per purpose is the replay too.
    for (const c of live) {
      const l = ok<ConsentLedgerView>(await ctx.admin.get(`/api/v1/customers/${c.id}/consent`));
      for (const s of l.state) expect([c.id, s.channel, s.purpose, s.granted]).toEqual([c.id, s.channel, s.purpose, replay.get(`${c.id}:${s.channel}:${s.purpose}`) ?? false]);
    }
  });
});
