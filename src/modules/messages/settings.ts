import { randomBytes } from 'node:crypto';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError, type FieldIssue } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import { tryOpenSecret } from '../../platform/secrets.js';
import { openSettingSecret, readSetting, sealedSettingStore, sealSettingSecret, settingSecretContext, writeSetting, writeSettingIfAbsent } from '../settings/index.js';
import type { MessageChannel, MessageSettingsView } from './messages.contract.js';
import type { MessageSettingsPatch } from './messages.types.js';

const KEY = 'messages.settings';
const SECRET_KEY = 'messages.secret';

/** The channel settings as stored, secrets included (never returned by the API). */
export type MessageSettings = {
  publicUrl: string | null;
  weeklyCap: number;
  quietHours: { start: string; end: string; channels: MessageChannel[] };
  retry: { maxAttempts: number; baseMinutes: number; factor: number };
  email: {
    adapter: 'log' | 'smtp';
    host: string | null;
    port: number;
    secure: boolean;
    user: string | null;
    password: string | null;
    fromAddress: string | null;
    fromName: string | null;
  };
  sms: {
    adapter: 'log' | 'aliyun';
    baseUrl: string | null;
    accessKeyId: string | null;
    accessKeySecret: string | null;
    signName: string | null;
    templateCode: string | null;
    inboundKey: string | null;
  };
  wechat: {
    adapter: 'log' | 'wechat_mp';
    baseUrl: string | null;
    appId: string | null;
    appSecret: string | null;
    templateId: string | null;
    openIdField: string;
    contentKey: string;
  };
};

/** Log-only everywhere; no SMS 21:00–08:00; 3 marketing/care messages a week; 5 attempts 1, 5, 25, 125 minutes apart. */
export const DEFAULT_SETTINGS: MessageSettings = {
  publicUrl: null,
  weeklyCap: 3,
  quietHours: { start: '21:00', end: '08:00', channels: ['sms'] },
  retry: { maxAttempts: 5, baseMinutes: 1, factor: 5 },
  email: { adapter: 'log', host: null, port: 587, secure: false, user: null, password: null, fromAddress: null, fromName: null },
  sms: { adapter: 'log', baseUrl: null, accessKeyId: null, accessKeySecret: null, signName: null, templateCode: null, inboundKey: null },
  wechat: { adapter: 'log', baseUrl: null, appId: null, appSecret: null, templateId: null, openIdField: 'wechat_openid', contentKey: 'content' },
};

const SECTIONS = ['quietHours', 'retry', 'email', 'sms', 'wechat'] as const;
const SECRET_PATHS = ['email.password', 'sms.accessKeySecret', 'sms.inboundKey', 'wechat.appSecret'] as const;
const SECRETS: Record<string, true> = Object.fromEntries(SECRET_PATHS.map((p) => [p, true]));

/**
 * The settings as stored: the secrets sealed (platform/secrets.ts). Enough to say whether one is set, and what an
 * update starts from; an adapter needs readMessageSettings.
 */
async function readStoredMessageSettings(db: DbOrTx): Promise<MessageSettings> {
  const stored = (await readSetting<Partial<MessageSettings>>(db, KEY)) ?? {};
  const out = { ...DEFAULT_SETTINGS, ...stored } as MessageSettings;
  for (const s of SECTIONS) (out as Record<string, unknown>)[s] = { ...DEFAULT_SETTINGS[s], ...(stored[s] ?? {}) };
  return out;
}

const sectionOf = (s: MessageSettings, path: string) => s[path.split('.')[0] as 'email'] as Record<string, unknown>;

/** The channel settings with their secrets opened: what the adapters and the inbound check use. */
export async function readMessageSettings(db: DbOrTx): Promise<MessageSettings> {
  const out = await readStoredMessageSettings(db);
  for (const path of SECRET_PATHS) {
    const section = sectionOf(out, path);
    const field = path.split('.')[1]!;
    const value = section[field];
    if (typeof value === 'string' && value) section[field] = openSettingSecret(KEY, path, value);
  }
  return out;
}

/** The SMS provider's inbound key (null when unset or when it cannot be opened: the callback is then refused). */
export async function smsInboundKey(db: DbOrTx): Promise<string | null> {
  return tryOpenSecret((await readStoredMessageSettings(db)).sms.inboundKey, settingSecretContext(KEY, 'sms.inboundKey'));
}

/** The secret stores of this module (platform/secrets.ts): the channels' secrets, and the links' signing key. */
export const messageSecretStores = [sealedSettingStore(KEY, SECRET_PATHS), sealedSettingStore(SECRET_KEY, [''])];

/**
 * What an inbound callback of another module (the feedback inbox) needs to know of the channel settings: whether the SMS
 * inbound key is set, and the customer custom field holding a WeChat openid (messages go to it; inbound WeChat
 * messages are matched by it). The key itself stays here (receiveSms checks it).
 */
export async function inboundChannelFacts(db: DbOrTx): Promise<{ smsInboundKeySet: boolean; wechatOpenIdField: string }> {
  const s = await readStoredMessageSettings(db);
  return { smsInboundKeySet: !!s.sms.inboundKey, wechatOpenIdField: s.wechat.openIdField };
}

export function toSettingsView(s: MessageSettings): MessageSettingsView {
  const { password, ...email } = s.email;
  const { accessKeySecret, inboundKey, ...sms } = s.sms;
  const { appSecret, ...wechat } = s.wechat;
  return {
    publicUrl: s.publicUrl,
    weeklyCap: s.weeklyCap,
    quietHours: { ...s.quietHours, channels: [...s.quietHours.channels] },
    retry: { ...s.retry },
    email: { ...email, passwordSet: !!password },
    sms: { ...sms, accessKeySecretSet: !!accessKeySecret, inboundKeySet: !!inboundKey },
    wechat: { ...wechat, appSecretSet: !!appSecret },
  };
}

/** What an adapter needs before it can be chosen: the fields that must be set. */
function missingFields(s: MessageSettings): FieldIssue[] {
  const need: [string, unknown][] = [];
  if (s.email.adapter === 'smtp') need.push(['email.host', s.email.host], ['email.fromAddress', s.email.fromAddress]);
  if (s.sms.adapter === 'aliyun') {
    need.push(['sms.accessKeyId', s.sms.accessKeyId], ['sms.accessKeySecret', s.sms.accessKeySecret], ['sms.signName', s.sms.signName], ['sms.templateCode', s.sms.templateCode]);
  }
  if (s.wechat.adapter === 'wechat_mp') need.push(['wechat.appId', s.wechat.appId], ['wechat.appSecret', s.wechat.appSecret], ['wechat.templateId', s.wechat.templateId]);
  return need.filter(([, v]) => v === null || v === undefined || v === '').map(([field]) => ({ field, key: 'validation.required', params: { field } }));
}

/** Changes the channel settings (admin); audited with the changed keys, secrets shown only as changed. */
export async function updateMessageSettings(db: DbOrTx, actor: Actor | null, patch: MessageSettingsPatch): Promise<MessageSettingsView> {
  requireAccess(actor, 'message:manage');
  const before = await readStoredMessageSettings(db);
  const after: MessageSettings = structuredClone(before);
  if (patch.publicUrl !== undefined) after.publicUrl = patch.publicUrl ? patch.publicUrl.replace(/\/+$/, '') : null;
  if (patch.weeklyCap !== undefined) after.weeklyCap = patch.weeklyCap;
  for (const s of SECTIONS) {
    const part = patch[s] as Record<string, unknown> | undefined;
    if (!part) continue;
    const target = after[s] as Record<string, unknown>;
    for (const [k, v] of Object.entries(part)) {
      if (v === undefined) continue;
      // A secret is stored sealed: the database never holds it in plain text.
      target[k] = SECRETS[`${s}.${k}`] && typeof v === 'string' && v ? sealSettingSecret(KEY, `${s}.${k}`, v) : v;
    }
  }
  after.quietHours.channels = [...new Set(after.quietHours.channels)];
  const issues = missingFields(after);
  if (issues.length) throw AppError.validation(issues);

  const changes: Record<string, [unknown, unknown]> = {};
  const flat = (o: MessageSettings) => {
    const out: Record<string, unknown> = { publicUrl: o.publicUrl, weeklyCap: o.weeklyCap };
    for (const s of SECTIONS) for (const [k, v] of Object.entries(o[s])) out[`${s}.${k}`] = v;
    return out;
  };
  const b = flat(before);
  const a = flat(after);
  for (const k of Object.keys(a)) {
    if (JSON.stringify(a[k]) === JSON.stringify(b[k])) continue;
    changes[k] = SECRETS[k] ? [b[k] ? '***' : null, a[k] ? '***' : null] : [b[k], a[k]];
  }
  if (Object.keys(changes).length) {
    await writeSetting(db, KEY, after);
    await recordAudit(db, actor, { action: 'update', entityType: 'settings', entityId: 'messages', changes });
  }
  return toSettingsView(after);
}

export async function getMessageSettings(db: DbOrTx, actor: Actor | null): Promise<MessageSettingsView> {
  requireAccess(actor, 'message:manage');
  return toSettingsView(await readStoredMessageSettings(db));
}

/**
 * The installation's key for signing unsubscribe links: made once, on first use, kept in the settings table and never
 * returned by any API. Two processes making it at once agree on the first one written.
 */
export async function signingSecret(db: DbOrTx): Promise<Buffer> {
  const existing = await readSetting<string>(db, SECRET_KEY);
  if (existing) return Buffer.from(openSettingSecret(SECRET_KEY, '', existing), 'base64');
  await writeSettingIfAbsent(db, SECRET_KEY, sealSettingSecret(SECRET_KEY, '', randomBytes(32).toString('base64')));
  return Buffer.from(openSettingSecret(SECRET_KEY, '', (await readSetting<string>(db, SECRET_KEY))!), 'base64');
}

/** The address people reach Hearth at (the messages settings' public URL, else `fallback`), without a trailing slash. */
export async function publicBaseUrl(db: DbOrTx, fallback: string): Promise<string> {
  const s = await readStoredMessageSettings(db);
  return (s.publicUrl ?? fallback).replace(/\/+$/, '');
}
