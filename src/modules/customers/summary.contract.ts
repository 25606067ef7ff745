/**
 * What `GET /customers/:id/summary` returns, shared with the web UI (the 360 page's summary band). Types and plain
 * constants only, and no imports, so the browser build can compile this file as it is.
 *
 * The band's figures come from the modules that own them (analytics, transactions, interactions, tickets, care,
 * messages, loyalty), each through a source registered with the customers module (`registerCustomerSummarySource`).
 * Every figure says where it comes from and as of when, and links to the tab or list behind it. A figure the caller
 * may not read is left out; a figure with nothing to show yet has `value` null and says why in `empty`.
 */

/** How a figure's value reads: money in fen, a count, points, a 0–100 score, a day (YYYY-MM-DD), an instant, or text. */
export const SUMMARY_UNITS = ['fen', 'count', 'points', 'score', 'date', 'datetime', 'text'] as const;
export type SummaryUnit = (typeof SUMMARY_UNITS)[number];

/** The colour a figure is drawn in: neutral, good, needs attention, bad. */
export const SUMMARY_TONES = ['default', 'success', 'warning', 'danger'] as const;
export type SummaryTone = (typeof SUMMARY_TONES)[number];

export type CustomerSummaryFigure = {
  /** Stable id, `<module>.<figure>` (analytics.value_tier, transactions.arrears …). */
  key: string;
  /** The label's message key, and the label in the caller's language. */
  labelKey: string;
  label: string;
  /** The figure in its unit (fen, a count, points, a score, YYYY-MM-DD, an ISO instant) or a code; null: see `empty`. */
  value: number | string | null;
  unit: SummaryUnit;
  /** How the value reads when it is a code or a list (高价值, 电话 ✓ · 短信 ✗ …); null: formatted from `value` by `unit`. */
  text: string | null;
  /** A second line: the top churn reason, the season owed, the latest open ticket … */
  detail: string | null;
  tone: SummaryTone;
  /** Where the figure comes from: the source's message key and its name in the caller's language (价值分析, 交易 …). */
  sourceKey: string;
  source: string;
  /** The company day the figure is as of (YYYY-MM-DD): the analytics run's date, or today for a live figure. */
  asOf: string;
  /** Computed now from the records themselves (shown as 「截至今天」), rather than by a run as of `asOf`. */
  live: boolean;
  /** The tab of the 360 page or the list behind the figure (an app path), or null. */
  link: string | null;
  /** Why there is no value (no analytics run yet, no contact yet …), in the caller's language; null when there is one. */
  empty: string | null;
};

/** GET /customers/:id/summary: the figures in display order, computed at `computedAt`, the company day `today`. */
export type CustomerSummaryView = {
  customerId: string;
  today: string;
  computedAt: string;
  figures: CustomerSummaryFigure[];
};
