/**
 * 立即执行 over a large book on the embedded database: the care run shares the one connection and thread with every
 * request, so it must give the event loop turns between its task transactions (a fuzz run on 2026-12-07 held
 * /api/health for over 30 s with transactions of 500 tasks and no turn between them). Real sockets (the server
 * listening, `fetch` as the client, in this same thread): a run that never yielded would leave every request unread
 * until it ended. No time limits: the proof is the order — answers that show the run still in progress.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';

describe('a care run on PGlite leaves room for requests', () => {
  let ctx: TestContext;
  let base: string;
  let cookie: string;
  const BOOK = 2500;
  const openVisits = async () =>
    Number(rowsOf<{ n: string }>(await ctx.database.db.execute(sql`select count(*)::text n from tasks where type = 'return_visit'`))[0]!.n);

  beforeAll(async () => {
    ctx = await createTestContext();
    base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    cookie = ctx.admin.cookie!;
    await ctx.database.db.execute(
      sql`insert into customers (name, tags, consent) select '批量回访' || g, '{批量}'::text[], '{}'::jsonb from generate_series(1, ${BOOK}) g`,
    );
  });
  afterAll(() => ctx.close());

  it('answers /api/health and reads while 立即执行 creates a large book’s visits', { timeout: 300_000 }, async () => {
    const fallback = await ctx.newUser({ role: 'account_manager' });
    const plan = ok(
      await ctx.admin.post('/api/v1/care/plans', {
        name: '批量回访',
        kind: 'interval',
        audience: { tags: ['批量'] },
        intervalDays: 30,
        taskTitle: '批量回访',
        fallbackUserId: fallback.userId,
      }),
      201,
    );
    let done = false;
    const run = fetch(`${base}/api/v1/care/run`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': ctx.admin.csrf!, 'content-type': 'application/json' },
      body: JSON.stringify({ planId: plan.id }),
    }).then(async (res) => {
      done = true;
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    });
    // Requests made while the run is in flight: each answer that comes back before the run's own, with some of the
    // book's visits written and not all, was served between two of the run's transactions.
    const during: number[] = [];
    while (!done && during.length < 3) {
      const health = await fetch(`${base}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok' });
      const written = await openVisits();
      if (!done && written > 0 && written < BOOK && !during.includes(written)) during.push(written);
    }
    expect(during.length, `answers seen during the run: ${JSON.stringify(during)}`).toBe(3);
    const { status, body } = await run;
    expect(status).toBe(200);
    expect(body).toMatchObject({ tasks: BOOK, errors: 0 });
    expect(await openVisits()).toBe(BOOK);
  });
});
