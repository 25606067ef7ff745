/**
 * What the messages API returns (消息模板, the outbox, channel settings): plain types and constants with no imports,
 * shared with the web app.
 */

/** Where an outbound message goes: 短信, 邮件, 微信 (公众号 template message). */
export const MESSAGE_CHANNELS = ['sms', 'email', 'wechat'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

/**
 * 营销, 关怀, 事务: marketing and care messages count towards the weekly cap per customer; transactional ones (ticket
 * replies, payment receipts) do not.
 */
export const MESSAGE_CATEGORIES = ['marketing', 'care', 'transactional'] as const;
export type MessageCategory = (typeof MESSAGE_CATEGORIES)[number];

/**
 * queued (waiting for its next attempt), sending (claimed by a sender), sent, failed (attempts used up, or a
 * permanent error), suppressed (never sent: no consent, the weekly cap, customer deleted).
 */
export const MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'failed', 'suppressed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * Why a message was suppressed (status suppressed), or why a queued one waits (quiet_hours). withdrawn: what sent it in
 * bulk was called off before it went out (a cancelled campaign).
 */
export const MESSAGE_REASONS = ['no_consent', 'frequency_cap', 'customer_deleted', 'quiet_hours', 'withdrawn'] as const;
export type MessageReason = (typeof MESSAGE_REASONS)[number];

/**
 * The variables a template may use, as {{name}}: the customer's name, the company's name, loyalty points (the
 * customer's custom field `points` until the loyalty module provides them), today's date in the company's time zone,
 * the customer's account manager, the customer number, and the customer's coupon code (given by a campaign for each
 * customer; a single message has none, so it renders as empty text and is reported missing), and the customer's survey
 * link (given by a survey send or reminder for each customer, like the coupon).
 */
export const TEMPLATE_VARIABLES = ['name', 'company', 'points', 'date', 'owner', 'customerNo', 'coupon', 'surveyLink'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

export type MessageLocale = 'zh-CN' | 'en';

export type MessageTemplateView = {
  id: string;
  name: string;
  channel: MessageChannel;
  category: MessageCategory;
  /** Email only. */
  subjectZh: string | null;
  subjectEn: string | null;
  bodyZh: string;
  /** When empty, customers preferring English get the Chinese text. */
  bodyEn: string | null;
  archivedAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
};

export type MessageTemplateList = { items: MessageTemplateView[] };

/** A template rendered for one customer, in the customer's language (preferences.language, else zh-CN). */
export type MessagePreview = {
  channel: MessageChannel;
  locale: MessageLocale;
  /** True when the customer prefers English but the template has no English text. */
  fellBack: boolean;
  subject: string | null;
  /** A variable whose customer field the caller's role does not see renders as 「（无权查看）」 (field grants), not as its value. */
  body: string;
  /** Variables used by the template that have no value for this customer: they render as empty text. */
  missing: TemplateVariable[];
  /** Where it would go (phones masked); null when the customer has no address on the channel, or it is hidden. */
  recipient: string | null;
  /** Present (true) when the caller's role does not see the field the recipient comes from (field grants): `recipient` is null. */
  recipientHidden?: true;
  /** Whether the customer consents to the channel (without consent a message is suppressed). */
  consent: boolean;
};

export type UserRef = { id: string; name: string };

export type MessageView = {
  id: string;
  /** Null for the company's own mail to its staff (a scheduled report). */
  customerId: string | null;
  customerName: string | null;
  channel: MessageChannel;
  category: MessageCategory;
  templateId: string | null;
  templateName: string | null;
  locale: MessageLocale;
  subject: string | null;
  /** The text sent; a value of a customer field the caller's role does not see (`{{points}}`) shows as 「（无权查看）」 (field grants). */
  body: string;
  /**
   * The address it goes to: an email address, a mobile number (masked) or a WeChat openid; '' when the caller's role
   * does not see the customer field it comes from (field grants, issue #18: phones, email, the openid's custom field).
   */
  recipient: string;
  status: MessageStatus;
  reason: MessageReason | null;
  attempts: number;
  lastError: string | null;
  /** When a queued message is tried next. */
  nextAttemptAt: string | null;
  provider: string | null;
  providerMessageId: string | null;
  createdBy: UserRef | null;
  createdAt: string;
  sentAt: string | null;
  /** Marketing messages (tracked): first open (an email's image or a link followed), first click, clicks. */
  openedAt: string | null;
  clickedAt: string | null;
  clicks: number;
};

export type MessagePage = { items: MessageView[]; nextCursor: string | null };

export const EMAIL_ADAPTERS = ['log', 'smtp'] as const;
export const SMS_ADAPTERS = ['log', 'aliyun'] as const;
export const WECHAT_ADAPTERS = ['log', 'wechat_mp'] as const;

/**
 * The channel settings of the installation (admin only). Secrets are never returned: only whether they are set
 * (`…Set`). Every channel starts with the log-only adapter, so nothing leaves an unconfigured machine.
 */
export type MessageSettingsView = {
  /** The address people reach Hearth at (unsubscribe links in emails): https://crm.example.com. */
  publicUrl: string | null;
  /** Marketing and care messages per customer per 7 days. */
  weeklyCap: number;
  /** No messages on these channels between start and end (company time zone); they wait for the window to open. */
  quietHours: { start: string; end: string; channels: MessageChannel[] };
  /** Attempts in all, and the wait before attempt n+1: baseMinutes × factor^(n-1). */
  retry: { maxAttempts: number; baseMinutes: number; factor: number };
  email: {
    adapter: (typeof EMAIL_ADAPTERS)[number];
    host: string | null;
    port: number;
    /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
    secure: boolean;
    user: string | null;
    passwordSet: boolean;
    fromAddress: string | null;
    fromName: string | null;
  };
  sms: {
    adapter: (typeof SMS_ADAPTERS)[number];
    baseUrl: string | null;
    accessKeyId: string | null;
    accessKeySecretSet: boolean;
    signName: string | null;
    templateCode: string | null;
    /** The key the provider's inbound (上行) callback must carry: /api/v1/messages/inbound/sms?key=… */
    inboundKeySet: boolean;
  };
  wechat: {
    adapter: (typeof WECHAT_ADAPTERS)[number];
    baseUrl: string | null;
    appId: string | null;
    appSecretSet: boolean;
    templateId: string | null;
    /** The custom field holding a customer's openid. */
    openIdField: string;
    /** The template's data key that receives the message text. */
    contentKey: string;
  };
};

/** What the public unsubscribe page shows: no personal data, only the channel and the company. */
export type UnsubscribeInfo = { channel: MessageChannel; companyName: string; withdrawn: boolean; marketingObjected: boolean };
