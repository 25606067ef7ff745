/**
 * An upload left unconfirmed (待确认) for 24 hours is expired (已过期): shown so in the job and the recent list, and it
 * can no longer start (409 imports.expired). A fresh one still starts.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestContext, type TestContext } from '../../test/harness.js';
import { upload, waitFor } from '../../test/imports.js';
import { importJobs } from './schema.js';

describe('import upload expiry', () => {
  let ctx: TestContext;
  let agent: Client;

  beforeAll(async () => {
    ctx = await createTestContext();
    agent = await ctx.newUser({ role: 'agent' });
  });
  afterAll(() => ctx.close());

  it('an upload unconfirmed for 24 h reads as expired and refuses to start; one of 23 h still starts', async () => {
    const csv = '姓名,手机号\n张伟,13800001111\n';
    const old = await upload(agent, 'customers', 'old.csv', csv);
    const recent = await upload(agent, 'customers', 'recent.csv', csv.replace('张伟', '李娜').replace('1111', '2222'));

    await ctx.database.db.update(importJobs).set({ createdAt: sql`now() - interval '24 hours 1 minute'` }).where(eq(importJobs.id, old.job.id));
    await ctx.database.db.update(importJobs).set({ createdAt: sql`now() - interval '23 hours'` }).where(eq(importJobs.id, recent.job.id));

    const job = (await agent.get(`/api/v1/imports/${old.job.id}`)).json() as { status: string };
    expect(job.status).toBe('expired');
    const list = (await agent.get('/api/v1/imports')).json() as { items?: { id: string; status: string }[] } | { id: string; status: string }[];
    const items = Array.isArray(list) ? list : (list.items ?? []);
    expect(items.find((j) => j.id === old.job.id)?.status).toBe('expired');
    expect(items.find((j) => j.id === recent.job.id)?.status).toBe('pending');

    const refused = await agent.post(`/api/v1/imports/${old.job.id}/start`, { mapping: old.suggestedMapping }, { 'accept-language': 'en' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toMatch(/expired/);
    const zh = await agent.post(`/api/v1/imports/${old.job.id}/start`, { mapping: old.suggestedMapping });
    expect(zh.json().detail).toContain('已过期');
    // Still pending in the table (decided on read): nothing was started.
    const [row] = await ctx.database.db.select().from(importJobs).where(eq(importJobs.id, old.job.id));
    expect(row!.status).toBe('pending');

    const started = await agent.post(`/api/v1/imports/${recent.job.id}/start`, { mapping: recent.suggestedMapping });
    expect(started.statusCode).toBe(200);
    expect((await waitFor(agent, recent.job.id)).status).toBe('done');
  });
});
