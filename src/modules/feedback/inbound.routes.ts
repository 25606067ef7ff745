/**
 * The inbound callbacks of the feedback inbox (no sign-in: each carries its channel's key or WeChat's signature;
 * rate-limited per address): SMS replies, WeChat messages (and WeChat's GET echo check), emails — inbound.service.ts.
 */
import type { Db } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { fileResponse } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import { feedbackInboundResult } from './feedback.schemas.js';
import { inboundEmailBody, inboundKeyQuery, inboundSmsBody, inboundWechatBody, wechatEchoQuery, wechatQuery } from './feedback.types.js';
import { receiveEmailFeedback, receiveSmsFeedback, receiveWechatFeedback, verifyWechatEcho } from './inbound.service.js';
import { parseWechatXml } from './wechat.xml.js';

/** An XML push is a few hundred bytes (a text message at most 2,048 characters); JSON keeps the platform's limit. */
const WECHAT_BODY_LIMIT = 32 * 1024;
const plainText = fileResponse('`success`');

export async function inboundRoutes(app: App, db: Db, now: () => Date): Promise<void> {
  const ptags = ['public'];
  const inbound = { public: true, fieldLabels: 'feedback_inbound', rateLimit: { max: 600, timeWindow: '1 minute' } };
  app.post(
    '/api/v1/public/feedback/inbound/sms',
    {
      schema: {
        tags: ptags,
        summary: "Inbound SMS replies from the provider (the messages module's key): TD/退订 withdraws SMS consent, any other text becomes feedback matched by phone; once per sequence_id",
        querystring: inboundKeyQuery,
        body: inboundSmsBody,
        response: { 200: feedbackInboundResult },
      },
      config: inbound,
    },
    async (req) => db.transaction((tx) => receiveSmsFeedback(tx, req.query.key, Array.isArray(req.body) ? req.body : [req.body], now())),
  );
  // WeChat: the server's GET echo check and the pushes — XML as WeChat sends them (answered `success`, as WeChat
  // expects) or JSON as a relay forwards them (answered with the tally). XML is read only here (wechat.xml.ts).
  await app.register(async (plugin) => {
    const scope = plugin as unknown as App;
    scope.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string', bodyLimit: WECHAT_BODY_LIMIT }, (_req, body, done) => {
      try {
        done(null, parseWechatXml(body as string));
      } catch {
        done(AppError.field('body', 'feedback.xml_invalid'), undefined);
      }
    });
    scope.get(
      '/api/v1/public/feedback/inbound/wechat',
      {
        schema: {
          tags: ptags,
          summary: "WeChat's server check (服务器配置): answers echostr as plain text when the signature over the server token is right (403 otherwise)",
          querystring: wechatEchoQuery,
          response: { 200: fileResponse('The echostr, as plain text', 'text/plain') },
        },
        config: inbound,
      },
      async (req, reply) => {
        const echo = await db.transaction((tx) => verifyWechatEcho(tx, req.query, now()));
        return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(echo);
      },
    );
    scope.post(
      '/api/v1/public/feedback/inbound/wechat',
      {
        schema: {
          tags: ptags,
          summary:
            "A WeChat official account's message (WeChat's signature over the server token), as WeChat's XML (answered `success` as plain text) or as JSON from a relay: text becomes feedback matched by openid, else by the follower's bound number (「绑定 139…」 binds it); once per MsgId",
          querystring: wechatQuery,
          body: inboundWechatBody,
          response: { 200: { description: 'JSON: the tally; XML: `success` as plain text', content: { 'application/json': { schema: feedbackInboundResult }, 'text/plain': { schema: plainText } } } },
        },
        config: inbound,
      },
      async (req, reply) => {
        const result = await db.transaction((tx) => receiveWechatFeedback(tx, req.query, req.body, now()));
        if (/xml/i.test(req.headers['content-type'] ?? '')) return reply.type('text/plain; charset=utf-8').send('success');
        return reply.type('application/json; charset=utf-8').send(result);
      },
    );
  });
  app.post(
    '/api/v1/public/feedback/inbound/email',
    {
      schema: {
        tags: ptags,
        summary: "An inbound email from a mail gateway (the feedback settings' key): becomes feedback matched by the sender's address; once per Message-ID",
        querystring: inboundKeyQuery,
        body: inboundEmailBody,
        response: { 200: feedbackInboundResult },
      },
      config: inbound,
    },
    async (req) => db.transaction((tx) => receiveEmailFeedback(tx, req.query.key, req.body, now())),
  );
}
