import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import { homeDashboard } from './dashboards.service.js';
import { dashboardHome, homeQuery } from './dashboards.schemas.js';

/** `now`: the app's clock (tests move it). */
export async function dashboardRoutes(app: App, ctx: ServiceContext & { now?: () => Date }): Promise<void> {
  app.get(
    '/api/v1/dashboards/home',
    {
      schema: {
        tags: ['dashboards'],
        summary: "The signed-in user's home page: their role's board (or `board`), its tiles with figures, records and drill-through links",
        querystring: homeQuery,
        response: { 200: dashboardHome },
      },
    },
    async (req) => homeDashboard(ctx.db, req.actor, { board: req.query.board, now: ctx.now?.() }),
  );
}
