import type { ServiceContext } from '../../platform/context.js';
import { z } from 'zod';
import { noContent } from '../../platform/http/response.js';
import { negotiateLocale } from '../../platform/i18n/index.js';
import type { App } from '../../platform/http/server.js';
import {
  customerMessages,
  getMessage,
  kickIfQueued,
  listOutbox,
  objectToMarketing,
  previewTemplate,
  receiveSms,
  retryMessage,
  sendMessage,
  unsubscribe,
  unsubscribeInfo,
} from './outbox.service.js';
import { signingSecret } from './settings.js';
import { followTrackedLink, INVALID_LINK_HEADERS, invalidLinkPage, PIXEL, recordTrackedOpen } from './tracking.js';
import {
  createTemplateBody,
  customerIdParam,
  customerMessagesQuery,
  idParam,
  inboundSmsBody,
  inboundSmsQuery,
  messageSettingsPatch,
  outboxQuery,
  previewBody,
  sendMessageBody,
  templateListQuery,
  unsubscribeParam,
  updateTemplateBody,
} from './messages.types.js';
import {
  inboundSmsAnswer,
  messagePage,
  messagePreview,
  messageSettingsView,
  messageTemplateList,
  messageTemplateView,
  messageView,
  unsubscribeInfo as unsubscribeInfoSchema,
} from './messages.schemas.js';
import type { MessagingRuntime } from './runtime.js';
import { getMessageSettings, updateMessageSettings } from './settings.js';
import { archiveTemplate, createTemplate, getTemplate, listTemplates, restoreTemplate, updateTemplate } from './templates.service.js';

export async function messageRoutes(app: App, ctx: ServiceContext & { messaging: MessagingRuntime }): Promise<void> {
  const { db, messaging: rt } = ctx;

  // ---- 消息模板 ----
  const tags = ['message templates'];
  const tpl = { fieldLabels: 'messageTemplate' };
  app.get(
    '/api/v1/message-templates',
    { schema: { tags, summary: 'Message templates (archived=only for the archived ones)', querystring: templateListQuery, response: { 200: messageTemplateList } } },
    async (req) => listTemplates(db, req.actor, req.query),
  );
  app.post(
    '/api/v1/message-templates',
    { schema: { tags, summary: 'Create a template: channel, subject (email), Chinese and English text with {{variables}}', body: createTemplateBody, response: { 201: messageTemplateView } }, config: tpl },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => createTemplate(tx, req.actor, req.body))),
  );
  app.get('/api/v1/message-templates/:id', { schema: { tags, summary: 'One template', params: idParam, response: { 200: messageTemplateView } } }, async (req) => getTemplate(db, req.actor, req.params.id));
  app.patch(
    '/api/v1/message-templates/:id',
    { schema: { tags, summary: 'Change a template', params: idParam, body: updateTemplateBody, response: { 200: messageTemplateView } }, config: tpl },
    async (req) => db.transaction((tx) => updateTemplate(tx, req.actor, req.params.id, req.body)),
  );
  app.delete('/api/v1/message-templates/:id', { schema: { tags, summary: 'Archive a template (restorable)', params: idParam, response: { 204: noContent } } }, async (req, reply) => {
    await db.transaction((tx) => archiveTemplate(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });
  app.post(
    '/api/v1/message-templates/:id/restore',
    { schema: { tags, summary: 'Restore an archived template', params: idParam, response: { 200: messageTemplateView } } },
    async (req) => db.transaction((tx) => restoreTemplate(tx, req.actor, req.params.id)),
  );
  app.post(
    '/api/v1/message-templates/:id/preview',
    {
      schema: { tags, summary: "The template rendered for a customer, in the customer's language, with the variables it has no value for", params: idParam, body: previewBody, response: { 200: messagePreview } },
      config: { fieldLabels: 'message' },
    },
    async (req) => previewTemplate(db, req.actor, req.params.id, req.body.customerId, rt),
  );

  // ---- messages and the outbox ----
  const mtags = ['messages'];
  const msg = { fieldLabels: 'message' };
  app.get(
    '/api/v1/customers/:id/messages',
    { schema: { tags: mtags, summary: "A customer's messages, newest first", params: customerIdParam, querystring: customerMessagesQuery, response: { 200: messagePage } } },
    async (req) => customerMessages(db, req.actor, req.params.id, req.query),
  );
  app.post(
    '/api/v1/customers/:id/messages',
    {
      schema: {
        tags: mtags,
        summary: 'Send a message (a template, or free text) to a customer: stored in the outbox, then delivered in the background',
        params: customerIdParam,
        body: sendMessageBody,
        response: { 201: messageView },
      },
      config: msg,
    },
    async (req, reply) => {
      const m = await db.transaction((tx) => sendMessage(tx, req.actor, req.params.id, req.body, rt));
      await kickIfQueued(rt, m);
      return reply.code(201).send(m);
    },
  );
  app.get(
    '/api/v1/messages',
    { schema: { tags: mtags, summary: 'The outbox (administrators): every message, by status, channel or customer', querystring: outboxQuery, response: { 200: messagePage } } },
    async (req) => listOutbox(db, req.actor, req.query),
  );
  app.get('/api/v1/messages/:id', { schema: { tags: mtags, summary: 'One message', params: idParam, response: { 200: messageView } } }, async (req) => getMessage(db, req.actor, req.params.id));
  app.post(
    '/api/v1/messages/:id/retry',
    { schema: { tags: mtags, summary: 'Send a failed message again (administrators)', params: idParam, response: { 200: messageView } } },
    async (req) => {
      const m = await db.transaction((tx) => retryMessage(tx, req.actor, req.params.id, rt));
      await kickIfQueued(rt, m);
      return m;
    },
  );

  // ---- channel settings (administrators; secrets are never returned) ----
  const stags = ['settings'];
  app.get('/api/v1/message-settings', { schema: { tags: stags, summary: 'Message channels, quiet hours, weekly cap, retries', response: { 200: messageSettingsView } } }, async (req) =>
    getMessageSettings(db, req.actor),
  );
  app.patch(
    '/api/v1/message-settings',
    { schema: { tags: stags, summary: 'Change message channels (secrets: a value sets, null removes, absent keeps)', body: messageSettingsPatch, response: { 200: messageSettingsView } }, config: { fieldLabels: 'messageSettings' } },
    async (req) => db.transaction((tx) => updateMessageSettings(tx, req.actor, req.body)),
  );

  // ---- public: the unsubscribe link and the SMS provider's inbound callback ----
  const ptags = ['public'];
  const limited = { public: true, fieldLabels: 'unsubscribe', rateLimit: { max: 30, timeWindow: '1 minute' } };
  app.get(
    '/api/v1/unsubscribe/:token',
    { schema: { tags: ptags, summary: 'What an unsubscribe link is for (no sign-in)', params: unsubscribeParam, response: { 200: unsubscribeInfoSchema } }, config: limited },
    async (req) => unsubscribeInfo(db, req.params.token),
  );
  app.post(
    '/api/v1/unsubscribe/:token',
    { schema: { tags: ptags, summary: "Unsubscribe: withdraws the customer's consent to the message's channel (no sign-in)", params: unsubscribeParam, response: { 200: unsubscribeInfoSchema } }, config: limited },
    async (req) => db.transaction((tx) => unsubscribe(tx, req.params.token)),
  );
  app.post(
    '/api/v1/unsubscribe/:token/marketing',
    { schema: { tags: ptags, summary: 'Object to automated marketing on every channel (PIPL Art. 24; no sign-in): campaigns and care greetings stop', params: unsubscribeParam, response: { 200: unsubscribeInfoSchema } }, config: limited },
    async (req) => db.transaction((tx) => objectToMarketing(tx, req.params.token)),
  );
  // RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` (a form) to the List-Unsubscribe
  // address, the same /unsubscribe/<token> page people open with GET. Outside /api/, so no session or CSRF applies.
  await app.register(async (plugin) => {
    const scope = plugin as unknown as App;
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_req, _body, done) => done(null, {}));
    scope.post(
      '/unsubscribe/:token',
      { schema: { hide: true, params: unsubscribeParam, response: { 200: unsubscribeInfoSchema } }, config: limited },
      async (req) => db.transaction((tx) => unsubscribe(tx, req.params.token)),
    );
  });
  // Tracked links and the open image of marketing messages (tracking.ts): no sign-in, answered without a page.
  const trackParams = z.object({ key: z.string().max(64), n: z.string().max(8) });
  app.get(
    '/l/:key/:n',
    { schema: { hide: true, params: trackParams }, config: { public: true, rateLimit: { max: 120, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const secret = await signingSecret(db);
      const now = ctx.messaging.now();
      if (req.params.n === 'o.gif') {
        await recordTrackedOpen(db, secret, req.params.key, now);
        return reply.header('content-type', 'image/gif').header('cache-control', 'no-store').send(PIXEL);
      }
      const url = /^\d{1,4}$/.test(req.params.n) ? await followTrackedLink(db, secret, req.params.key, Number(req.params.n), now) : null;
      if (url) return reply.code(302).header('location', url).header('cache-control', 'no-store').send();
      // The page in the caller's language, under the company's branding (tracking.ts).
      return reply.code(404).headers(INVALID_LINK_HEADERS).send(invalidLinkPage(negotiateLocale(req.headers['accept-language'], 'zh-CN')));
    },
  );
  app.post(
    '/api/v1/messages/inbound/sms',
    {
      schema: { tags: ptags, summary: 'Inbound SMS from the provider (退订 / TD withdraws SMS consent); needs the configured key', querystring: inboundSmsQuery, body: inboundSmsBody, response: { 200: inboundSmsAnswer } },
      config: { public: true, fieldLabels: 'inbound', rateLimit: { max: 600, timeWindow: '1 minute' } },
    },
    async (req) => db.transaction((tx) => receiveSms(tx, req.query.key, Array.isArray(req.body) ? req.body : [req.body])),
  );
}
