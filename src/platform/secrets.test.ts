/**
 * Secrets at rest (issue #18's Must-show: "the database holds no plaintext channel secret; rotating the key keeps the
 * channels working"): every channel's credentials, the inbound keys of messages and feedback and a TOTP secret are
 * configured through the API, then every row of every table is searched for them; the channels send (a real SMTP sink
 * that checks the password, a fake SMS / WeChat provider that sees the key and the AppSecret); the key is rotated —
 * every secret sealed anew, the old key dropped — and the channels, the inbound keys and the two-factor sign-in still
 * work; plain text left by an older version is sealed by the start-up pass; the key file (no HEARTH_SECRET_KEY) rotates.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from './db/client.js';
import { installKeyring, keyring, loadKeyring, newSecretKeyText, openSecret, parseSecretKey, resealSecrets, sealSecret, sealedKeyId, SecretKeyMissing } from './secrets.js';
import { rotateSecrets } from '../secret-stores.js';
import { MessageDelivery } from '../modules/messages/index.js';
import { createTestContext, type Client, type TestContext } from '../test/harness.js';
import { ok, problemOf } from '../test/http.js';
import { startSmtpSink, testMessaging, type SmtpSink } from '../test/mail.js';
import { FakeProvider } from '../test/provider.js';

const SECRETS = {
  smtp: 'Smtp-Pass-7f3a9e1d',
  aliyun: 'AliSecret-b81c40f2',
  smsInbound: 'SmsInbound-55d0e1aa9c',
  wechat: 'WxAppSecret-c9e2b7a4',
  wechatToken: 'WxToken77ab31f0',
  emailKey: 'EmailKey-0f9d8c7b6a5e',
};

describe('sealing', () => {
  const ring = () => loadKeyring({ dataDir: '/nonexistent', secretKey: newSecretKeyText() });
  it('seals and opens; a value is bound to its place, names its key, and refuses tampering', () => {
    const r = ring();
    const sealed = sealSecret('密码-1', 'messages.settings:email.password', r);
    expect(sealed).toMatch(/^hsec:v1:[0-9a-f]{8}:/);
    expect(sealed).not.toContain('密码');
    expect(sealedKeyId(sealed)).toBe(r.current.id);
    expect(sealSecret('密码-1', 'messages.settings:email.password', r)).not.toBe(sealed); // a fresh IV each time
    expect(openSecret(sealed, 'messages.settings:email.password', r)).toBe('密码-1');
    expect(() => openSecret(sealed, 'messages.settings:wechat.appSecret', r)).toThrow(/moved from another place/);
    const flipped = sealed.slice(0, -3) + (sealed.at(-3) === 'A' ? 'B' : 'A') + sealed.slice(-2);
    expect(() => openSecret(flipped, 'messages.settings:email.password', r)).toThrow();
    expect(() => openSecret(sealed, 'messages.settings:email.password', ring())).toThrow(SecretKeyMissing);
    // Plain text from before sealing opens as it is.
    expect(openSecret('legacy', 'x', r)).toBe('legacy');
  });

  it('HEARTH_SECRET_KEY is 32 bytes as base64 or hex; anything else is refused with how to make one', () => {
    const key = randomBytes(32);
    expect(parseSecretKey(key.toString('base64')).key).toEqual(key);
    expect(parseSecretKey(key.toString('hex')).key).toEqual(key);
    expect(parseSecretKey(key.toString('base64url')).key).toEqual(key);
    expect(() => parseSecretKey('too-short')).toThrow(/hearth secrets new-key/);
    expect(() => parseSecretKey(randomBytes(16).toString('base64'))).toThrow(/32 random bytes/);
  });

  it('without a key in the environment, DATA_DIR/secret.key is made once with mode 0600, beside the database', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hearth-key-'));
    try {
      const a = loadKeyring({ dataDir: dir });
      const file = path.join(dir, 'secret.key');
      expect(existsSync(file)).toBe(true);
      if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(loadKeyring({ dataDir: dir }).current.id).toBe(a.current.id);
      expect(a.source).toBe('file');
      // Moving to a key in the environment keeps the file's key to open what it sealed.
      const env = loadKeyring({ dataDir: dir, secretKey: newSecretKeyText() });
      expect(env.previous.map((k) => k.id)).toContain(a.current.id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('secrets at rest', () => {
  const now = new Date('2026-01-15T02:00:00Z'); // 10:00 in Shanghai: no quiet hours
  let ctx: TestContext;
  let smtp: SmtpSink;
  const provider = new FakeProvider();
  let customer: Record<string, any>;
  let delivery: MessageDelivery;
  let totpSecret = '';

  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    smtp = await startSmtpSink({ auth: { user: 'hearth', pass: SECRETS.smtp } });
    await provider.start();
    delivery = new MessageDelivery(ctx.database.db, testMessaging(() => now));
    ok(await ctx.admin.post('/api/v1/custom-fields', { key: 'wechat_openid', labelZh: '微信 OpenID', labelEn: 'WeChat openid', type: 'text' }), 201);
    customer = await ctx.newCustomer({
      name: '赵密钥',
      phones: ['13900007001'],
      email: 'zhao@example.com',
      custom: { wechat_openid: 'o-zhao-001' },
      consent: { sms: true, email: true, wechat: true },
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await smtp?.close();
    await provider.stop();
  });

  /** Every row of every table (all schemas but the system's), as text: the rows holding any of `needles`. */
  async function plaintextHits(needles: string[]): Promise<string[]> {
    const tables = rowsOf<{ s: string; t: string }>(
      await ctx.database.db.execute(sql`
        select table_schema as s, table_name as t from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`),
    );
    expect(tables.length).toBeGreaterThan(50);
    const hits: string[] = [];
    const patterns = needles.map((n) => `%${n}%`);
    for (const { s, t } of tables) {
      const q = sql`select count(*)::int as n from ${sql.identifier(s)}.${sql.identifier(t)} x where x::text like any(array[${sql.join(patterns.map((p) => sql`${p}`), sql`, `)}]::text[])`;
      const n = rowsOf<{ n: number }>(await ctx.database.db.execute(q))[0]!.n;
      if (n) hits.push(`${s}.${t}: ${n}`);
    }
    return hits;
  }

  async function configureChannels(): Promise<void> {
    ok(
      await ctx.admin.patch('/api/v1/message-settings', {
        email: { adapter: 'smtp', host: '127.0.0.1', port: smtp.port, secure: false, user: 'hearth', password: SECRETS.smtp, fromAddress: 'service@heat.example.com' },
        sms: { adapter: 'aliyun', baseUrl: provider.url, accessKeyId: 'LTAI-test', accessKeySecret: SECRETS.aliyun, signName: '测试热力', templateCode: 'SMS_1', inboundKey: SECRETS.smsInbound },
        wechat: { adapter: 'wechat_mp', baseUrl: provider.url, appId: 'wx-app', appSecret: SECRETS.wechat, templateId: 'TPL-1' },
      }),
    );
    ok(await ctx.admin.patch('/api/v1/feedback-settings/inbound', { wechatToken: SECRETS.wechatToken, emailKey: SECRETS.emailKey }));
  }

  /** Sends one message on each channel and checks each provider saw the right secret. */
  async function channelsSend(round: string): Promise<void> {
    const before = { mails: smtp.mails.length, requests: provider.requests.length };
    const ids: string[] = [];
    for (const channel of ['email', 'sms', 'wechat'] as const) {
      ids.push(ok(await ctx.admin.post(`/api/v1/customers/${customer.id}/messages`, { channel, category: 'transactional', subject: `通知 ${round}`, body: `您好 ${round}` }), 201).id);
    }
    // The sweep (as the server's would); the app's own job may take a message first.
    let sent: any[] = [];
    for (const deadline = Date.now() + 20_000; ; ) {
      await delivery.deliverDue();
      sent = await Promise.all(ids.map(async (id) => ok(await ctx.admin.get(`/api/v1/messages/${id}`))));
      if (sent.every((m) => m.status !== 'queued' && m.status !== 'sending') || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(sent.map((m) => [m.channel, m.status, m.lastError])).toEqual([
      ['email', 'sent', null],
      ['sms', 'sent', null],
      ['wechat', 'sent', null],
    ]);
    // The SMTP sink accepted the password; the SMS request is signed with the secret; WeChat's token asked with it.
    expect(smtp.mails.length).toBe(before.mails + 1);
    const requests = provider.requests.slice(before.requests);
    const sms = requests.find((r) => r.body?.Action === 'SendSms')!;
    const signature = createHmac('sha256', SECRETS.aliyun).update(`${String(sms.headers['x-acs-date'])}\n${String(sms.headers['x-acs-signature-nonce'])}\n${JSON.stringify(sms.body)}`).digest('hex');
    expect(String(sms.headers.authorization)).toContain(`Signature=${signature}`);
    const token = requests.find((r) => r.url.startsWith('/cgi-bin/token'));
    if (token) expect(new URL(token.url, 'http://x').searchParams.get('secret')).toBe(SECRETS.wechat);
  }

  /** The inbound keys: messages' SMS callback, feedback's email callback; a wrong key is still 403. */
  async function inboundKeysAccepted(n: number): Promise<void> {
    const post = (url: string, payload: unknown) => ctx.app.inject({ method: 'POST', url, payload: payload as object, headers: { 'content-type': 'application/json' } });
    ok(await post(`/api/v1/messages/inbound/sms?key=${SECRETS.smsInbound}`, { phone_number: '13900007001', content: '你好' }));
    problemOf(await post('/api/v1/messages/inbound/sms?key=wrong', { phone_number: '13900007001', content: '你好' }), 403);
    ok(await post(`/api/v1/public/feedback/inbound/email?key=${SECRETS.emailKey}`, { messageId: `<m${n}@example.com>`, from: 'zhao@example.com', subject: '暖气', text: `暖气不热 ${n}` }));
    problemOf(await post('/api/v1/public/feedback/inbound/email?key=wrong-key-wrong-key', { messageId: `<x${n}@example.com>`, from: 'zhao@example.com', text: '暖气不热' }), 403);
  }


  it('configuring every channel, the inbound keys and a TOTP secret leaves none of them in plain text anywhere', async () => {
    await configureChannels();
    const totpUser: Client = await ctx.newUser({ role: 'agent', username: 'keyholder' });
    const enrol = ok(await totpUser.post('/api/v1/auth/two-factor/enrol'));
    totpSecret = enrol.secret;
    ok(await totpUser.post('/api/v1/auth/two-factor/confirm', { code: new TOTP({ secret: Secret.fromBase32(totpSecret) }).generate() }));
    // The settings say which secrets are set, never what they are.
    const view = await ctx.admin.get('/api/v1/message-settings');
    for (const s of Object.values(SECRETS)) expect(view.body).not.toContain(s);
    expect(await plaintextHits([...Object.values(SECRETS), totpSecret])).toEqual([]);
    // What the database holds is sealed under the installation's key.
    const stored = rowsOf<{ v: string }>(await ctx.database.db.execute(sql`select value::text as v from settings where key = 'messages.settings'`))[0]!.v;
    expect(stored.match(/hsec:v1:[0-9a-f]{8}/g)).toHaveLength(4);
    expect(stored).toContain(`hsec:v1:${keyring().current.id}:`);
  });

  it('the channels send with the sealed secrets', async () => {
    await channelsSend('一');
    await inboundKeysAccepted(1);
  });

  it('rotating the key seals every secret anew; with the old key gone, channels, inbound keys and two-factor sign-in still work', async () => {
    const oldId = keyring().current.id;
    const newKey = newSecretKeyText();
    const config = { ...ctx.config, secretKey: newKey, secretKeyPrevious: undefined };
    const rotated = await rotateSecrets(ctx.database.db, config); // the old key is still in DATA_DIR/secret.key
    expect(rotated.unreadable).toBe(0);
    expect(rotated.previousKeyIds).toContain(oldId);
    const counts = Object.fromEntries(rotated.report.map((r) => [r.store, r.resealed]));
    expect(counts).toMatchObject({ 'settings:messages.settings': 4, 'settings:feedback.inbound': 2, 'settings:messages.secret': 1, user_totp: 1 });
    // A second pass finds nothing left to do.
    expect((await resealSecrets(ctx.database.db)).every((r) => r.resealed === 0 && r.unreadable === 0)).toBe(true);
    const all = rowsOf<{ v: string }>(await ctx.database.db.execute(sql`select value::text as v from settings union all select secret from user_totp`)).map((r) => r.v).join('\n');
    expect(all).not.toContain(`hsec:v1:${oldId}:`);
    // Only the new key from now on: the old one is not needed any more.
    installKeyring({ current: parseSecretKey(newKey), previous: [], source: 'env' }, { replace: true });
    expect(await plaintextHits([...Object.values(SECRETS), totpSecret])).toEqual([]);
    await channelsSend('二');
    await inboundKeysAccepted(2);
    const login = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'keyholder', password: 'Passw0rd!' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    await ctx.database.db.execute(sql`update user_totp set last_step = null`);
    const verify = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/two-factor/verify',
      headers: { cookie, 'x-csrf-token': login.json().csrfToken, 'content-type': 'application/json' },
      payload: { code: new TOTP({ secret: Secret.fromBase32(totpSecret) }).generate() },
    });
    expect(verify.statusCode, verify.body).toBe(200);
    // A value under a key nobody holds any more is reported, not lost silently.
    installKeyring({ current: parseSecretKey(newSecretKeyText()), previous: [], source: 'env' }, { replace: true });
    expect((await resealSecrets(ctx.database.db)).reduce((n, r) => n + r.unreadable, 0)).toBe(8);
    problemOf(await ctx.app.inject({ method: 'POST', url: `/api/v1/messages/inbound/sms?key=${SECRETS.smsInbound}`, payload: { phone_number: '13900007001', content: '你好' } }), 403);
    installKeyring({ current: parseSecretKey(newKey), previous: [], source: 'env' }, { replace: true });
  });

  it('secrets an older version stored in plain text are sealed by the start-up pass and keep working', async () => {
    await ctx.database.db.execute(sql`update settings set value = jsonb_set(value, '{sms,inboundKey}', ${JSON.stringify(SECRETS.smsInbound)}::jsonb) where key = 'messages.settings'`);
    await ctx.database.db.execute(sql`update settings set value = jsonb_set(value, '{emailKey}', ${JSON.stringify(SECRETS.emailKey)}::jsonb) where key = 'feedback.inbound'`);
    expect((await plaintextHits([SECRETS.smsInbound, SECRETS.emailKey])).sort()).toEqual(['public.settings: 2']);
    await inboundKeysAccepted(3); // plain text still opens before the pass
    const report = await resealSecrets(ctx.database.db);
    expect(Object.fromEntries(report.map((r) => [r.store, r.resealed]))).toMatchObject({ 'settings:messages.settings': 1, 'settings:feedback.inbound': 1 });
    expect(await plaintextHits([SECRETS.smsInbound, SECRETS.emailKey])).toEqual([]);
    await inboundKeysAccepted(4);
  });

  it('without HEARTH_SECRET_KEY, rotation makes a new key file and keeps the old one as secret.key.previous', async () => {
    const config = { ...ctx.config, secretKey: undefined, secretKeyPrevious: undefined };
    const envKey = keyring().current;
    installKeyring(loadKeyring(config), { replace: true }); // file mode: the env key of the test before is not held …
    const fileKey = keyring().current.id;
    const rotated = await rotateSecrets(ctx.database.db, { ...config, secretKeyPrevious: envKey.key.toString('base64') }); // … but given as previous
    expect(rotated.unreadable).toBe(0);
    expect(rotated.keyId).not.toBe(fileKey);
    expect(parseSecretKey(readFileSync(path.join(ctx.config.dataDir, 'secret.key'), 'utf8')).id).toBe(rotated.keyId);
    expect(parseSecretKey(readFileSync(path.join(ctx.config.dataDir, 'secret.key.previous'), 'utf8')).id).toBe(fileKey);
    expect(existsSync(path.join(ctx.config.dataDir, 'secret.key.next'))).toBe(false);
    installKeyring({ current: parseSecretKey(readFileSync(path.join(ctx.config.dataDir, 'secret.key'), 'utf8')), previous: [], source: 'file' }, { replace: true });
    await channelsSend('三');
    await inboundKeysAccepted(5);
  });
});
