import { useQuery } from '@tanstack/react-query';
import { api, withQuery } from '../../platform/api';
import { useI18n } from '../../platform/i18n';
import type {
  ReportCadence,
  ReportDeliveryList,
  ReportDocument,
  ReportKind,
  ReportSubscriptionList,
} from '../../../../src/modules/reports/reports.contract';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export {
  REPORT_CADENCES,
  REPORT_FORMATS,
  REPORT_KINDS,
  type ReportCadence,
  type ReportDeliveryList,
  type ReportDeliveryMessage,
  type ReportDeliveryView,
  type ReportFormat,
  type ReportSubscriptionView,
  type ReportDocument,
  type ReportFigure,
  type ReportKind,
  type ReportSection,
  type ReportTable,
  type ReportUnit,
} from '../../../../src/modules/reports/reports.contract';

/** What a report is asked for: its kind, week or month, and any day of that period (none: the last complete one). */
export type ReportQuery = { kind: ReportKind; cadence: ReportCadence; date?: string };

export const reportKeys = {
  all: ['reports'] as const,
  // The document's labels come in the UI language, so the language is part of the key.
  one: (q: ReportQuery, lang: string) => ['reports', q.kind, q.cadence, q.date ?? null, lang] as const,
  subscriptions: ['reports', 'subscriptions'] as const,
  deliveries: (id: string) => ['reports', 'subscriptions', id, 'deliveries'] as const,
};

/** The query string the report and its downloads share. */
export const reportParams = (q: ReportQuery) => ({ cadence: q.cadence, date: q.date });

export type ExportFormat = 'xlsx' | 'pdf';
/** The path of a report's download; `withQuery(path, reportParams(q))` is its URL (the same query as the screen's). */
export const exportPath = (q: ReportQuery, format: ExportFormat) => `/api/v1/reports/${q.kind}/export.${format}`;
export const exportUrl = (q: ReportQuery, format: ExportFormat) => withQuery(exportPath(q, format), reportParams(q));

/** A report document (figures this period and the one before, and tables), in the UI language. */
export function useReport(q: ReportQuery) {
  const { lang } = useI18n();
  return useQuery({
    queryKey: reportKeys.one(q, lang),
    queryFn: ({ signal }) => api.get<ReportDocument>(`/api/v1/reports/${q.kind}`, reportParams(q), signal),
  });
}

/** The report subscriptions the user sees (their own; all of them with a data scope of all), newest first. */
export function useReportSubscriptions() {
  return useQuery({
    queryKey: reportKeys.subscriptions,
    queryFn: ({ signal }) => api.get<ReportSubscriptionList>('/api/v1/reports/subscriptions', undefined, signal),
  });
}

/** A subscription's send history: each period's delivery with its emails' states in the outbox (null: nothing asked). */
export function useReportDeliveries(id: string | null) {
  return useQuery({
    queryKey: reportKeys.deliveries(id ?? ''),
    queryFn: ({ signal }) => api.get<ReportDeliveryList>(`/api/v1/reports/subscriptions/${id}/deliveries`, undefined, signal),
    enabled: !!id,
  });
}
