/** Response schemas of the reports API. */
import { z } from 'zod';
import { itemsOf, responseOf } from '../../platform/http/response.js';
import {
  REPORT_CADENCES,
  REPORT_FORMATS,
  REPORT_KINDS,
  REPORT_UNITS,
  type ReportDeliveryList,
  type ReportDocument,
  type ReportSubscriptionList,
  type ReportSubscriptionView,
} from './reports.contract.js';

const period = z.object({ start: z.string(), end: z.string(), label: z.string() });

export const reportDocument = responseOf<ReportDocument>()(
  z.object({
    kind: z.enum(REPORT_KINDS),
    cadence: z.enum(REPORT_CADENCES),
    title: z.string(),
    company: z.string(),
    period,
    previous: period,
    generatedAt: z.string(),
    sections: z.array(
      z.object({
        key: z.string(),
        title: z.string(),
        figures: z.array(
          z.object({
            key: z.string(),
            label: z.string(),
            unit: z.enum(REPORT_UNITS),
            value: z.number().nullable(),
            previous: z.number().nullable(),
            better: z.enum(['higher', 'lower']),
          }),
        ),
        tables: z.array(
          z.object({
            title: z.string(),
            columns: z.array(z.object({ key: z.string(), label: z.string(), unit: z.union([z.enum(REPORT_UNITS), z.literal('text')]) })),
            rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
          }),
        ),
      }),
    ),
  }),
);

export const reportSubscriptionView = responseOf<ReportSubscriptionView>()(
  z.object({
    id: z.string(),
    kind: z.enum(REPORT_KINDS),
    cadence: z.enum(REPORT_CADENCES),
    format: z.enum(REPORT_FORMATS),
    recipients: z.array(z.string()),
    owner: z.object({ id: z.string(), name: z.string() }),
    active: z.boolean(),
    createdAt: z.string(),
  }),
);
export const reportSubscriptionList = responseOf<ReportSubscriptionList>()(itemsOf(reportSubscriptionView));

export const reportDeliveryList = responseOf<ReportDeliveryList>()(
  itemsOf(
    z.object({
      id: z.string(),
      periodStart: z.string(),
      periodEnd: z.string(),
      createdAt: z.string(),
      messages: z.array(
        z.object({
          messageId: z.string(),
          recipient: z.string(),
          status: z.enum(['queued', 'sending', 'sent', 'failed', 'suppressed']),
          attempts: z.number().int(),
          lastError: z.string().nullable(),
          sentAt: z.string().nullable(),
          nextAttemptAt: z.string().nullable(),
        }),
      ),
    }),
  ),
);
