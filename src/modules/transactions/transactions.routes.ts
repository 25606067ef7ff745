import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import { createProduct, deleteProduct, listProducts, updateProduct } from './products.service.js';
import {
  createTransaction,
  deleteTransaction,
  listTransactions,
  purchaseSummary,
  restoreTransaction,
} from './transactions.service.js';
import {
  createTransactionBody,
  customerIdParam,
  productBody,
  productPatch,
  productQuery,
  transactionIdParam,
  transactionListQuery,
} from './transactions.types.js';
import { productList, productView, purchaseSummaryView, transactionPage, transactionView } from './transactions.schemas.js';
import { noContent } from '../../platform/http/response.js';

export async function transactionRoutes(app: App, ctx: ServiceContext): Promise<void> {
  const { db } = ctx;
  const tags = ['transactions'];

  app.get(
    '/api/v1/customers/:id/transactions',
    { schema: { tags, summary: "A customer's purchases, payments and refunds (newest first)", params: customerIdParam, querystring: transactionListQuery, response: { 200: transactionPage } } },
    async (req) => listTransactions(db, req.actor, req.params.id, req.query),
  );
  app.get(
    '/api/v1/customers/:id/transactions/summary',
    { schema: { tags, summary: 'Lifetime spend, count, first and last date, average order value', params: customerIdParam, response: { 200: purchaseSummaryView } } },
    async (req) => purchaseSummary(db, req.actor, req.params.id),
  );
  app.post(
    '/api/v1/customers/:id/transactions',
    { schema: { tags, summary: 'Record a purchase, payment or refund (amounts in fen)', params: customerIdParam, body: createTransactionBody, response: { 201: transactionView } } },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => createTransaction(tx, req.actor, req.params.id, req.body))),
  );
  app.delete(
    '/api/v1/transactions/:id',
    { schema: { tags, summary: 'Delete a transaction (restorable)', params: transactionIdParam, response: { 204: noContent } } },
    async (req, reply) => {
      await db.transaction((tx) => deleteTransaction(tx, req.actor, req.params.id));
      return reply.code(204).send();
    },
  );
  app.post(
    '/api/v1/transactions/:id/restore',
    { schema: { tags, summary: 'Restore a deleted transaction', params: transactionIdParam, response: { 200: transactionView } } },
    async (req) => db.transaction((tx) => restoreTransaction(tx, req.actor, req.params.id)),
  );

  const ptags = ['products'];
  app.get('/api/v1/products', { schema: { tags: ptags, summary: 'The product and service catalogue', querystring: productQuery, response: { 200: productList } } }, async (req) => ({
    items: await listProducts(db, req.actor, req.query),
  }));
  app.post('/api/v1/products', { schema: { tags: ptags, summary: 'Add a product or service', body: productBody, response: { 201: productView } } }, async (req, reply) =>
    reply.code(201).send(await db.transaction((tx) => createProduct(tx, req.actor, req.body))),
  );
  app.patch(
    '/api/v1/products/:id',
    { schema: { tags: ptags, summary: 'Change a product', params: transactionIdParam, body: productPatch, response: { 200: productView } } },
    async (req) => db.transaction((tx) => updateProduct(tx, req.actor, req.params.id, req.body)),
  );
  app.delete('/api/v1/products/:id', { schema: { tags: ptags, summary: 'Retire a product', params: transactionIdParam, response: { 204: noContent } } }, async (req, reply) => {
    await db.transaction((tx) => deleteProduct(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });
}
