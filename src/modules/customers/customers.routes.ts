import { Readable } from 'node:stream';
import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import { createContact, deleteContact, listContacts, updateContact } from './contacts.service.js';
import {
  createCustomer,
  customerHistory,
  deleteCustomer,
  getCustomer,
  listCustomers,
  listTags,
  restoreCustomer,
  revealCustomer,
  updateCustomer,
} from './customers.service.js';
import {
  contactBody,
  contactIdParam,
  contactPatch,
  createCustomerBody,
  customerIdParam,
  exportQuery,
  listQuery,
  revealBody,
  updateCustomerBody,
  versionBody,
} from './customers.types.js';
import { exportCustomersCsv, exportCustomersXlsx } from './export.service.js';
import { contactList, contactView, customerHistoryView, customerPage, customerView, fieldAccessView, revealView, tagCountList } from './customers.schemas.js';
import { fileResponse, noContent, XLSX_MEDIA_TYPE } from '../../platform/http/response.js';
import { checkDuplicates } from './duplicate-check.service.js';
import { callerFieldAccess } from './field-access.js';
import { duplicateCheckQuery, duplicateCheckView } from './duplicate-check.types.js';

const tags = ['customers'];

export async function customerRoutes(app: App, ctx: ServiceContext): Promise<void> {
  const { db } = ctx;

  app.get('/api/v1/customers', { schema: { tags, summary: 'List and search customers (keyset pages)', querystring: listQuery, response: { 200: customerPage } } }, async (req) =>
    listCustomers(db, req.actor, req.query),
  );
  app.post('/api/v1/customers', { schema: { tags, summary: 'Create a customer', body: createCustomerBody, response: { 201: customerView } } }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => createCustomer(tx, req.actor, req.body))),
  );
  app.get(
    '/api/v1/customers/duplicate-check',
    { schema: { tags, summary: '可能重复: existing customers with the phone, ID number, or address and name being entered (masked; outside the data scope only counted)', querystring: duplicateCheckQuery, response: { 200: duplicateCheckView } } },
    async (req) => checkDuplicates(db, req.actor, req.query),
  );
  app.get(
    '/api/v1/customers/field-access',
    { schema: { tags, summary: "字段权限: the caller's level (hidden / read / edit) for every customer field, standard and custom", response: { 200: fieldAccessView } } },
    async (req) => callerFieldAccess(db, req.actor),
  );
  app.get('/api/v1/customers/tags', { schema: { tags, summary: 'Tags in use, with counts', response: { 200: tagCountList } } }, async (req) => ({
    items: await listTags(db, req.actor),
  }));
  app.get(
    '/api/v1/customers/export.csv',
    { schema: { tags, summary: 'Export the filtered list as CSV (audited)', querystring: exportQuery, response: { 200: fileResponse('A CSV file (UTF-8)', 'text/csv') } } },
    async (req, reply) => {
      const lines = await exportCustomersCsv(db, req.actor, req.query, req.locale);
      const stamp = new Date().toISOString().slice(0, 10);
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="customers-${stamp}.csv"`)
        .header('cache-control', 'no-store');
      return reply.send(Readable.from(lines));
    },
  );
  app.get(
    '/api/v1/customers/export.xlsx',
    { schema: { tags, summary: 'Export the filtered list as an Excel workbook (audited)', querystring: exportQuery, response: { 200: fileResponse('An XLSX workbook', XLSX_MEDIA_TYPE) } } },
    async (req, reply) => {
      const stream = await exportCustomersXlsx(db, req.actor, req.query, req.locale, ctx.config.displayTimezone);
      const stamp = new Date().toISOString().slice(0, 10);
      reply
        .type(XLSX_MEDIA_TYPE)
        .header('content-disposition', `attachment; filename="customers-${stamp}.xlsx"`)
        .header('cache-control', 'no-store');
      return reply.send(stream);
    },
  );
  app.get('/api/v1/customers/:id', { schema: { tags, summary: 'One customer (phone and ID masked)', params: customerIdParam, response: { 200: customerView } } }, async (req) =>
    getCustomer(db, req.actor, req.params.id),
  );
  app.patch(
    '/api/v1/customers/:id',
    { schema: { tags, summary: 'Edit a customer (send the version you edited)', params: customerIdParam, body: updateCustomerBody, response: { 200: customerView } } },
    async (req) => db.transaction((tx) => updateCustomer(tx, req.actor, req.params.id, req.body)),
  );
  app.delete(
    '/api/v1/customers/:id',
    { schema: { tags, summary: 'Soft-delete a customer (restorable)', params: customerIdParam, body: versionBody, response: { 204: noContent } } },
    async (req, reply) => {
      await db.transaction((tx) => deleteCustomer(tx, req.actor, req.params.id, req.body?.version));
      return reply.code(204).send();
    },
  );
  app.post('/api/v1/customers/:id/restore', { schema: { tags, summary: 'Restore a deleted customer', params: customerIdParam, response: { 200: customerView } } }, async (req) =>
    db.transaction((tx) => restoreCustomer(tx, req.actor, req.params.id)),
  );
  app.post(
    '/api/v1/customers/:id/reveal',
    { schema: { tags, summary: 'Show phone / ID numbers in full (audited)', params: customerIdParam, body: revealBody, response: { 200: revealView } } },
    async (req) => db.transaction((tx) => revealCustomer(tx, req.actor, req.params.id, req.body)),
  );
  app.get('/api/v1/customers/:id/history', { schema: { tags, summary: 'Change history of a customer', params: customerIdParam, response: { 200: customerHistoryView } } }, async (req) => ({
    items: await customerHistory(db, req.actor, req.params.id),
  }));

  app.get('/api/v1/customers/:id/contacts', { schema: { tags, summary: "An organisation's contacts", params: customerIdParam, response: { 200: contactList } } }, async (req) => ({
    items: await listContacts(db, req.actor, req.params.id),
  }));
  app.post(
    '/api/v1/customers/:id/contacts',
    { schema: { tags, summary: 'Add a contact to an organisation', params: customerIdParam, body: contactBody, response: { 201: contactView } } },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => createContact(tx, req.actor, req.params.id, req.body))),
  );
  app.patch(
    '/api/v1/customers/:id/contacts/:contactId',
    { schema: { tags, summary: 'Change a contact', params: contactIdParam, body: contactPatch, response: { 200: contactView } } },
    async (req) => db.transaction((tx) => updateContact(tx, req.actor, req.params.id, req.params.contactId, req.body)),
  );
  app.delete(
    '/api/v1/customers/:id/contacts/:contactId',
    { schema: { tags, summary: 'Remove a contact', params: contactIdParam, response: { 204: noContent } } },
    async (req, reply) => {
      await db.transaction((tx) => deleteContact(tx, req.actor, req.params.id, req.params.contactId));
      return reply.code(204).send();
    },
  );
}
