/** What the demo-data API returns (shared with the web app; no imports). */
export type DemoStatus = {
  status: 'none' | 'loading' | 'done' | 'failed';
  seed: number | null;
  size: number | null;
  asOf: string | null;
  /** Households written so far. */
  loaded: number;
  customers: number;
  transactions: number;
  /** The service history (tickets, feedback, care) played after the households: scripts done of all; null before. */
  history: { played: number; scripts: number } | null;
  /** SHA-256 of the generated rows: the same seed, size and date always give the same value. */
  fingerprint: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  seconds: number | null;
  error: string | null;
};

export const DEMO_DEFAULT_SIZE = 50_000;
export const DEMO_MAX_SIZE_HTTP = 200_000;
