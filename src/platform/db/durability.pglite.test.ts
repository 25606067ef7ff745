import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killChildren, signIn, startServer, type ServerProcess } from '../../test/server-process.js';
import { seedDataDir } from '../../test/provided.js';

/**
 * The embedded database must hold every acknowledged write through a crash (kill -9), and a SIGTERM must let
 * in-flight requests finish and close the database cleanly. Runs the real server process on a temp DATA_DIR.
 */
describe('embedded database durability', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hearth-durability-'));
  const running: ServerProcess[] = [];
  // The run's migrated data directory (initdb and the migrations are not what this test is about).
  beforeAll(() => seedDataDir(dataDir));
  afterAll(() => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    killChildren();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    const s = await startServer({ DATA_DIR: dataDir });
    running.push(s);
    return s;
  };

  async function burst(url: string, headers: Record<string, string>, n: number, onAck: (id: string, name: string) => void, stopAfter?: () => void) {
    let next = 0;
    let acked = 0;
    const worker = async () => {
      while (next < n) {
        const i = next++;
        const name = `崩溃测试${i}`;
        try {
          const r = await fetch(`${url}/api/v1/customers`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ name, phones: [`139${String(10000000 + i)}`], address: { compound: '幸福家园', room: String(i) } }),
          });
          if (r.status === 201) {
            onAck(((await r.json()) as { id: string }).id, name);
            if (++acked === 60) stopAfter?.();
          }
        } catch {
          return; // connection refused/reset after the crash: not acknowledged
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  }

  it('keeps every acknowledged write after kill -9', async () => {
    const first = await start();
    const setup = await fetch(`${first.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ companyName: '耐久测试', template: 'blank', admin: { username: 'admin', displayName: 'Admin', password: 'Admin1234' } }),
    });
    expect(setup.status).toBe(201);
    const headers = await signIn(first.url, 'admin', 'Admin1234');

    const acknowledged = new Map<string, string>();
    await burst(first.url, headers, 400, (id, name) => acknowledged.set(id, name), () => first.child.kill('SIGKILL'));
    await first.exited;
    expect(first.child.signalCode).toBe('SIGKILL');
    expect(acknowledged.size).toBeGreaterThanOrEqual(60);

    const second = await start();
    const h2 = await signIn(second.url, 'admin', 'Admin1234');
    for (const [id, name] of acknowledged) {
      const r = await fetch(`${second.url}/api/v1/customers/${id}`, { headers: h2 });
      expect(r.status, `customer ${id} acknowledged before the crash`).toBe(200);
      expect(((await r.json()) as { name: string }).name).toBe(name);
    }
    const list = await fetch(`${second.url}/api/v1/customers?withTotal=true&limit=1`, { headers: h2 });
    expect(((await list.json()) as { total: number }).total).toBeGreaterThanOrEqual(acknowledged.size);

    // SIGTERM during a burst: accepted requests complete, the process exits 0, and the data is there on restart.
    const acked2 = new Map<string, string>();
    const during = burst(second.url, h2, 200, (id, name) => acked2.set(id, name), () => second.child.kill('SIGTERM'));
    await during;
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('bye');

    const third = await start();
    const h3 = await signIn(third.url, 'admin', 'Admin1234');
    for (const [id, name] of acked2) {
      const r = await fetch(`${third.url}/api/v1/customers/${id}`, { headers: h3 });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { name: string }).name).toBe(name);
    }
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  }, 240_000); // three real server starts and two bursts: well over the default minute on a busy 2-core machine
});
