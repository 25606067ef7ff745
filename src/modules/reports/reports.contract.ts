/**
 * What the reports API (报表中心, issue #17) returns, shared with the web UI. Types and constants only, no imports.
 *
 * A report is a kind (service, value, retention) over a week or a month (company time zone): sections of figures,
 * each this period against the one before, and tables. The same document is shown on screen (printable) and
 * rendered as a workbook (XLSX) and a PDF with its Chinese text embedded.
 */

export const REPORT_KINDS = ['service', 'value', 'retention'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_CADENCES = ['week', 'month'] as const;
export type ReportCadence = (typeof REPORT_CADENCES)[number];

export const REPORT_UNITS = ['count', 'fen', 'percent', 'score', 'hours'] as const;
export type ReportUnit = (typeof REPORT_UNITS)[number];

/** A figure this period and the period before; `better` says which way is good (for colouring the change). */
export type ReportFigure = { key: string; label: string; unit: ReportUnit; value: number | null; previous: number | null; better: 'higher' | 'lower' };

export type ReportTable = {
  title: string;
  columns: { key: string; label: string; unit: ReportUnit | 'text' }[];
  rows: Record<string, string | number | null>[];
};

export type ReportSection = { key: string; title: string; figures: ReportFigure[]; tables: ReportTable[] };

export type ReportPeriod = { start: string; end: string; label: string };

export type ReportDocument = {
  kind: ReportKind;
  cadence: ReportCadence;
  title: string;
  company: string;
  period: ReportPeriod;
  previous: ReportPeriod;
  generatedAt: string;
  sections: ReportSection[];
};

/** What a subscription's email carries. */
export const REPORT_FORMATS = ['pdf', 'xlsx', 'both'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export type ReportSubscriptionView = {
  id: string;
  kind: ReportKind;
  cadence: ReportCadence;
  format: ReportFormat;
  recipients: string[];
  owner: { id: string; name: string };
  active: boolean;
  createdAt: string;
};
export type ReportSubscriptionList = { items: ReportSubscriptionView[] };

/** One email of a delivery, as the outbox has it now. */
export type ReportDeliveryMessage = {
  messageId: string;
  recipient: string;
  status: 'queued' | 'sending' | 'sent' | 'failed' | 'suppressed';
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
  nextAttemptAt: string | null;
};
/** The send history: each period's delivery and its emails. */
export type ReportDeliveryView = { id: string; periodStart: string; periodEnd: string; createdAt: string; messages: ReportDeliveryMessage[] };
export type ReportDeliveryList = { items: ReportDeliveryView[] };
