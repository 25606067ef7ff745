/** Runs the real server (`src/main.ts`) as a child process, as `npm start` would, for crash and shutdown tests. */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { ROOT_DIR } from '../platform/version.js';
import { entryArgs, killGroup, spawnGroup } from './spawn.js';

export { killChildren } from './spawn.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export type ServerProcess = { child: ChildProcess; url: string; output: () => string; exited: Promise<number | null> };

/** The server in a process of its own: the run's bundle, or `src/main.ts` through tsx as `npm start` runs it (`asInstalled`). */
export async function startServer(env: Record<string, string>, asInstalled = false): Promise<ServerProcess> {
  const port = await freePort();
  let out = '';
  // Its own process group (spawn.ts): killed with what it started if it hangs; killChildren() in afterAll.
  const child = spawnGroup(process.execPath, entryArgs('server', asInstalled), {
    cwd: ROOT_DIR,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`);
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`server did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, output: () => out, exited };
}

/** Signs in over real HTTP and returns headers for JSON writes. */
export async function signIn(url: string, login: string, password: string): Promise<Record<string, string>> {
  const r = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  if (r.status !== 200) throw new Error(`sign-in failed: ${r.status} ${await r.text()}`);
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await r.json()) as { csrfToken: string };
  return { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
}
