import type { ServiceContext } from '../../../platform/context.js';
import { noContent } from '../../../platform/http/response.js';
import type { App } from '../../../platform/http/server.js';
import { ticketReport } from './reports.js';
import { slaCalendarList, slaCalendarView, slaPolicyList, slaPolicyView, ticketReportView } from './sla.schemas.js';
import { createCalendar, createPolicy, deleteCalendar, listCalendars, listPolicies, updateCalendar, updatePolicy } from './sla.service.js';
import { createCalendarBody, createPolicyBody, idParam, reportQuery, updateCalendarBody, updatePolicyBody } from './sla.types.js';

/** SLA settings (business calendars, policies) and the ticket reports. */
export async function slaRoutes(app: App, ctx: ServiceContext & { now: () => Date }): Promise<void> {
  const { db } = ctx;
  const tags = ['ticket SLA'];
  const labels = { fieldLabels: 'sla' };

  app.get('/api/v1/tickets/sla/calendars', { schema: { tags, summary: 'Business calendars (working hours, holidays, 调休 days, 24×7)', response: { 200: slaCalendarList } } }, async (req) =>
    listCalendars(db, req.actor),
  );
  app.post(
    '/api/v1/tickets/sla/calendars',
    { schema: { tags, summary: 'Create a business calendar', body: createCalendarBody, response: { 201: slaCalendarView } }, config: labels },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => createCalendar(tx, req.actor, req.body))),
  );
  app.patch(
    '/api/v1/tickets/sla/calendars/:id',
    { schema: { tags, summary: 'Change a business calendar (its holidays, hours, zone); needs the version it started from', params: idParam, body: updateCalendarBody, response: { 200: slaCalendarView } }, config: labels },
    async (req) => db.transaction((tx) => updateCalendar(tx, req.actor, req.params.id, req.body)),
  );
  app.delete('/api/v1/tickets/sla/calendars/:id', { schema: { tags, summary: 'Delete a calendar no policy or ticket uses', params: idParam, response: { 204: noContent } } }, async (req, reply) => {
    await db.transaction((tx) => deleteCalendar(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });

  app.get('/api/v1/tickets/sla/policies', { schema: { tags, summary: 'SLA policies: targets by type, priority and customer tier', response: { 200: slaPolicyList } } }, async (req) =>
    listPolicies(db, req.actor),
  );
  app.post(
    '/api/v1/tickets/sla/policies',
    { schema: { tags, summary: 'Create an SLA policy (the most specific active match applies to new tickets)', body: createPolicyBody, response: { 201: slaPolicyView } }, config: labels },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => createPolicy(tx, req.actor, req.body))),
  );
  app.patch(
    '/api/v1/tickets/sla/policies/:id',
    { schema: { tags, summary: 'Change or deactivate an SLA policy', params: idParam, body: updatePolicyBody, response: { 200: slaPolicyView } }, config: labels },
    async (req) => db.transaction((tx) => updatePolicy(tx, req.actor, req.params.id, req.body)),
  );

  app.get(
    '/api/v1/tickets/reports',
    {
      schema: {
        tags,
        summary: 'Ticket report: volume by category, compound and day; response and resolution times (business hours); SLA compliance; reopen rate; satisfaction; per agent and team',
        querystring: reportQuery,
        response: { 200: ticketReportView },
      },
      config: labels,
    },
    async (req) => ticketReport(db, req.actor, req.query, ctx.now()),
  );
}
