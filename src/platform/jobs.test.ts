/**
 * The job queue (jobs.ts) on the real database: a handler registered after the queue started — a module wired after
 * another module's first send, as the nightly jobs are sent at a server's start between 02:00 and 06:00 — still gets
 * its jobs run (they used to wait forever: campaign launches and survey sends, in the night's browser tests).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/harness.js';
import { Jobs } from './jobs.js';

describe('job queue', () => {
  let ctx: TestContext;
  let jobs: Jobs | null = null;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => {
    await jobs?.stop();
    await ctx.close();
  });

  it('runs the jobs of a queue whose handler was registered after the first send', async () => {
    jobs = new Jobs(ctx.database);
    const ran: string[] = [];
    jobs.handle('test.early', async (data) => void ran.push(`early ${String(data.n)}`));
    await jobs.send('test.early', { n: 1 });
    jobs.handle('test.late', async (data) => void ran.push(`late ${String(data.n)}`));
    await jobs.send('test.late', { n: 2 });
    const deadline = Date.now() + 30_000;
    while (ran.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(ran.sort()).toEqual(['early 1', 'late 2']);
  }, 60_000);
});
