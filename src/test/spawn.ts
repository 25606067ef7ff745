/**
 * Child processes of the tests (servers, the `hearth` CLI), each in a process group of its own so that it can be
 * killed with everything it started: on a timeout, in the file's afterAll (`killChildren`), and when the test
 * process exits. A child left running would keep its PGlite data directory locked for the tests after it.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import path from 'node:path';
import { inject } from 'vitest';
import { ROOT_DIR } from '../platform/version.js';
import type { ServerBundle } from './server-bundle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    hearthServerBundle: ServerBundle | null;
  }
}

/**
 * V8 flags of the test servers (the bundle). `--liftoff-only`: PGlite's WebAssembly (PostgreSQL) runs as compiled by
 * the baseline compiler, without recompiling its hot functions with the optimising one in background threads. A test
 * server lives for seconds to a minute and runs few queries, so that recompilation was most of its start (start to
 * healthy: 5.0 → 3.2 CPU-s, measured 2026-12-07) and never paid back. The CLI's short commands run with them too
 * (runHearth); its long ones (which load demos and fit models in some tests) and production keep V8's defaults.
 * HEARTH_TEST_NODE_FLAGS replaces them (empty: none).
 */
const SERVER_FLAGS = (process.env.HEARTH_TEST_NODE_FLAGS ?? '--liftoff-only').split(/\s+/).filter(Boolean);

/** `hearth` commands that compute for long (see runHearth): run with V8's defaults. */
const LONG_COMMANDS = new Set(['demo', 'analytics', 'import', 'feedback', 'segments']);

/**
 * The node arguments that start the server or the `hearth` CLI: the run's bundle (server-bundle.ts, made by the
 * global setup), or the sources through tsx as `npm start` and `bin/hearth.mjs` run them (`asInstalled`, or when
 * the file runs without the global setup).
 */
export function entryArgs(which: 'server' | 'hearth', asInstalled = false): string[] {
  const bundle = asInstalled ? null : inject('hearthServerBundle');
  if (bundle) return which === 'server' ? [...SERVER_FLAGS, bundle.server] : [bundle.hearth];
  return which === 'server' ? ['--import', 'tsx', path.join(ROOT_DIR, 'src', 'main.ts')] : [path.join(ROOT_DIR, 'bin', 'hearth.mjs')];
}

const live = new Set<ChildProcess>();

/** Sends a signal to the child's whole process group (falls back to the child alone). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (child.pid) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    child.kill(signal);
  }
}

/** Kills every child still running (SIGKILL to each group). For afterAll; also runs when the process exits. */
export function killChildren(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
}
process.once('exit', killChildren);

/** spawn() in a new process group, tracked until it exits. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

export type RunResult = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean };

/**
 * Runs a command to its end and returns its exit code and output (no exception for a non-zero code). Past
 * `timeoutMs` its process group is killed and `timedOut` is set.
 */
export function runProcess(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; onStderr?: (chunk: string, child: ChildProcess) => void } = {},
): Promise<RunResult> {
  const child = spawnGroup(command, args, { cwd: options.cwd ?? ROOT_DIR, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    options.onStderr?.(d, child);
  });
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child, 'SIGKILL');
  }, options.timeoutMs ?? 120_000);
  return new Promise((resolve, reject) => {
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/**
 * `hearth …` as a user runs it: exit code (1 for a failure) and output. The run's bundle of the CLI, or
 * `bin/hearth.mjs` itself with `asInstalled`.
 */
export async function runHearth(args: string[], env: Record<string, string | undefined>, timeoutMs = 120_000, asInstalled = false): Promise<RunResult> {
  // The short commands (migrate, user, secrets, privacy, customers …) run with the servers' flags: they open the
  // database, do a little and exit, so the optimising compiler's work on PGlite's WebAssembly never paid back. The
  // long ones (loading a demo or a file, fitting models) keep V8's defaults. (CI: ~75 CPU-s of such short commands.)
  const flags = asInstalled || LONG_COMMANDS.has(args[0] ?? '') ? [] : SERVER_FLAGS;
  const r = await runProcess(process.execPath, [...flags, ...entryArgs('hearth', asInstalled), ...args], { env: { ...process.env, ...env }, timeoutMs });
  if (r.timedOut) throw new Error(`hearth ${args.join(' ')} did not finish within ${timeoutMs} ms (killed):\n${r.stderr}`);
  return r;
}
