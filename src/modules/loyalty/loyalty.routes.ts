import type { ServiceContext } from '../../platform/context.js';
import { noContent } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import {
  adjustmentList,
  adjustmentView,
  ledgerPage,
  memberPage,
  memberView,
  programmeView,
  redemptionPage,
  redemptionView,
  rewardList,
  rewardView,
  tierChangeList,
} from './loyalty.schemas.js';
import {
  adjustPoints,
  decideAdjustment,
  enrolMember,
  getLedger,
  getMember,
  getProgramme,
  listAdjustments,
  listMembers,
  saveProgramme,
  setTier,
  tierHistory,
} from './loyalty.service.js';
import {
  adjustBody,
  adjustmentListQuery,
  customerParam,
  decideBody,
  idParam,
  ledgerQuery,
  memberListQuery,
  programmeBody,
  redeemBody,
  redemptionListQuery,
  rewardBody,
  tierBody,
} from './loyalty.types.js';
import { cancelRedemption, createReward, deleteReward, listRewards, redeemAtDesk, listRedemptions, updateReward } from './rewards.service.js';

/** 会员与积分: the programme, members and their ledger, adjustments, rewards and redemptions. `now`: the server's clock. */
export async function loyaltyRoutes(app: App, ctx: ServiceContext & { now: () => Date }): Promise<void> {
  const { db, now } = ctx;
  const tags = ['loyalty'];
  const config = { fieldLabels: 'loyalty' };

  // ---- programme ----
  app.get('/api/v1/loyalty/programme', { schema: { tags, summary: 'The loyalty programme: tiers, earn rules, bonuses, expiry, referral rewards', response: { 200: programmeView } }, config }, async (req) =>
    getProgramme(db, req.actor),
  );
  app.put(
    '/api/v1/loyalty/programme',
    { schema: { tags, summary: 'Change the programme (a tier members hold cannot be removed: 409)', body: programmeBody, response: { 200: programmeView } }, config },
    async (req) => db.transaction((tx) => saveProgramme(tx, req.actor, req.body)),
  );

  // ---- members ----
  app.get('/api/v1/loyalty/members', { schema: { tags, summary: 'Members (newest first): by tier, name or member number', querystring: memberListQuery, response: { 200: memberPage } }, config }, async (req) =>
    listMembers(db, req.actor, req.query),
  );
  app.get('/api/v1/loyalty/members/:customerId', { schema: { tags, summary: "A customer's membership: tier, points, growth, points expiring soon", params: customerParam, response: { 200: memberView } }, config }, async (req) =>
    getMember(db, req.actor, req.params.customerId, now()),
  );
  app.post(
    '/api/v1/loyalty/members/:customerId',
    { schema: { tags, summary: 'Enrol a customer (a member already: the membership as it is)', params: customerParam, response: { 201: memberView } }, config },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => enrolMember(tx, req.actor, req.params.customerId, now()))),
  );
  app.put(
    '/api/v1/loyalty/members/:customerId/tier',
    { schema: { tags, summary: "Set a member's tier by hand (recorded as a manual tier change)", params: customerParam, body: tierBody, response: { 200: memberView } }, config },
    async (req) => db.transaction((tx) => setTier(tx, req.actor, req.params.customerId, req.body.tier, now())),
  );
  app.get(
    '/api/v1/loyalty/members/:customerId/ledger',
    { schema: { tags, summary: "A member's points history (newest first), each entry with its reason and the balance after it", params: customerParam, querystring: ledgerQuery, response: { 200: ledgerPage } }, config },
    async (req) => getLedger(db, req.actor, req.params.customerId, req.query),
  );
  app.get('/api/v1/loyalty/members/:customerId/tiers', { schema: { tags, summary: "A member's tier changes", params: customerParam, response: { 200: tierChangeList } }, config }, async (req) =>
    tierHistory(db, req.actor, req.params.customerId),
  );

  // ---- adjustments ----
  app.post(
    '/api/v1/loyalty/members/:customerId/adjustments',
    {
      schema: { tags, summary: 'Adjust points by hand: booked at once up to the approval limit, above it pending a second person', params: customerParam, body: adjustBody, response: { 201: adjustmentView } },
      config,
    },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => adjustPoints(tx, req.actor, req.params.customerId, req.body, now()))),
  );
  app.get('/api/v1/loyalty/adjustments', { schema: { tags, summary: 'Adjustments by status (pending: waiting for approval)', querystring: adjustmentListQuery, response: { 200: adjustmentList } }, config }, async (req) =>
    listAdjustments(db, req.actor, req.query.status),
  );
  app.post(
    '/api/v1/loyalty/adjustments/:id/decision',
    { schema: { tags, summary: 'Approve (book) or reject a pending adjustment: not the person who asked', params: idParam, body: decideBody, response: { 200: adjustmentView } }, config },
    async (req) => db.transaction((tx) => decideAdjustment(tx, req.actor, req.params.id, req.body.approve, now())),
  );

  // ---- rewards ----
  app.get('/api/v1/loyalty/rewards', { schema: { tags, summary: 'The rewards catalogue (cheapest first)', response: { 200: rewardList } }, config }, async (req) => listRewards(db, req.actor));
  app.post('/api/v1/loyalty/rewards', { schema: { tags, summary: 'Add a reward', body: rewardBody, response: { 201: rewardView } }, config }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => createReward(tx, req.actor, req.body))),
  );
  app.put('/api/v1/loyalty/rewards/:id', { schema: { tags, summary: 'Change a reward', params: idParam, body: rewardBody, response: { 200: rewardView } }, config }, async (req) =>
    db.transaction((tx) => updateReward(tx, req.actor, req.params.id, req.body)),
  );
  app.delete('/api/v1/loyalty/rewards/:id', { schema: { tags, summary: 'Remove a reward (past redemptions keep it)', params: idParam, response: { 204: noContent } }, config }, async (req, reply) => {
    await db.transaction((tx) => deleteReward(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });

  // ---- redemptions ----
  app.post(
    '/api/v1/loyalty/members/:customerId/redemptions',
    { schema: { tags, summary: 'Redeem a reward at the desk (points earliest-expiring first; 409 without the points or the stock)', params: customerParam, body: redeemBody, response: { 201: redemptionView } }, config },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => redeemAtDesk(tx, req.actor, req.params.customerId, req.body, now()))),
  );
  app.get('/api/v1/loyalty/redemptions', { schema: { tags, summary: "Redemptions (newest first), everyone's or one member's, optionally between two company days (from, to)", querystring: redemptionListQuery, response: { 200: redemptionPage } }, config }, async (req) =>
    listRedemptions(db, req.actor, req.query),
  );
  app.post(
    '/api/v1/loyalty/redemptions/:id/cancel',
    { schema: { tags, summary: 'Cancel a redemption: its points come back, its stock returns (once; 409 the second time)', params: idParam, response: { 200: redemptionView } }, config },
    async (req) => db.transaction((tx) => cancelRedemption(tx, req.actor, req.params.id, now())),
  );
}
