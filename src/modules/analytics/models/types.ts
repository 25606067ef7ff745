/** Types of the customer-base models (re-exported by index.ts, the contract). */

/** One customer (or `n` identical customers): x repeat purchases, the last at t_x, observed for T since the first. */
export interface RepeatSummary {
  x: number;
  tx: number;
  T: number;
  /** Weight: how many customers share these values (default 1). */
  n?: number;
}

/** Spend of one customer (or `n` identical ones): x repeat purchases (≥ 1) with mean value m. */
export interface SpendSummary {
  x: number;
  m: number;
  n?: number;
}

export interface BgNbdParams { r: number; alpha: number; a: number; b: number }
export interface ParetoNbdParams { r: number; alpha: number; s: number; beta: number }
export interface GammaGammaParams { p: number; q: number; v: number }
export interface SbgParams { alpha: number; beta: number }

export type ModelName = 'bgnbd' | 'mbgnbd' | 'pnbd' | 'gg' | 'sbg';

/** Why a fit's search stopped: converged, or the limit that ended it, or a parameter at the edge of its box. */
export type FitStop = 'converged' | 'max_iterations' | 'time_limit' | 'stalled' | 'at_bound';

export interface Fit<P> {
  model: ModelName;
  params: P;
  /** The maximised log-likelihood (of the weighted data). */
  logLik: number;
  /** Customers (sum of weights) or, for sBG, the cohort size. */
  n: number;
  converged: boolean;
  iterations: number;
  /** Why the search stopped (`converged` only when it converged inside the parameter box). */
  stop: FitStop;
  /** The parameters at the edge of their box (with stop = at_bound). */
  atBound?: string[];
}
