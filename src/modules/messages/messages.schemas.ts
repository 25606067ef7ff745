/**
 * Response schemas of the messages API (消息模板, the outbox, channel settings, the public unsubscribe page and the
 * SMS provider's callback), each tied to its messages.contract.ts type by responseOf.
 */
import { z } from 'zod';
import { pageOf, responseOf } from '../../platform/http/response.js';
import {
  EMAIL_ADAPTERS,
  MESSAGE_CATEGORIES,
  MESSAGE_CHANNELS,
  MESSAGE_REASONS,
  MESSAGE_STATUSES,
  SMS_ADAPTERS,
  TEMPLATE_VARIABLES,
  WECHAT_ADAPTERS,
  type MessagePage,
  type MessagePreview,
  type MessageSettingsView,
  type MessageTemplateList,
  type MessageTemplateView,
  type MessageView,
  type UnsubscribeInfo,
  type UserRef,
} from './messages.contract.js';

const userRef = responseOf<UserRef>()(z.object({ id: z.string(), name: z.string() }));
const messageLocale = z.enum(['zh-CN', 'en']);

export const messageTemplateView = responseOf<MessageTemplateView>()(
  z.object({
    id: z.string(),
    name: z.string(),
    channel: z.enum(MESSAGE_CHANNELS),
    category: z.enum(MESSAGE_CATEGORIES),
    subjectZh: z.string().nullable().describe('Email only'),
    subjectEn: z.string().nullable(),
    bodyZh: z.string(),
    bodyEn: z.string().nullable().describe('When empty, customers preferring English get the Chinese text'),
    archivedAt: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);

export const messageTemplateList = responseOf<MessageTemplateList>()(z.object({ items: z.array(messageTemplateView) }));

export const messagePreview = responseOf<MessagePreview>()(
  z.object({
    channel: z.enum(MESSAGE_CHANNELS),
    locale: messageLocale,
    fellBack: z.boolean().describe('True when the customer prefers English but the template has no English text'),
    subject: z.string().nullable(),
    body: z.string(),
    missing: z.array(z.enum(TEMPLATE_VARIABLES)).describe('Variables used by the template that have no value for this customer'),
    recipient: z.string().nullable().describe('Where it would go (phones masked); null when the customer has no address on the channel, or the role does not see it'),
    recipientHidden: z.literal(true).optional().describe("Present when the caller's role does not see the field the recipient comes from (field grants)"),
    consent: z.boolean().describe('Whether the customer consents to the channel'),
  }),
);

export const messageView = responseOf<MessageView>()(
  z.object({
    id: z.string(),
    customerId: z.string().nullable(),
    customerName: z.string().nullable(),
    channel: z.enum(MESSAGE_CHANNELS),
    category: z.enum(MESSAGE_CATEGORIES),
    templateId: z.string().nullable(),
    templateName: z.string().nullable(),
    locale: messageLocale,
    subject: z.string().nullable(),
    body: z.string(),
    recipient: z.string().describe("An email address, a mobile number (masked) or a WeChat openid; empty when the caller's role does not see that field"),
    status: z.enum(MESSAGE_STATUSES),
    reason: z.enum(MESSAGE_REASONS).nullable(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable().describe('When a queued message is tried next'),
    provider: z.string().nullable(),
    providerMessageId: z.string().nullable(),
    createdBy: userRef.nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    openedAt: z.string().nullable().describe('Marketing messages: first opened (an email image loaded or a tracked link followed)'),
    clickedAt: z.string().nullable(),
    clicks: z.number().int(),
  }),
);

export const messagePage = responseOf<MessagePage>()(
  pageOf(messageView),
);

export const messageSettingsView = responseOf<MessageSettingsView>()(
  z.object({
    publicUrl: z.string().nullable(),
    weeklyCap: z.number().int().describe('Marketing and care messages per customer per 7 days'),
    quietHours: z.object({ start: z.string(), end: z.string(), channels: z.array(z.enum(MESSAGE_CHANNELS)) }),
    retry: z.object({ maxAttempts: z.number(), baseMinutes: z.number(), factor: z.number() }),
    email: z.object({
      adapter: z.enum(EMAIL_ADAPTERS),
      host: z.string().nullable(),
      port: z.number().int(),
      secure: z.boolean(),
      user: z.string().nullable(),
      passwordSet: z.boolean(),
      fromAddress: z.string().nullable(),
      fromName: z.string().nullable(),
    }),
    sms: z.object({
      adapter: z.enum(SMS_ADAPTERS),
      baseUrl: z.string().nullable(),
      accessKeyId: z.string().nullable(),
      accessKeySecretSet: z.boolean(),
      signName: z.string().nullable(),
      templateCode: z.string().nullable(),
      inboundKeySet: z.boolean(),
    }),
    wechat: z.object({
      adapter: z.enum(WECHAT_ADAPTERS),
      baseUrl: z.string().nullable(),
      appId: z.string().nullable(),
      appSecretSet: z.boolean(),
      templateId: z.string().nullable(),
      openIdField: z.string(),
      contentKey: z.string(),
    }),
  }),
);

export const unsubscribeInfo = responseOf<UnsubscribeInfo>()(
  z.object({ channel: z.enum(MESSAGE_CHANNELS), companyName: z.string(), withdrawn: z.boolean(), marketingObjected: z.boolean().describe('Whether the household refused automated marketing on every channel (PIPL Art. 24)') }),
);

/** The SMS provider's inbound callback's answer (read by the provider, not the web app). */
export const inboundSmsAnswer = z.object({
  code: z.number().int().describe('0: received'),
  msg: z.string(),
  unsubscribed: z.number().int().describe('Customers whose SMS consent was withdrawn'),
});
