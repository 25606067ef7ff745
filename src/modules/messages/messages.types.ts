import { z } from 'zod';
import { optionalText, trimmedText } from '../../platform/http/validation.js';
import { EMAIL_ADAPTERS, MESSAGE_CATEGORIES, MESSAGE_CHANNELS, MESSAGE_STATUSES, SMS_ADAPTERS, WECHAT_ADAPTERS } from './messages.contract.js';
import { checkPlaceholders } from './variables.js';

/** The longest text per message (an email); SMS and WeChat texts are held to SMS_MAX by the service. */
export const BODY_MAX = 10_000;
export const SMS_MAX = 500;
export const SUBJECT_MAX = 200;

/** Text with {{variables}}: unknown variables and unclosed braces are refused, naming the field. */
const withPlaceholders = <T extends z.ZodType>(schema: T): T => schema.superRefine((v, ctx) => checkPlaceholders(v, ctx)) as T;

const templateFields = {
  name: trimmedText(100).min(1),
  channel: z.enum(MESSAGE_CHANNELS),
  category: z.enum(MESSAGE_CATEGORIES).describe('marketing and care count towards the weekly cap; transactional does not'),
  subjectZh: withPlaceholders(optionalText(SUBJECT_MAX)).describe('Email subject in Chinese (required for email)'),
  subjectEn: withPlaceholders(optionalText(SUBJECT_MAX)).describe('Email subject in English'),
  bodyZh: withPlaceholders(trimmedText(BODY_MAX).min(1)).describe('The text in Chinese, with {{name}}, {{company}}, {{points}}, {{date}}, {{owner}}, {{customerNo}}, {{coupon}} (campaigns)'),
  bodyEn: withPlaceholders(optionalText(BODY_MAX)).describe('The text in English; without it, customers preferring English get the Chinese text'),
};

export const createTemplateBody = z.strictObject({
  ...templateFields,
  category: templateFields.category.default('care'),
});
export type CreateTemplateInput = z.infer<typeof createTemplateBody>;

export const updateTemplateBody = z.strictObject({
  name: templateFields.name.optional(),
  channel: templateFields.channel.optional(),
  category: templateFields.category.optional(),
  subjectZh: templateFields.subjectZh,
  subjectEn: templateFields.subjectEn,
  bodyZh: templateFields.bodyZh.optional(),
  bodyEn: templateFields.bodyEn,
  version: z.number().int().min(1).optional().describe('The version the edit started from (409 when it changed since)'),
});
export type UpdateTemplateInput = z.infer<typeof updateTemplateBody>;

export const templateListQuery = z.strictObject({
  archived: z.enum(['exclude', 'only', 'include']).default('exclude'),
  channel: z.enum(MESSAGE_CHANNELS).optional(),
});

export const previewBody = z.strictObject({ customerId: z.uuid() });

export const sendMessageBody = z.strictObject({
  templateId: z.uuid().optional().describe('Send this template (rendered for the customer); or give channel and body'),
  channel: z.enum(MESSAGE_CHANNELS).optional().describe("Free text: the channel (a template's own channel otherwise)"),
  category: z.enum(MESSAGE_CATEGORIES).optional().describe("Defaults to the template's, or care; transactional bypasses the weekly cap"),
  subject: withPlaceholders(optionalText(SUBJECT_MAX)).describe('Free text: the email subject'),
  body: withPlaceholders(optionalText(BODY_MAX)).describe('Free text: the message, variables allowed'),
});
export type SendMessageInput = z.infer<typeof sendMessageBody>;

const limit = z.coerce.number().int().min(1).max(100).default(20);

export const customerMessagesQuery = z.strictObject({ cursor: z.string().max(300).optional(), limit });

export const outboxQuery = z.strictObject({
  status: z.enum(MESSAGE_STATUSES).optional(),
  channel: z.enum(MESSAGE_CHANNELS).optional(),
  customerId: z.uuid().optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('Created at or after this instant'),
  to: z.iso.datetime({ offset: true }).optional().describe('Created at or before this instant (end of a day: 23:59:59.999)'),
  cursor: z.string().max(300).optional(),
  limit,
});
export type OutboxQuery = z.infer<typeof outboxQuery>;

export const idParam = z.strictObject({ id: z.uuid() });
export const customerIdParam = z.strictObject({ id: z.uuid() });

// ---- channel settings ------------------------------------------------------------------------------------------

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
const httpUrl = z.url({ protocol: /^https?$/ }).max(300);
/** A secret: a new value replaces it, null removes it, leaving it out keeps it. */
const secret = z.string().trim().max(500).transform((s) => (s === '' ? null : s)).nullable().optional();

export const messageSettingsPatch = z.strictObject({
  publicUrl: httpUrl.nullable().optional().describe('The address people reach Hearth at, for unsubscribe links'),
  weeklyCap: z.number().int().min(1).max(100).optional(),
  quietHours: z
    .strictObject({
      start: hhmm.optional(),
      end: hhmm.optional(),
      channels: z.array(z.enum(MESSAGE_CHANNELS)).max(3).optional(),
    })
    .optional(),
  retry: z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(20).optional(),
      baseMinutes: z.number().min(0.1).max(1440).optional(),
      factor: z.number().min(1).max(10).optional(),
    })
    .optional(),
  email: z
    .strictObject({
      adapter: z.enum(EMAIL_ADAPTERS).optional(),
      host: optionalText(200),
      port: z.number().int().min(1).max(65535).optional(),
      secure: z.boolean().optional(),
      user: optionalText(200),
      password: secret,
      fromAddress: z.email().max(254).nullable().optional(),
      fromName: optionalText(100),
    })
    .optional(),
  sms: z
    .strictObject({
      adapter: z.enum(SMS_ADAPTERS).optional(),
      baseUrl: httpUrl.nullable().optional(),
      accessKeyId: optionalText(200),
      accessKeySecret: secret,
      signName: optionalText(50),
      templateCode: optionalText(100),
      inboundKey: secret,
    })
    .optional(),
  wechat: z
    .strictObject({
      adapter: z.enum(WECHAT_ADAPTERS).optional(),
      baseUrl: httpUrl.nullable().optional(),
      appId: optionalText(100),
      appSecret: secret,
      templateId: optionalText(200),
      openIdField: trimmedText(50).regex(/^[a-z][a-z0-9_]*$/).optional(),
      contentKey: trimmedText(50).regex(/^[A-Za-z][A-Za-z0-9_]*$/).optional(),
    })
    .optional(),
});
export type MessageSettingsPatch = z.infer<typeof messageSettingsPatch>;

// ---- public: unsubscribe and inbound SMS -----------------------------------------------------------------------

export const unsubscribeParam = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/) });

/** An inbound SMS (上行) as an Aliyun-style push: phone_number, content, send_time; one or a list. */
const inboundSms = z.looseObject({
  phone_number: z.string().trim().min(3).max(30),
  content: z.string().max(1000),
  send_time: z.string().max(40).optional(),
});
export const inboundSmsBody = z.union([inboundSms, z.array(inboundSms).min(1).max(1000)]);
export const inboundSmsQuery = z.strictObject({ key: z.string().min(1).max(500) });
