/**
 * Inbound e-mail finds its customer through an index (issue #19, at scale): the sender's address is looked up by the
 * customers module (`customerByEmail`, its index.ts) as `lower(email)`, the expression of `customers_email_idx`.
 *
 * - Through HTTP: a mail from 「Wang.Li@Example.COM」 becomes feedback of the oldest live customer with that address in
 *   any case; a removed customer with the address is not matched; an unknown address leaves the item without one.
 * - The plan (EXPLAIN, on PostgreSQL and on the embedded database, 5,000 customers, analysed): an index scan of
 *   customers_email_idx, no sequential scan of customers — for an address held and for one nobody holds.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import { customerByEmailQuery } from '../customers/index.js';
import type { FeedbackItemView } from './feedback.contract.js';

const EMAIL_KEY = 'email-inbound-key-000000042';
let ctx: TestContext;
let ip = 0;

const mail = (messageId: string, from: string, text: string) =>
  ctx.app.inject({
    method: 'POST',
    url: `/api/v1/public/feedback/inbound/email?key=${EMAIL_KEY}`,
    payload: { messageId, from, text },
    headers: { 'content-type': 'application/json' },
    remoteAddress: `10.77.0.${++ip}`,
  });
const byRef = async (ref: string) => ok<{ items: FeedbackItemView[] }>(await ctx.admin.get('/api/v1/feedback?limit=100')).items.find((i) => i.sourceRef === ref);

type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] };
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

async function plan(email: string): Promise<PlanNode[]> {
  const [row] = rowsOf<Record<string, unknown>>(await ctx.database.db.execute(sql`explain (format json) ${customerByEmailQuery(email)}`));
  const raw = Object.values(row!)[0];
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
  return nodes(doc[0]!.Plan);
}

beforeAll(async () => {
  ctx = await createTestContext();
  ok(await ctx.admin.patch('/api/v1/feedback-settings/inbound', { emailKey: EMAIL_KEY }));
});
afterAll(() => ctx?.close());

describe('inbound e-mail matched by address through the index', () => {
  it('matches the oldest live customer with the address in any case; not a removed one; none for a stranger', async () => {
    const removed = await ctx.newCustomer({ name: '王丽（旧档）', email: 'wang.li@example.com' });
    expect((await ctx.admin.delete(`/api/v1/customers/${removed.id}`)).statusCode).toBeLessThan(300);
    const first = await ctx.newCustomer({ name: '王丽', email: 'Wang.Li@example.com' });
    await ctx.newCustomer({ name: '王丽的家人', email: 'WANG.LI@EXAMPLE.COM' });

    expect(ok(await mail('<m1@example.com>', '王丽 <wang.li@EXAMPLE.com>', '暖气不热，家里才十五度'))).toMatchObject({ recorded: 1 });
    expect(await byRef('email:<m1@example.com>')).toMatchObject({ customer: { id: first.id } });
    expect(ok(await mail('<m2@example.org>', 'nobody@example.org', '热线打不通'))).toMatchObject({ recorded: 1 });
    expect(await byRef('email:<m2@example.org>')).toMatchObject({ customer: null, contactName: 'nobody@example.org' });
  });

  it('the lookup is an index scan of customers_email_idx, never a sequential scan of customers', async () => {
    await ctx.database.db.execute(sql`insert into customers (name, email, consent)
      select '住户' || g, 'household' || g || '@example.com', '{}'::jsonb from generate_series(1, 5000) g`);
    await ctx.database.db.execute(sql`analyze customers`);
    for (const email of ['Household4242@Example.com', 'wang.li@example.com', 'nobody-at-all@example.net']) {
      const p = await plan(email);
      expect(p.some((n) => n['Index Name'] === 'customers_email_idx'), JSON.stringify(p)).toBe(true);
      expect(p.some((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'customers'), JSON.stringify(p)).toBe(false);
    }
  });
});
