/**
 * The inbound callbacks of the feedback inbox (no sign-in: each carries its channel's key or WeChat's signature;
 * rate-limited per address): SMS replies, WeChat messages, emails — inbound.service.ts.
 */
import type { Db } from '../../platform/db/client.js';
import type { App } from '../../platform/http/server.js';
import { feedbackInboundResult } from './feedback.schemas.js';
import { inboundEmailBody, inboundKeyQuery, inboundSmsBody, inboundWechatBody, wechatQuery } from './feedback.types.js';
import { receiveEmailFeedback, receiveSmsFeedback, receiveWechatFeedback } from './inbound.service.js';

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
  app.post(
    '/api/v1/public/feedback/inbound/wechat',
    {
      schema: {
        tags: ptags,
        summary: "A WeChat official account's message (WeChat's signature over the server token): text becomes feedback matched by openid; once per MsgId",
        querystring: wechatQuery,
        body: inboundWechatBody,
        response: { 200: feedbackInboundResult },
      },
      config: inbound,
    },
    async (req) => db.transaction((tx) => receiveWechatFeedback(tx, req.query, req.body, now())),
  );
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
