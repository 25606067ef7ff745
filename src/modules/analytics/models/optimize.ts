/**
 * Minimisers for the models' likelihoods, in log-parameter space, each with a budget and a clear outcome:
 * - a box of bounds (outside it the objective is +Infinity, so a likelihood that keeps rising towards infinite
 *   parameters stops at the box instead of running off, and the fit says which parameter hit its bound);
 * - an iteration limit and a deadline (wall-clock), so no fit can hang a run;
 * - the reason the search stopped: converged, max_iterations, time_limit or stalled.
 *
 * The searches are written as generators that yield after every evaluation: `drive` runs one to the end at once (the
 * CLI, the tests), `driveAsync` gives the event loop a turn every few milliseconds (the analytics run inside the
 * server: requests keep being answered while a model is fitted).
 */
export type StopReason = 'converged' | 'max_iterations' | 'time_limit' | 'stalled';

export interface MinimiseResult {
  x: number[];
  f: number;
  iterations: number;
  converged: boolean;
  stop: StopReason;
}

export interface Budget {
  /** Iterations of the search (BFGS steps or Nelder–Mead moves). */
  maxIterations?: number;
  /** Wall-clock limit of the whole fit, in seconds (default 30). */
  seconds?: number;
}

export interface MinimiseOptions {
  step?: number;
  maxIterations?: number;
  /** Relative tolerance on the objective's spread over the simplex. */
  fTol?: number;
  xTol?: number;
  restarts?: number;
  /** performance.now() after which the search stops with time_limit. */
  deadline?: number;
  /** Box of the parameters (log space); outside it the objective is +Infinity. */
  lower?: readonly number[];
  upper?: readonly number[];
}

/** A search that yields after each objective evaluation and returns its result. */
export type Steps<T> = Generator<void, T, void>;

/** Runs a search to its end without yielding. */
export function drive<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Runs a search, giving the event loop a turn whenever it has computed for `sliceMs` (20 ms by default). */
export async function driveAsync<T>(steps: Steps<T>, sliceMs = 20): Promise<T> {
  let since = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - since >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
}

export const DEFAULT_FIT_SECONDS = 30;
export const deadlineOf = (budget: Budget | undefined): number => performance.now() + 1000 * (budget?.seconds ?? DEFAULT_FIT_SECONDS);

const inBox = (x: readonly number[], lower?: readonly number[], upper?: readonly number[]) =>
  x.every((v, i) => (lower === undefined || v >= lower[i]!) && (upper === undefined || v <= upper[i]!));

/**
 * A deterministic Nelder–Mead minimiser (adaptive coefficients of Gao & Han 2012) with restarts: each restart
 * builds a fresh simplex around the best point, which repairs a collapsed simplex; the search stops when a restart
 * no longer improves the objective. Non-finite objective values count as +Infinity, so the search stays inside
 * the region where the likelihood is defined (and inside the box).
 */
export function* nelderMeadSteps(fn: (x: readonly number[]) => number, start: readonly number[], options: MinimiseOptions = {}): Steps<MinimiseResult> {
  const n = start.length;
  const maxIterations = options.maxIterations ?? 5000 * n;
  const fTol = options.fTol ?? 1e-12;
  const xTol = options.xTol ?? 1e-9;
  const deadline = options.deadline ?? Infinity;
  const f = (x: readonly number[]): number => {
    if (!inBox(x, options.lower, options.upper)) return Infinity;
    const v = fn(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const alpha = 1;
  const gamma = 1 + 2 / n;
  const rho = 0.75 - 1 / (2 * n);
  const sigma = 1 - 1 / n;

  let best = [...start];
  let bestF = f(best);
  let iterations = 0;
  let converged = false;
  let stop: StopReason = 'stalled';
  const restarts = options.restarts ?? 20;
  let step = options.step ?? 0.5;

  outer: for (let restart = 0; restart <= restarts; restart++) {
    if (iterations >= maxIterations) {
      stop = 'max_iterations';
      break;
    }
    const simplex: number[][] = [best.slice()];
    for (let i = 0; i < n; i++) {
      const p = best.slice();
      // Step inwards when the outward step would leave the box.
      p[i] = p[i]! + (options.upper && p[i]! + step > options.upper[i]! ? -step : step);
      simplex.push(p);
    }
    const values = simplex.map(f);
    yield;
    let local = false;
    while (true) {
      if (iterations >= maxIterations) {
        stop = 'max_iterations';
        break outer;
      }
      if (performance.now() > deadline) {
        stop = 'time_limit';
        break outer;
      }
      iterations++;
      // Order.
      const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]! || i - j);
      const s = order.map((i) => simplex[i]!);
      const v = order.map((i) => values[i]!);
      simplex.splice(0, simplex.length, ...s);
      values.splice(0, values.length, ...v);
      const fBest = values[0]!;
      const fWorst = values[n]!;
      let spread = 0;
      for (let i = 1; i <= n; i++) for (let k = 0; k < n; k++) spread = Math.max(spread, Math.abs(simplex[i]![k]! - simplex[0]![k]!));
      if (Math.abs(fWorst - fBest) <= fTol * (Math.abs(fBest) + 1e-10) && spread <= xTol * 1e3) {
        local = true;
        break;
      }
      if (spread <= xTol) {
        local = true;
        break;
      }
      const centroid = new Array<number>(n).fill(0);
      for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) centroid[k]! += simplex[i]![k]! / n;
      const worst = simplex[n]!;
      const at = (t: number) => centroid.map((c, k) => c + t * (c - worst[k]!));
      const xr = at(alpha);
      const fr = f(xr);
      yield;
      if (fr < values[0]!) {
        const xe = at(alpha * gamma);
        const fe = f(xe);
        yield;
        if (fe < fr) {
          simplex[n] = xe;
          values[n] = fe;
        } else {
          simplex[n] = xr;
          values[n] = fr;
        }
        continue;
      }
      if (fr < values[n - 1]!) {
        simplex[n] = xr;
        values[n] = fr;
        continue;
      }
      const outside = fr < values[n]!;
      const xc = at(outside ? alpha * rho : -rho);
      const fc = f(xc);
      yield;
      if (fc < (outside ? fr : values[n]!)) {
        simplex[n] = xc;
        values[n] = fc;
        continue;
      }
      // Shrink towards the best vertex.
      for (let i = 1; i <= n; i++) {
        simplex[i] = simplex[i]!.map((x, k) => simplex[0]![k]! + sigma * (x - simplex[0]![k]!));
        values[i] = f(simplex[i]!);
        yield;
      }
    }
    let bi = 0;
    for (let i = 1; i <= n; i++) if (values[i]! < values[bi]!) bi = i;
    const improved = bestF - values[bi]!;
    if (values[bi]! <= bestF) {
      best = simplex[bi]!.slice();
      bestF = values[bi]!;
    }
    if (local && restart > 0 && improved <= fTol * (Math.abs(bestF) + 1e-10)) {
      converged = true;
      stop = 'converged';
      break;
    }
    step = Math.max(step / 2, 1e-3);
  }
  return { x: best, f: bestF, iterations, converged, stop };
}

export function nelderMead(fn: (x: readonly number[]) => number, start: readonly number[], options: MinimiseOptions = {}): MinimiseResult {
  return drive(nelderMeadSteps(fn, start, options));
}

/**
 * BFGS with an Armijo backtracking line search, for smooth objectives with an analytic gradient. `fg` returns the
 * value and writes the gradient into `grad`. Stops when the largest gradient component is below `gTol` or the
 * objective stops changing; non-finite values (and points outside the box) make the line search step back.
 */
export function* bfgsSteps(
  fgRaw: (x: readonly number[], grad: number[] | null) => number,
  start: readonly number[],
  options: { gTol?: number; maxIterations?: number; costlyGradient?: boolean; fTol?: number; deadline?: number; lower?: readonly number[]; upper?: readonly number[] } = {},
): Steps<MinimiseResult> {
  const fg = (x: readonly number[], grad: number[] | null): number => (inBox(x, options.lower, options.upper) ? fgRaw(x, grad) : Infinity);
  // With a costly (numeric) gradient the line search asks for values only and the gradient once a step is taken.
  const costly = options.costlyGradient ?? false;
  const fTol = options.fTol ?? 1e-15;
  const n = start.length;
  const gTol = options.gTol ?? 1e-9;
  const maxIterations = options.maxIterations ?? 500;
  const deadline = options.deadline ?? Infinity;
  let x = [...start];
  let g = new Array<number>(n).fill(0);
  let f = fg(x, g);
  yield;
  if (!Number.isFinite(f)) return { x, f: Infinity, iterations: 0, converged: false, stop: 'stalled' };
  // Inverse Hessian approximation, starting as the identity.
  let H: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j): number => (i === j ? 1 : 0)));
  let stall = 0;
  for (let it = 1; it <= maxIterations; it++) {
    if (Math.max(...g.map(Math.abs)) < gTol) return { x, f, iterations: it, converged: true, stop: 'converged' };
    if (performance.now() > deadline) return { x, f, iterations: it, converged: false, stop: 'time_limit' };
    let d = H.map((row) => -row.reduce((s, h, j) => s + h * g[j]!, 0));
    let slope = d.reduce((s, di, i) => s + di * g[i]!, 0);
    if (!(slope < 0)) {
      // Not a descent direction: restart from steepest descent.
      H = H.map((row, i) => row.map((_, j): number => (i === j ? 1 : 0)));
      d = g.map((gi) => -gi);
      slope = -g.reduce((s, gi) => s + gi * gi, 0);
    }
    // Keep steps in log-parameter space moderate.
    const norm = Math.sqrt(d.reduce((s, di) => s + di * di, 0));
    let step = norm > 2 ? 2 / norm : 1;
    const gNew = new Array<number>(n).fill(0);
    let xNew = x;
    let fNew = Infinity;
    for (let k = 0; k < 60; k++) {
      xNew = x.map((xi, i) => xi + step * d[i]!);
      fNew = fg(xNew, costly ? null : gNew);
      yield;
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(Number.isFinite(fNew) && fNew <= f)) return { x, f, iterations: it, converged: false, stop: 'stalled' };
    if (costly) {
      fg(xNew, gNew);
      yield;
    }
    const s = xNew.map((xi, i) => xi - x[i]!);
    const y = gNew.map((gi, i) => gi - g[i]!);
    const sy = s.reduce((acc, si, i) => acc + si * y[i]!, 0);
    const change = f - fNew;
    x = xNew;
    g = gNew.slice();
    f = fNew;
    if (change <= fTol * (Math.abs(f) + 1e-10)) {
      if (++stall >= 2) {
        const ok = Math.max(...g.map(Math.abs)) < Math.max(gTol * 1e3, 1e-5);
        return { x, f, iterations: it, converged: ok, stop: ok ? 'converged' : 'stalled' };
      }
    } else stall = 0;
    if (sy > 1e-16) {
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
      const rho = 1 / sy;
      const Hy = H.map((row) => row.reduce((acc, h, j) => acc + h * y[j]!, 0));
      const yHy = y.reduce((acc, yi, i) => acc + yi * Hy[i]!, 0);
      H = H.map((row, i) => row.map((h, j) => h - rho * (Hy[i]! * s[j]! + s[i]! * Hy[j]!) + (rho * rho * yHy + rho) * s[i]! * s[j]!));
    }
  }
  return { x, f, iterations: maxIterations, converged: false, stop: 'max_iterations' };
}

export function bfgs(
  fg: (x: readonly number[], grad: number[] | null) => number,
  start: readonly number[],
  options: { gTol?: number; maxIterations?: number; costlyGradient?: boolean; fTol?: number; deadline?: number; lower?: readonly number[]; upper?: readonly number[] } = {},
): MinimiseResult {
  return drive(bfgsSteps(fg, start, options));
}

/**
 * BFGS from the start, then — if it did not converge and time is left — Nelder–Mead from where it stopped (a flat or
 * awkward surface; Nelder–Mead needs no gradient). The iterations of both are counted.
 */
export function* bfgsThenNelderMead(
  fg: (x: readonly number[], grad: number[] | null) => number,
  f: (x: readonly number[]) => number,
  start: readonly number[],
  box: { lower: readonly number[]; upper: readonly number[] },
  budget: Budget | undefined,
  bfgsOptions: { gTol?: number; costlyGradient?: boolean; fTol?: number } = {},
): Steps<MinimiseResult> {
  const deadline = deadlineOf(budget);
  const maxIterations = budget?.maxIterations;
  const first = yield* bfgsSteps(fg, start, { ...bfgsOptions, deadline, ...box, ...(maxIterations ? { maxIterations } : {}) });
  if (first.converged || first.stop === 'time_limit') return first;
  const nm = yield* nelderMeadSteps(f, first.x, { deadline, ...box, ...(maxIterations ? { maxIterations } : {}) });
  return { ...nm, iterations: first.iterations + nm.iterations };
}
