import { z } from 'zod';
import { optionalText, trimmedText } from '../../platform/http/validation.js';
import { TRANSACTION_TYPES } from './transactions.contract.js';
import { MAX_COUPON_CODE } from './codes.js';


export { TRANSACTION_TYPES };
const MAX_FEN = 100_000_000_000; // ¥1,000,000,000.00

const text = trimmedText;
const optText = optionalText;

/** A date (the start of that day in UTC+8) or an instant with an offset; not in the future. */
const occurredAt = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00+08:00`) : new Date(v)))
  .refine((d) => d.getUTCFullYear() >= 1900 && d.getTime() <= Date.now() + 86_400_000, { message: 'validation.invalid_date' });

export const lineSchema = z.strictObject({
  productId: z.uuid().nullable().optional(),
  description: text(200).optional(),
  quantity: z.number().positive().max(1_000_000).multipleOf(0.001).default(1),
  unitPriceFen: z.number().int().min(0).max(MAX_FEN).optional().describe('Defaults to the product price'),
});
export type LineInput = z.infer<typeof lineSchema>;

export const createTransactionBody = z.strictObject({
  occurredAt,
  type: z.enum(TRANSACTION_TYPES),
  amountFen: z.number().int().min(0).max(MAX_FEN).optional().describe('Integer fen; the sum of the lines when omitted'),
  channel: optText(50),
  externalId: optText(100),
  heatingSeason: z
    .string()
    .regex(/^\d{4}-\d{4}$/)
    .refine((s) => Number(s.slice(5)) === Number(s.slice(0, 4)) + 1, { message: 'validation.invalid_format' })
    .nullable()
    .optional()
    .describe('e.g. 2024-2025'),
  billedAreaM2: z.number().min(0).max(1_000_000).multipleOf(0.01).nullable().optional(),
  lines: z.array(lineSchema).max(100).default([]),
  notes: optText(2000),
  couponCode: optText(MAX_COUPON_CODE).describe('A coupon code to redeem (purchases only); empty means none'),
  refundOfId: z.uuid().nullable().optional().describe("A refund's purchase or payment (same customer); its refunds together never exceed its amount"),
});
export type CreateTransactionInput = z.infer<typeof createTransactionBody>;

export const transactionListQuery = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
  type: z.enum(TRANSACTION_TYPES).optional(),
  deleted: z.enum(['exclude', 'only']).default('exclude'),
});

export const productBody = z.strictObject({
  code: text(40).min(1),
  name: text(100).min(1),
  category: optText(50),
  priceFen: z.number().int().min(0).max(MAX_FEN).default(0),
  unit: optText(20),
  active: z.boolean().default(true),
});
export const productPatch = z.strictObject({
  code: text(40).min(1).optional(),
  name: text(100).min(1).optional(),
  category: optText(50),
  priceFen: z.number().int().min(0).max(MAX_FEN).optional(),
  unit: optText(20),
  active: z.boolean().optional(),
});
export const productQuery = z.strictObject({
  q: text(50).optional(),
  category: text(50).optional(),
  includeInactive: z.enum(['true', 'false']).optional(),
});

export const customerIdParam = z.strictObject({ id: z.uuid() });
export const transactionIdParam = z.strictObject({ id: z.uuid() });
