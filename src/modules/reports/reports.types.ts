/** Request schemas of the reports API. */
import { z } from 'zod';
import { REPORT_CADENCES, REPORT_FORMATS, REPORT_KINDS } from './reports.contract.js';

export const reportParams = z.strictObject({ kind: z.enum(REPORT_KINDS) });
export const reportQuery = z.strictObject({
  cadence: z.enum(REPORT_CADENCES).default('month'),
  date: z.iso.date().optional().describe('Any day of the week or month wanted; the last complete one by default'),
});

const recipients = z
  .array(z.email().max(254))
  .min(1)
  .max(20)
  .describe('Email addresses (staff): each gets the report');
export const createSubscriptionBody = z.strictObject({
  kind: z.enum(REPORT_KINDS),
  cadence: z.enum(REPORT_CADENCES),
  format: z.enum(REPORT_FORMATS).default('pdf'),
  recipients,
});
export const updateSubscriptionBody = z.strictObject({
  format: z.enum(REPORT_FORMATS).optional(),
  recipients: recipients.optional(),
  active: z.boolean().optional(),
});
export const subscriptionParams = z.strictObject({ id: z.uuid() });
