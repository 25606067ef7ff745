/**
 * Every route of the loyalty module, registered in one call by the composition root: the programme, members, ledger,
 * adjustments, rewards and redemptions (loyalty.routes.ts); referrals (referrals.routes.ts); the reports
 * (reports.routes.ts); the households' pages — the join page /s/j/<code> (public.join.ts) and the member's own page
 * /s/m/<token> with its link (public.routes.ts). `messaging`: the outbox runtime (its clock; member links go out by it).
 */
import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import type { MessagingRuntime } from '../messages/index.js';
import { referralJoinRoutes } from './public.join.js';
import { loyaltyPublicRoutes } from './public.routes.js';
import { loyaltyRoutes } from './loyalty.routes.js';
import { referralRoutes } from './referrals.routes.js';
import { loyaltyReportRoutes } from './reports.routes.js';

export async function loyaltyModuleRoutes(app: App, ctx: ServiceContext & { messaging: MessagingRuntime }): Promise<void> {
  const timed = { ...ctx, now: ctx.messaging.now };
  await loyaltyRoutes(app, timed);
  await referralRoutes(app, timed);
  await loyaltyReportRoutes(app, timed);
  await referralJoinRoutes(app, timed);
  await loyaltyPublicRoutes(app, ctx);
}
