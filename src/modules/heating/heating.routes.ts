import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import { kickSweep, type MessagingRuntime } from '../messages/index.js';
import { arrearsRunState, requestArrearsRebuild, runView } from './arrears.js';
import { arrearsPage, arrearsRunView, arrearsSummary, noticePage, noticePreview, noticeView, treeLevelView } from './heating.schemas.js';
import { arrearsSummary as summarise, listArrears, treeLevel } from './heating.service.js';
import { arrearsPageQuery, arrearsQuery, idParam, noticeBody, noticeListQuery, previewQuery, targetQuery } from './heating.types.js';
import { createNotice, getNotice, listNotices, previewNotice } from './notices.js';

export type HeatingRuntime = {
  messaging: MessagingRuntime;
  /** Starts a queued notice run (a job) after the request committed. */
  enqueueNotice: (id: string) => Promise<void>;
  /** Starts a queued arrears rebuild (a job). */
  enqueueRebuild: (id: string) => Promise<void>;
};

/** 供热: the compound tree, 欠费 and its rebuild, 停暖 / 抢修通知. */
export async function heatingRoutes(app: App, ctx: ServiceContext & { heating: HeatingRuntime }): Promise<void> {
  const { db } = ctx;
  const rt = ctx.heating;
  const tags = ['heating'];
  const config = { fieldLabels: 'heating' };

  app.get(
    '/api/v1/heating/tree',
    {
      schema: { tags, summary: 'One level of the compound tree (小区 → 楼栋 → 单元): households, open tickets and arrears per node, in the reader’s scope', querystring: targetQuery, response: { 200: treeLevelView } },
      config,
    },
    async (req) => treeLevel(db, req.actor, req.query),
  );
  app.get(
    '/api/v1/heating/arrears',
    { schema: { tags, summary: 'Households owing heating fees, most owed first, with the amounts by season (欠费)', querystring: arrearsPageQuery, response: { 200: arrearsPage } }, config },
    async (req) => listArrears(db, req.actor, req.query),
  );
  app.get(
    '/api/v1/heating/arrears/summary',
    { schema: { tags, summary: 'Arrears totals per heating season for the same filters, and the read model’s last rebuild', querystring: arrearsQuery, response: { 200: arrearsSummary } }, config },
    async (req) => summarise(db, req.actor, req.query, rt.messaging.now()),
  );
  app.post(
    '/api/v1/heating/arrears/rebuild',
    { schema: { tags, summary: 'Recompute every household’s arrears now (a background run; the one running is answered if any)', response: { 202: arrearsRunView } } },
    async (req, reply) => {
      const { id, queued } = await db.transaction((tx) => requestArrearsRebuild(tx, req.actor, rt.messaging.now()));
      if (queued) await rt.enqueueRebuild(id);
      const { running, lastDone } = await arrearsRunState(db);
      const row = running?.id === id ? running : lastDone?.id === id ? lastDone : running;
      return reply.code(202).send(runView(row!));
    },
  );
  app.get(
    '/api/v1/heating/notices',
    { schema: { tags, summary: '停暖 / 抢修通知 sent, newest first, with their delivery', querystring: noticeListQuery, response: { 200: noticePage } } },
    async (req) => listNotices(db, req.actor, req.query),
  );
  app.get(
    '/api/v1/heating/notices/preview',
    { schema: { tags, summary: 'How many households a notice to a compound, building or unit would reach on a channel', querystring: previewQuery, response: { 200: noticePreview } }, config },
    async (req) => previewNotice(db, req.actor, req.query),
  );
  app.post(
    '/api/v1/heating/notices',
    {
      schema: {
        tags,
        summary: 'Notify every household of a compound, building or unit of an outage or a repair (a template, or typed text) through the outbox',
        body: noticeBody,
        response: { 201: noticeView },
      },
      config,
    },
    async (req, reply) => {
      const { view, queued } = await db.transaction((tx) => createNotice(tx, req.actor, req.body, rt.messaging));
      if (queued) await rt.enqueueNotice(view.id);
      else kickSweep(rt.messaging);
      return reply.code(201).send(view);
    },
  );
  app.get('/api/v1/heating/notices/:id', { schema: { tags, summary: 'One notice: its counts (reached, blocked by reason) and its messages’ delivery', params: idParam, response: { 200: noticeView } } }, async (req) =>
    getNotice(db, req.actor, req.params.id),
  );
}
