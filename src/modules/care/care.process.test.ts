/**
 * Two real server processes on one PostgreSQL database: both run the care rules at the same moment, one is restarted
 * (its start-up run fires too), and each customer still has exactly one birthday task and one message. PostgreSQL
 * only (PGlite allows one process per data directory).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedPostgresDatabase, TEST_DB_KIND } from '../../test/harness.js';
import { killChildren, signIn, startServer, type ServerProcess } from '../../test/server-process.js';

const shanghaiToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

describe.skipIf(TEST_DB_KIND !== 'postgres')('care across two server processes', () => {
  let scratch: Awaited<ReturnType<typeof migratedPostgresDatabase>>;
  const servers: ServerProcess[] = [];
  const stop = async (s: ServerProcess) => {
    s.child.kill('SIGTERM');
    await s.exited;
  };

  beforeAll(async () => {
    scratch = await migratedPostgresDatabase('hearth_care');
  });
  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null) await stop(s);
    killChildren();
    await scratch?.drop();
  });

  it('a birthday rule yields one task and one message per customer, whatever the processes do', async () => {
    const env = { DATABASE_URL: scratch.url, LOG_LEVEL: 'warn' };
    const a = await startServer(env);
    servers.push(a);
    const setup = await fetch(`${a.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ companyName: '测试热力公司', template: 'heating', admin: { username: 'admin', displayName: '管理员', password: 'Admin1234' } }),
    });
    expect(setup.status).toBe(201);
    const headersA = await signIn(a.url, 'admin', 'Admin1234');
    const post = async (base: string, headers: Record<string, string>, url: string, body: unknown) => {
      const r = await fetch(`${base}${url}`, { method: 'POST', headers, body: JSON.stringify(body) });
      const data = (await r.json()) as Record<string, any>;
      if (r.status >= 300) throw new Error(`${url} → ${r.status} ${JSON.stringify(data)}`);
      return data;
    };
    // The second process is up (its start-up run found no rule) before the data exists.
    const b = await startServer(env);
    servers.push(b);
    const headersB = await signIn(b.url, 'admin', 'Admin1234');
    const today = shanghaiToday();
    const birthday = today.slice(5) === '02-29' ? '1992-02-29' : `1990-${today.slice(5)}`;
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const c = await post(a.url, headersA, '/api/v1/customers', { name: `进程${i}`, phones: [`1380013${String(i).padStart(4, '0')}`], birthday, consent: { sms: true } });
      ids.push(c.id as string);
    }
    const tpl = await post(a.url, headersA, '/api/v1/message-templates', { name: '生日短信', channel: 'sms', bodyZh: '{{name}}，生日快乐！' });
    await post(a.url, headersA, '/api/v1/care/rules', { name: '生日关怀', occasion: 'birthday', actions: [{ taskTitle: '生日问候', templateId: tpl.id }] });

    const [ra, rb] = await Promise.all([post(a.url, headersA, '/api/v1/care/run', {}), post(b.url, headersB, '/api/v1/care/run', {})]);
    expect(ra.tasks + rb.tasks).toBe(20);
    expect(ra.skipped + rb.skipped).toBe(20);
    expect(ra.errors + rb.errors).toBe(0);

    // A restart: the new process runs the rules at start, then on demand.
    await stop(a);
    const a2 = await startServer(env);
    servers.push(a2);
    const again = await post(a2.url, await signIn(a2.url, 'admin', 'Admin1234'), '/api/v1/care/run', {});
    expect(again.tasks).toBe(0);

    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    try {
      const res = await client.query<{ customer_id: string; tasks: number; messages: number }>(
        `select c.id as customer_id,
                (select count(*)::int from tasks t where t.customer_id = c.id) as tasks,
                (select count(*)::int from messages m where m.customer_id = c.id) as messages
           from customers c where c.id = any($1::uuid[])`,
        [ids],
      );
      expect(res.rows.length).toBe(20);
      for (const r of res.rows) expect([r.tasks, r.messages]).toEqual([1, 1]);
    } finally {
      await client.end();
    }
  });
});
