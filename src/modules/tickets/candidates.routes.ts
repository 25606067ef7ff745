/**
 * `GET /api/v1/tickets/:id/customer-candidates`: who an unlinked ticket's reporter may be (tickets.public.ts
 * `customerCandidates`), for the ticket page's 「可能是：…」 line; linking one is the ticket's own edit
 * (`PATCH /tickets/:id` with `customerId`).
 */
import { z } from 'zod';
import type { ServiceContext } from '../../platform/context.js';
import { responseOf } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import type { TicketCandidatesView } from './candidates.contract.js';
import { customerCandidates } from './tickets.public.js';
import { idParam } from './tickets.types.js';

const candidatesView = responseOf<TicketCandidatesView>()(
  z.object({
    by: z.enum(['phone', 'address']).nullable().describe('What matched: several customers with the phone, or households at the address'),
    items: z.array(
      z.object({
        customerId: z.uuid(),
        name: z.string(),
        address: z.string().describe('小区 楼 单元 室'),
        phone: z.string().nullable().describe('Masked'),
      }),
    ),
  }),
);

export async function ticketCandidateRoutes(app: App, ctx: ServiceContext): Promise<void> {
  app.get(
    '/api/v1/tickets/:id/customer-candidates',
    {
      schema: {
        tags: ['tickets'],
        summary: "The customers an unlinked ticket's reporter may be: several holding its phone, else households at its address (within the caller's scope)",
        params: idParam,
        response: { 200: candidatesView },
      },
    },
    async (req) => customerCandidates(ctx.db, req.actor, req.params.id),
  );
}
