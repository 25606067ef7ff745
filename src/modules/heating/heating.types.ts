/** Request schemas of the heating tools. */
import { z } from 'zod';
import { pageQuery } from '../../platform/http/cursor.js';
import { trimmedText } from '../../platform/http/validation.js';
import { NOTICE_CHANNELS, NOTICE_KINDS } from './heating.contract.js';

const name = (max: number) => trimmedText(max).min(1);

/** A node of the tree: a compound, a building of it, a unit of that building (the customers' own address fields). */
const target = {
  compound: name(100).optional().describe('小区, as the customers carry it'),
  building: name(20).optional().describe('楼栋 (needs compound)'),
  unit: name(20).optional().describe('单元 (needs building)'),
};

export const targetQuery = z.strictObject(target);
export type TargetQuery = z.infer<typeof targetQuery>;

export const seasonText = z
  .string()
  .regex(/^\d{4}-\d{4}$/, { message: 'validation.invalid_format' })
  .refine((s) => Number(s.slice(5)) === Number(s.slice(0, 4)) + 1, { message: 'validation.invalid_format' });

export const arrearsQuery = z.strictObject({ ...target, season: seasonText.optional().describe('A heating season, 2025-2026') });
export type ArrearsQuery = z.infer<typeof arrearsQuery>;

export const arrearsPageQuery = z.strictObject({ ...arrearsQuery.shape, ...pageQuery(200, 50) });

export const previewQuery = z.strictObject({ ...target, compound: name(100), channel: z.enum(NOTICE_CHANNELS).default('sms') });

export const noticeBody = z.strictObject({
  kind: z.enum(NOTICE_KINDS).describe('outage: 停暖通知; repair: 抢修通知'),
  compound: name(100),
  building: name(20).optional(),
  unit: name(20).optional(),
  templateId: z.uuid().optional().describe('A message template; or channel and text'),
  channel: z.enum(NOTICE_CHANNELS).optional().describe('With text: where it goes (SMS by default)'),
  text: trimmedText(500).min(1).optional().describe('The notice typed here, kept as a template of the 事务 category'),
});
export type NoticeInput = z.infer<typeof noticeBody>;

export const noticeListQuery = z.strictObject(pageQuery(100, 20));
export const idParam = z.strictObject({ id: z.uuid() });
