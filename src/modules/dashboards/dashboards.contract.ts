/**
 * What the home dashboards API returns, shared with the web UI. Types and constants only, and no imports, so the
 * browser build can compile this file as it is.
 *
 * A board is the page a role lands on; its tiles come from the modules (each registers its own with the dashboards
 * registry). Every tile has the same shape, so the UI draws any of them: a few headline figures, the first records
 * behind it, an optional chart, and links — the tile's, each figure's, each row's and each chart point's — to the
 * filtered list that holds the records it counts (drill-through).
 */

/** The boards: one per kind of work (the agent's day, an account manager's book, a manager's goals, the system). */
export const DASHBOARD_BOARDS = ['agent', 'account', 'manager', 'admin'] as const;
export type DashboardBoard = (typeof DASHBOARD_BOARDS)[number];

/** How a figure reads: a count, money in fen, a percentage (0–100), a score, hours, or bytes. */
export const TILE_UNITS = ['count', 'fen', 'percent', 'score', 'hours', 'bytes'] as const;
export type TileUnit = (typeof TILE_UNITS)[number];

/** The colour a figure or row is drawn in: neutral, good, needs attention, late or failing. */
export const TILE_TONES = ['default', 'success', 'warning', 'danger'] as const;
export type TileTone = (typeof TILE_TONES)[number];

/** A headline figure. `value` null: nothing to compute yet (e.g. no analytics run, no answers). */
export type TileStat = { label: string; value: number | null; unit: TileUnit; tone: TileTone; link: string | null };

/** One record behind the tile (a ticket, a task, a customer …), linking to its page. */
export type TileRow = { id: string; label: string; detail: string | null; at: string | null; tone: TileTone; link: string | null };

/** A chart: x labels and one or more series of the same length; `links[i]` is where point i drills to. */
export type TileChart = {
  kind: 'line' | 'bar';
  unit: TileUnit;
  x: string[];
  series: { name: string; values: (number | null)[]; links: (string | null)[] }[];
};

export type DashboardTileView = {
  key: string;
  title: string;
  /** What the figures count, in one sentence. */
  description: string | null;
  stats: TileStat[];
  rows: TileRow[];
  chart: TileChart | null;
  /** The list the whole tile drills to. */
  link: string | null;
};

/** GET /dashboards/home: the board shown, the boards this user may switch to, and its tiles in order. */
export type DashboardHome = { board: DashboardBoard; boards: DashboardBoard[]; asOf: string; tiles: DashboardTileView[] };
