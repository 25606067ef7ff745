import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import { consentLedgerView, consentTextList, consentTextView } from './consent.schemas.js';
import { createConsentText, getConsentLedger, listConsentTexts, recordAgentConsent, updateConsentText } from './consent.service.js';
import { agentConsentBody, consentLedgerQuery, consentTextIdParam, createConsentTextBody, customerIdParam, updateConsentTextBody } from './consent.types.js';

/** 同意记录 (issue #18 item 4): a customer's consent ledger and an agent's entry; the consent text's versions. */
export async function consentRoutes(app: App, ctx: ServiceContext): Promise<void> {
  const { db } = ctx;
  const tags = ['privacy'];
  const config = { fieldLabels: 'consent' };

  app.get(
    '/api/v1/customers/:id/consent',
    { schema: { tags, summary: "A customer's consent now (channel × purpose) and every grant and withdrawal, newest first", params: customerIdParam, querystring: consentLedgerQuery, response: { 200: consentLedgerView } } },
    async (req) => getConsentLedger(db, req.actor, req.params.id, req.query),
  );
  app.post(
    '/api/v1/customers/:id/consent',
    { schema: { tags, summary: 'Record a grant or withdrawal the customer told an agent (channel or all, purpose or all)', params: customerIdParam, body: agentConsentBody, response: { 201: consentLedgerView } }, config },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => recordAgentConsent(tx, req.actor, req.params.id, req.body))),
  );
  app.get('/api/v1/privacy/consent-texts', { schema: { tags, summary: 'The versions of the consent text, the current (newest) first', response: { 200: consentTextList } } }, async (req) =>
    listConsentTexts(db, req.actor),
  );
  app.post(
    '/api/v1/privacy/consent-texts',
    { schema: { tags, summary: 'A new version of the consent text (it becomes the current one)', body: createConsentTextBody, response: { 201: consentTextView } }, config },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => createConsentText(tx, req.actor, req.body))),
  );
  app.patch(
    '/api/v1/privacy/consent-texts/:id',
    { schema: { tags, summary: 'Edit a version no entry has recorded yet (a used one: make a new version)', params: consentTextIdParam, body: updateConsentTextBody, response: { 200: consentTextView } }, config },
    async (req) => db.transaction((tx) => updateConsentText(tx, req.actor, req.params.id, req.body)),
  );
}
