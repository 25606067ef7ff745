/**
 * The surveys module's personal-data hook (issue #18): the person's invitations (without their link's secret), their
 * responses with every answer, and the sends that drew them.
 */
import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { PersonalDataHook } from '../privacy/index.js';
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
};
