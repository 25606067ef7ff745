import type { ServiceContext } from '../../platform/context.js';
import { noContent } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import {
  approveCampaign,
  cancelCampaign,
  createCampaign,
  deleteCampaign,
  getCampaign,
  getCampaignSettings,
  launchCampaign,
  listCampaigns,
  scheduleCampaign,
  updateCampaign,
  updateCampaignSettings,
} from './campaigns.service.js';
import { campaignPage, campaignResults as campaignResultsSchema, campaignSettings, campaignView, couponList, redemptionPage, redemptionView } from './campaigns.schemas.js';
import { campaignListQuery, createCampaignBody, idParam, redeemBody, redemptionListQuery, resultsQuery, settingsBody, updateCampaignBody, versionBody } from './campaigns.types.js';
import { customerCoupons, listRedemptions, redeem } from './redemptions.js';
import { campaignResults } from './results.js';

export type CampaignRouteContext = ServiceContext & { enqueue: (runId: string) => Promise<void>; now: () => Date };

export async function campaignRoutes(app: App, ctx: CampaignRouteContext): Promise<void> {
  const { db } = ctx;
  const tags = ['campaigns'];
  const config = { fieldLabels: 'campaign' };

  app.get('/api/v1/campaigns', { schema: { tags, summary: 'Campaigns, newest first (keyset), with the total', querystring: campaignListQuery, response: { 200: campaignPage } } }, async (req) =>
    listCampaigns(db, req.actor, req.query),
  );
  app.post('/api/v1/campaigns', { schema: { tags, summary: 'Create a campaign (a draft)', body: createCampaignBody, response: { 201: campaignView } }, config }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => createCampaign(tx, req.actor, req.body))),
  );
  app.get('/api/v1/campaigns/settings', { schema: { tags, summary: 'Campaign settings: the budget above which a launch needs approval', response: { 200: campaignSettings } } }, async (req) =>
    getCampaignSettings(db, req.actor),
  );
  app.patch(
    '/api/v1/campaigns/settings',
    { schema: { tags, summary: 'Change the approval limit (settings:manage)', body: settingsBody, response: { 200: campaignSettings } }, config },
    async (req) => db.transaction((tx) => updateCampaignSettings(tx, req.actor, req.body)),
  );
  app.get('/api/v1/campaigns/:id', { schema: { tags, summary: 'One campaign with its offers, messages and latest launch', params: idParam, response: { 200: campaignView } } }, async (req) =>
    getCampaign(db, req.actor, req.params.id),
  );
  app.patch(
    '/api/v1/campaigns/:id',
    { schema: { tags, summary: 'Change a draft or scheduled campaign (back to draft; 409 unless `version` is current)', params: idParam, body: updateCampaignBody, response: { 200: campaignView } }, config },
    async (req) => db.transaction((tx) => updateCampaign(tx, req.actor, req.params.id, req.body)),
  );
  app.delete('/api/v1/campaigns/:id', { schema: { tags, summary: 'Delete a draft', params: idParam, response: { 204: noContent } } }, async (req, reply) => {
    await db.transaction((tx) => deleteCampaign(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });
  app.post(
    '/api/v1/campaigns/:id/approve',
    { schema: { tags, summary: 'Approve a budget above the limit (campaign:approve)', params: idParam, body: versionBody, response: { 200: campaignView } }, config },
    async (req) => db.transaction((tx) => approveCampaign(tx, req.actor, req.params.id, req.body.version)),
  );
  app.post(
    '/api/v1/campaigns/:id/schedule',
    { schema: { tags, summary: 'Schedule a draft to launch at its `startsAt`', params: idParam, body: versionBody, response: { 200: campaignView } }, config },
    async (req) => db.transaction((tx) => scheduleCampaign(tx, req.actor, req.params.id, req.body.version, ctx.now())),
  );
  app.post(
    '/api/v1/campaigns/:id/launch',
    {
      schema: {
        tags,
        summary: 'Launch now: draws the treated and holdout groups, issues codes and writes the messages in the background',
        params: idParam,
        body: versionBody,
        response: { 202: campaignView },
      },
      config,
    },
    async (req, reply) => {
      const { campaign, runId } = await db.transaction((tx) => launchCampaign(tx, req.actor, req.params.id, req.body.version, ctx.now()));
      await ctx.enqueue(runId);
      return reply.code(202).send(campaign);
    },
  );
  app.post(
    '/api/v1/campaigns/:id/cancel',
    { schema: { tags, summary: 'Cancel (codes stop working; results keep what happened)', params: idParam, body: versionBody, response: { 200: campaignView } }, config },
    async (req) => db.transaction((tx) => cancelCampaign(tx, req.actor, req.params.id, req.body.version)),
  );
  app.get(
    '/api/v1/campaigns/:id/results',
    { schema: { tags, summary: 'Treated vs holdout: reach, response, redemptions, revenue, uplift with 95% intervals, ROI, per tier, daily', params: idParam, querystring: resultsQuery, response: { 200: campaignResultsSchema } } },
    async (req) => campaignResults(db, req.actor, req.params.id, req.query, ctx.now()),
  );
  app.get(
    '/api/v1/campaigns/:id/redemptions',
    { schema: { tags, summary: 'Redemptions, newest first (keyset), of customers you see', params: idParam, querystring: redemptionListQuery, response: { 200: redemptionPage } } },
    async (req) => listRedemptions(db, req.actor, req.params.id, req.query),
  );
  app.post(
    '/api/v1/campaigns/:id/redemptions',
    { schema: { tags, summary: "Record a redemption of one of the campaign's codes", params: idParam, body: redeemBody, response: { 201: redemptionView } }, config },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => redeem(tx, req.actor, req.body, { source: 'api', campaignId: req.params.id }))),
  );
  app.post(
    '/api/v1/coupons/redemptions',
    { schema: { tags, summary: 'Record a redemption by code alone (a till, a partner system)', body: redeemBody, response: { 201: redemptionView } }, config },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => redeem(tx, req.actor, req.body, { source: 'api' }))),
  );
  app.get('/api/v1/customers/:id/coupons', { schema: { tags, summary: "A customer's coupon codes", params: idParam, response: { 200: couponList } } }, async (req) => ({
    items: await customerCoupons(db, req.actor, req.params.id),
  }));
}
