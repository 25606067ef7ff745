/**
 * The surveys module's personal-data hook (issue #18): the person's invitations (without their link's secret), their
 * responses with every answer, and the sends that drew them.
 *
 * Erasure keeps invitations, send draws and responses with their scores (NPS, CSAT, CES, ratings, choices: the results
 * and the trend stay whole) and replaces every free-text answer — any answer text that is not an option's id — by
 * 「[已删除]」. The invitation's source reference keeps no identifying string of the person.
 */
import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { ERASED_TEXT, scrubText } from '../../platform/erasure.js';
import type { ErasureContext, PersonalDataHook } from '../privacy/index.js';
import { surveyInvitations, surveyResponses, surveySendMembers } from './schema.js';

export const surveyPersonalData: PersonalDataHook = {
  module: 'surveys',
  tables: ['survey_invitations', 'survey_responses', 'survey_send_members'],
  async export(db: DbOrTx, customerId: string) {
    const invitations = await db.select().from(surveyInvitations).where(eq(surveyInvitations.customerId, customerId)).orderBy(asc(surveyInvitations.createdAt));
    const responses = await db.select().from(surveyResponses).where(eq(surveyResponses.customerId, customerId)).orderBy(asc(surveyResponses.startedAt));
    const drawn = await db.select().from(surveySendMembers).where(eq(surveySendMembers.customerId, customerId));
    return [
      { name: 'invitations', table: 'survey_invitations', rows: invitations },
      { name: 'responses', table: 'survey_responses', rows: responses },
      { name: 'send_members', table: 'survey_send_members', rows: drawn },
    ];
  },
  async erase(db: DbOrTx, customerId: string, ctx: ErasureContext) {
    const responses = await db.select({ id: surveyResponses.id, answers: surveyResponses.answers }).from(surveyResponses).where(eq(surveyResponses.customerId, customerId));
    for (const r of responses) await db.update(surveyResponses).set({ answers: withoutFreeText(r.answers) as Record<string, unknown>, updatedAt: ctx.now }).where(eq(surveyResponses.id, r.id));
    const invitations = await db.select({ id: surveyInvitations.id, sourceRef: surveyInvitations.sourceRef }).from(surveyInvitations).where(eq(surveyInvitations.customerId, customerId));
    let scrubbed = 0;
    for (const i of invitations) {
      const sourceRef = scrubText(i.sourceRef, ctx.needles);
      if (sourceRef === i.sourceRef) continue;
      await db.update(surveyInvitations).set({ sourceRef }).where(eq(surveyInvitations.id, i.id));
      scrubbed++;
    }
    return { survey_responses: responses.length, survey_invitations: scrubbed };
  },
};

/** An option's id (`a`, `opt_2`, `q3-yes`): kept; any other text is what the person wrote. */
const OPTION_ID = /^[A-Za-z0-9_-]{1,40}$/;

function withoutFreeText(value: unknown): unknown {
  if (typeof value === 'string') return OPTION_ID.test(value) ? value : ERASED_TEXT;
  if (Array.isArray(value)) return value.map(withoutFreeText);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutFreeText(v)]));
  return value;
}
