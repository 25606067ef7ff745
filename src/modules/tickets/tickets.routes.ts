import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { ServiceContext } from '../../platform/context.js';
import { noContent } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import { readAttachment, readLimited, readPublicAttachment, uploadAttachment, uploadPublicAttachment, type AttachmentFile } from './attachments.service.js';
import { ATTACHMENT_MAX_BYTES } from './tickets.contract.js';
import * as settings from './settings.service.js';
import { addNote, addReply } from './tickets.conversation.js';
import { createTicket, submitPublicTicket, updateTicket } from './tickets.intake.js';
import { publicReopen, publicReply, publicTicket, rateTicket } from './tickets.public.js';
import { getTicket, listTickets, listTicketTags, revealContact } from './tickets.service.js';
import { bulkTickets } from './tickets.bulk.js';
import {
  assignmentRuleList,
  assignmentRuleView,
  attachmentFile,
  publicSubmitResult,
  publicTicketCategoryList,
  publicTicketView,
  rootCauseList,
  rootCauseView,
  ticketAttachmentView,
  ticketBulkResult,
  ticketCategoryList,
  ticketCategoryView,
  ticketContactReveal,
  ticketDetail,
  ticketPage,
  ticketTagList,
} from './tickets.schemas.js';
import type { TicketsRuntime } from './tickets.types.js';
import { assignTicket, mergeTicket, reopenTicket, resolveTicket, setStatus } from './tickets.workflow.js';
import {
  assignBody,
  attachmentParam,
  bulkTicketsBody,
  categoryBody,
  categoryPatch,
  createTicketBody,
  idParam,
  listTicketsQuery,
  mergeBody,
  noteBody,
  publicReplyBody,
  publicSubmitBody,
  rateBody,
  reopenBody,
  replyBody,
  resolveBody,
  rootCauseBody,
  rootCausePatch,
  ruleBody,
  rulePatch,
  statusBody,
  tokenAttachmentParam,
  tokenParam,
  updateTicketBody,
  uploadQuery,
} from './tickets.types.js';

function sendFile(reply: FastifyReply, f: AttachmentFile) {
  return reply
    .header('content-type', f.contentType)
    .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(f.fileName)}`)
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, max-age=300')
    .send(f.bytes);
}

const contentLength = (h: string | undefined) => (h && /^\d+$/.test(h) ? Number(h) : null);

export async function ticketRoutes(app: App, ctx: ServiceContext & { tickets: TicketsRuntime }): Promise<void> {
  const { db, tickets: rt } = ctx;
  const dataDir = ctx.config.dataDir;
  const tags = ['tickets'];
  const labels = { fieldLabels: 'ticket' };

  app.get('/api/v1/tickets', { schema: { tags, summary: 'The ticket queue (filters: status, type, category, assignee, mine, SLA state, tag)', querystring: listTicketsQuery, response: { 200: ticketPage } } }, async (req) =>
    listTickets(db, req.actor, req.query, rt),
  );
  app.post('/api/v1/tickets', { schema: { tags, summary: 'Create a ticket (assignment rules apply unless assigneeId is given)', body: createTicketBody, response: { 201: ticketDetail } }, config: labels }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => createTicket(tx, req.actor, req.body, rt))),
  );
  app.post(
    '/api/v1/tickets/bulk',
    {
      schema: {
        tags,
        summary: 'Assign, change the status of, or tag up to 500 tickets: each by the rules of a single change, each reported (done, unchanged, refused and why)',
        body: bulkTicketsBody,
        response: { 200: ticketBulkResult },
      },
      config: labels,
    },
    async (req) => db.transaction((tx) => bulkTickets(tx, req.actor, req.body, rt)),
  );
  app.get('/api/v1/tickets/tags', { schema: { tags, summary: 'Tags in use on the tickets I see, most used first', response: { 200: ticketTagList } } }, async (req) => ({
    items: await listTicketTags(db, req.actor),
  }));
  app.get('/api/v1/tickets/:id', { schema: { tags, summary: 'One ticket with its timeline, attachments and SLA clock', params: idParam, response: { 200: ticketDetail } } }, async (req) => getTicket(db, req.actor, req.params.id, rt));
  app.patch('/api/v1/tickets/:id', { schema: { tags, summary: 'Change type, category, priority, severity, customer or transaction', params: idParam, body: updateTicketBody, response: { 200: ticketDetail } }, config: labels }, async (req) =>
    db.transaction((tx) => updateTicket(tx, req.actor, req.params.id, req.body, rt)),
  );
  app.post('/api/v1/tickets/:id/status', { schema: { tags, summary: 'Move to in progress, waiting on the customer, or close a resolved ticket', params: idParam, body: statusBody, response: { 200: ticketDetail } }, config: labels }, async (req) =>
    db.transaction((tx) => setStatus(tx, req.actor, req.params.id, req.body.status, req.body.version, rt)),
  );
  app.post('/api/v1/tickets/:id/assign', { schema: { tags, summary: 'Assign (or unassign) the ticket', params: idParam, body: assignBody, response: { 200: ticketDetail } }, config: labels }, async (req) =>
    db.transaction((tx) => assignTicket(tx, req.actor, req.params.id, req.body, rt)),
  );
  app.post('/api/v1/tickets/:id/notes', { schema: { tags, summary: 'An internal note (never shown to the customer)', params: idParam, body: noteBody, response: { 201: ticketDetail } }, config: labels }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => addNote(tx, req.actor, req.params.id, req.body.body, rt))),
  );
  app.post('/api/v1/tickets/:id/replies', { schema: { tags, summary: 'A reply to the customer: on the public page and through the outbox', params: idParam, body: replyBody, response: { 201: ticketDetail } }, config: labels }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => addReply(tx, req.actor, req.params.id, req.body, rt))),
  );
  app.post('/api/v1/tickets/:id/resolve', { schema: { tags, summary: 'Resolve: root cause, solution, outcome told, satisfaction request, return visit', params: idParam, body: resolveBody, response: { 200: ticketDetail } }, config: labels }, async (req) =>
    db.transaction((tx) => resolveTicket(tx, req.actor, req.params.id, req.body, rt)),
  );
  app.post('/api/v1/tickets/:id/reopen', { schema: { tags, summary: 'Reopen a resolved or closed ticket (counted)', params: idParam, body: reopenBody, response: { 200: ticketDetail } }, config: labels }, async (req) =>
    db.transaction((tx) => reopenTicket(tx, req.actor, req.params.id, req.body.reason, rt)),
  );
  app.post('/api/v1/tickets/:id/merge', { schema: { tags, summary: 'Merge this duplicate into another ticket (it closes; notes and replies move)', params: idParam, body: mergeBody, response: { 200: ticketDetail } }, config: labels }, async (req) =>
    db.transaction((tx) => mergeTicket(tx, req.actor, req.params.id, req.body.intoId, rt)),
  );
  app.post('/api/v1/tickets/:id/reveal', { schema: { tags, summary: "The contact's full phone number (customer:pii; audited)", params: idParam, response: { 200: ticketContactReveal } } }, async (req) =>
    db.transaction((tx) => revealContact(tx, req.actor, req.params.id)),
  );
  app.get('/api/v1/tickets/:id/attachments/:attachmentId', { schema: { tags, summary: 'An attachment (image)', params: attachmentParam, response: { 200: attachmentFile } } }, async (req, reply) =>
    sendFile(reply, await readAttachment(db, req.actor, dataDir, req.params.id, req.params.attachmentId, rt)),
  );

  // ---- settings ----
  const stags = ['ticket settings'];
  app.get('/api/v1/ticket-categories', { schema: { tags: stags, summary: 'The category tree (flat, with parentId)', response: { 200: ticketCategoryList } } }, async (req) => ({
    items: await db.transaction((tx) => settings.categoriesFor(tx, req.actor)),
  }));
  app.post('/api/v1/ticket-categories', { schema: { tags: stags, summary: 'Add a category', body: categoryBody, response: { 201: ticketCategoryView } }, config: labels }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => settings.createCategory(tx, req.actor, req.body))),
  );
  app.patch('/api/v1/ticket-categories/:id', { schema: { tags: stags, summary: 'Rename, move or archive a category', params: idParam, body: categoryPatch, response: { 200: ticketCategoryView } }, config: labels }, async (req) =>
    db.transaction((tx) => settings.updateCategory(tx, req.actor, req.params.id, req.body)),
  );
  app.get('/api/v1/ticket-root-causes', { schema: { tags: stags, summary: 'Root causes', response: { 200: rootCauseList } } }, async (req) => ({
    items: await db.transaction((tx) => settings.listRootCauses(tx, req.actor)),
  }));
  app.post('/api/v1/ticket-root-causes', { schema: { tags: stags, summary: 'Add a root cause', body: rootCauseBody, response: { 201: rootCauseView } }, config: labels }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => settings.createRootCause(tx, req.actor, req.body))),
  );
  app.patch('/api/v1/ticket-root-causes/:id', { schema: { tags: stags, summary: 'Rename or archive a root cause', params: idParam, body: rootCausePatch, response: { 200: rootCauseView } }, config: labels }, async (req) =>
    db.transaction((tx) => settings.updateRootCause(tx, req.actor, req.params.id, req.body)),
  );
  app.get('/api/v1/ticket-assignment-rules', { schema: { tags: stags, summary: 'Assignment rules, in the order they are tried', response: { 200: assignmentRuleList } } }, async (req) => ({
    items: await settings.listRules(db, req.actor),
  }));
  app.post('/api/v1/ticket-assignment-rules', { schema: { tags: stags, summary: 'Add an assignment rule', body: ruleBody, response: { 201: assignmentRuleView } }, config: labels }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => settings.createRule(tx, req.actor, req.body))),
  );
  app.patch('/api/v1/ticket-assignment-rules/:id', { schema: { tags: stags, summary: 'Change an assignment rule', params: idParam, body: rulePatch, response: { 200: assignmentRuleView } }, config: labels }, async (req) =>
    db.transaction((tx) => settings.updateRule(tx, req.actor, req.params.id, req.body)),
  );
  app.delete('/api/v1/ticket-assignment-rules/:id', { schema: { tags: stags, summary: 'Delete an assignment rule', params: idParam, response: { 204: noContent } } }, async (req, reply) => {
    await db.transaction((tx) => settings.deleteRule(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });

  // ---- public (no sign-in; rate-limited per IP) ----
  const ptags = ['public'];
  const pub = (max: number) => ({ public: true, fieldLabels: 'ticket', rateLimit: { max, timeWindow: '1 minute' } });
  app.get('/api/v1/public/ticket-categories', { schema: { tags: ptags, summary: 'Active categories for the public form', response: { 200: publicTicketCategoryList } }, config: pub(60) }, async () => ({
    items: (await db.transaction((tx) => settings.listCategories(tx))).filter((c) => c.active).map((c) => ({ id: c.id, parentId: c.parentId, nameZh: c.nameZh, nameEn: c.nameEn })),
  }));
  app.post('/api/v1/public/tickets', { schema: { tags: ptags, summary: 'Report a problem (no sign-in): returns the follow link', body: publicSubmitBody, response: { 201: publicSubmitResult } }, config: pub(10) }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => submitPublicTicket(tx, req.body, req.ip, rt))),
  );
  app.get('/api/v1/public/tickets/:token', { schema: { tags: ptags, summary: 'Follow a ticket: status, replies, rating', params: tokenParam, response: { 200: publicTicketView } }, config: pub(60) }, async (req) =>
    publicTicket(db, req.params.token, rt.now()),
  );
  app.post('/api/v1/public/tickets/:token/replies', { schema: { tags: ptags, summary: 'The household adds a message (stored as text; an open ticket only)', params: tokenParam, body: publicReplyBody, response: { 201: publicTicketView } }, config: pub(10) }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => publicReply(tx, req.params.token, req.body.body, req.ip, rt))),
  );
  app.post('/api/v1/public/tickets/:token/reopen', { schema: { tags: ptags, summary: 'The household reopens a resolved ticket (within 7 days) with a reason', params: tokenParam, body: reopenBody, response: { 200: publicTicketView } }, config: pub(10) }, async (req) =>
    db.transaction((tx) => publicReopen(tx, req.params.token, req.body.reason, req.ip, rt)),
  );
  app.post('/api/v1/public/tickets/:token/rating', { schema: { tags: ptags, summary: 'Rate the handling (1–5 stars and a comment), once', params: tokenParam, body: rateBody, response: { 200: publicTicketView } }, config: pub(10) }, async (req) =>
    db.transaction((tx) => rateTicket(tx, req.params.token, req.body, req.ip, rt)),
  );
  app.get('/api/v1/public/tickets/:token/attachments/:attachmentId', { schema: { tags: ptags, summary: 'An attachment of the followed ticket', params: tokenAttachmentParam, response: { 200: attachmentFile } }, config: pub(60) }, async (req, reply) =>
    sendFile(reply, await readPublicAttachment(db, dataDir, req.params.token, req.params.attachmentId)),
  );

  // Uploads: the image itself is the request body (any content type; recognised by its bytes), ?name= its file name.
  await app.register(async (plugin) => {
    const scope = plugin as unknown as App;
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    // A body over the limit is refused from its Content-Length before it is read (the route reads it itself).
    const bodyLimit = ATTACHMENT_MAX_BYTES + 1024;
    scope.post(
      '/api/v1/tickets/:id/attachments',
      { bodyLimit, schema: { tags, summary: 'Attach an image (JPEG, PNG, WebP, GIF; 5 MB; 3 per ticket)', params: idParam, querystring: uploadQuery, response: { 201: ticketAttachmentView } }, config: labels },
      async (req, reply) => {
        const bytes = await readLimited({ body: req.raw as Readable, contentLength: contentLength(req.headers['content-length']), fileName: null });
        return reply.code(201).send(await db.transaction((tx) => uploadAttachment(tx, req.actor, dataDir, req.params.id, bytes, req.query.name ?? null, rt)));
      },
    );
    scope.post(
      '/api/v1/public/tickets/:token/attachments',
      { bodyLimit, schema: { tags: ptags, summary: 'Attach an image to a reported ticket (no sign-in)', params: tokenParam, querystring: uploadQuery, response: { 201: ticketAttachmentView } }, config: pub(20) },
      async (req, reply) => {
        const bytes = await readLimited({ body: req.raw as Readable, contentLength: contentLength(req.headers['content-length']), fileName: null });
        return reply.code(201).send(await db.transaction((tx) => uploadPublicAttachment(tx, dataDir, req.params.token, bytes, req.query.name ?? null, req.ip)));
      },
    );
  });
}
