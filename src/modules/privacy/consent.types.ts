/** Request schemas of the consent ledger (同意记录) and the consent texts. */
import { z } from 'zod';
import { pageQuery } from '../../platform/http/cursor.js';
import { optionalText, trimmedText } from '../../platform/http/validation.js';
import { CONSENT_ACTIONS, CONSENT_CHANNELS, CONSENT_ENTRY_PURPOSES, CONSENT_LIMITS } from './consent.contract.js';

export const consentLedgerQuery = z.strictObject({ ...pageQuery(200, 50) });
export type ConsentLedgerQuery = z.infer<typeof consentLedgerQuery>;

export const agentConsentBody = z.strictObject({
  channel: z.enum([...CONSENT_CHANNELS, 'all']).describe('The channel, or `all` of them'),
  purpose: z.enum(CONSENT_ENTRY_PURPOSES).describe('service, marketing, survey, or `all` purposes'),
  action: z.enum(CONSENT_ACTIONS),
  note: optionalText(CONSENT_LIMITS.note).describe('What the customer said, and how (e.g. 电话中口头撤回)'),
  textId: z.uuid().optional().describe('The consent text version shown (default: the current one)'),
});
export type AgentConsentInput = z.infer<typeof agentConsentBody>;

export const customerIdParam = z.strictObject({ id: z.uuid() });
export const consentTextIdParam = z.strictObject({ id: z.uuid() });

export const createConsentTextBody = z.strictObject({
  titleZh: trimmedText(CONSENT_LIMITS.title).min(1),
  titleEn: optionalText(CONSENT_LIMITS.title),
  bodyZh: trimmedText(CONSENT_LIMITS.body).min(1),
  bodyEn: optionalText(CONSENT_LIMITS.body),
});
export type CreateConsentTextInput = z.infer<typeof createConsentTextBody>;

export const updateConsentTextBody = z.strictObject({
  titleZh: trimmedText(CONSENT_LIMITS.title).min(1).optional(),
  titleEn: optionalText(CONSENT_LIMITS.title),
  bodyZh: trimmedText(CONSENT_LIMITS.body).min(1).optional(),
  bodyEn: optionalText(CONSENT_LIMITS.body),
  revision: z.number().int().min(1).describe('The revision the edit started from'),
});
export type UpdateConsentTextInput = z.infer<typeof updateConsentTextBody>;
