/**
 * On the embedded database a long job (the demo load, an import) shares the one connection and thread with every
 * request; it works in short slices, so requests are answered while it runs. Real sockets (the server listening,
 * `fetch` as the client): a job that never gave the event loop a turn would leave every request unread until it
 * ended. No time limits: the proof is the order — answers that show the job still running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { upload } from '../../test/imports.js';

describe('long jobs on PGlite leave room for requests', () => {
  let ctx: TestContext;
  let base: string;
  let cookie: string;
  const get = async (path: string) => {
    const res = await fetch(base + path, { headers: { cookie } });
    expect(res.status, path).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };

  beforeAll(async () => {
    ctx = await createTestContext();
    base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    cookie = ctx.admin.cookie!;
  });
  afterAll(() => ctx.close());

  it('answers /api/health and the demo status while the demo loads', { timeout: 300_000 }, async () => {
    // Enough households for several slices (the sizer aims at 100 ms a slice, from 100 households up); the whole
    // load, history included, is then waited for, so no more than needed (3,000 took ~150 CPU-s of CI).
    const size = 1500;
    const res = await ctx.admin.post('/api/v1/demo', { size, seed: 5 });
    expect(res.statusCode).toBe(202);
    const seen: number[] = [];
    let status = res.json() as { status: string; loaded: number };
    // Status answers during the load: each one is served between two of its slices.
    while (status.status === 'loading' && seen.length < 3) {
      status = (await get('/api/v1/demo')) as typeof status;
      if (status.status === 'loading' && status.loaded > 0 && status.loaded < size && !seen.includes(status.loaded)) {
        seen.push(status.loaded);
        // A request that needs no database is answered too, and the load is still running afterwards.
        expect(await get('/api/health')).toMatchObject({ status: 'ok' });
      }
    }
    expect(seen.length, `answers seen during the load: ${JSON.stringify(seen)}, then ${status.status}`).toBe(3);
    expect(((await get('/api/v1/demo')) as typeof status).loaded).toBeLessThan(size);
    while (status.status === 'loading') {
      await new Promise((r) => setTimeout(r, 200));
      status = (await get('/api/v1/demo')) as typeof status;
    }
    expect(status).toMatchObject({ status: 'done', loaded: size, customers: size });
  });

  it('answers a customer read while an import runs', { timeout: 300_000 }, async () => {
    const rows = 3000;
    const lines = ['户号,姓名,手机号,小区'];
    for (let i = 0; i < rows; i++) lines.push(`IMP${i},导入客户${i},137${String(i).padStart(8, '0')},导入小区`);
    const preview = await upload(ctx.admin, 'customers', 'many.csv', lines.join('\n') + '\n');
    const someone = await ctx.newCustomer({ name: '导入期间读取', phones: ['+8613912345678'] });
    const start = await ctx.admin.post(`/api/v1/imports/${preview.job.id}/start`, { mapping: preview.suggestedMapping });
    expect(start.statusCode, start.body).toBe(200);
    const seen: number[] = [];
    let job = start.json() as { status: string; processedRows: number };
    while (['queued', 'running'].includes(job.status) && seen.length < 3) {
      job = (await get(`/api/v1/imports/${preview.job.id}`)) as typeof job;
      if (job.status === 'running' && job.processedRows > 0 && job.processedRows < rows && !seen.includes(job.processedRows)) {
        seen.push(job.processedRows);
        expect(await get(`/api/v1/customers/${someone.id}`)).toMatchObject({ name: '导入期间读取' });
      }
    }
    expect(seen.length, `answers seen during the import: ${JSON.stringify(seen)}, then ${job.status}`).toBe(3);
    while (['queued', 'running'].includes(job.status)) {
      await new Promise((r) => setTimeout(r, 200));
      job = (await get(`/api/v1/imports/${preview.job.id}`)) as typeof job;
    }
    expect(job).toMatchObject({ status: 'done', processedRows: rows, created: rows });
  });
});
