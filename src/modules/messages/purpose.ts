/**
 * Which consent purpose (the consent ledger's, issue #18 item 4) a message needs besides the channel's consent:
 * survey invitations and reminders → `survey`; marketing and care messages (campaigns, offers, greetings) →
 * `marketing`, what a household's objection to automated marketing (PIPL Art. 24) stops; transactional ones → `service`,
 * which is the channel's consent itself (the customers' consent column).
 */
import { consentRefusals, type ConsentChannelName } from '../customers/index.js';
import type { DbOrTx } from '../../platform/db/client.js';
import type { ConsentPurpose } from '../privacy/index.js';
import type { MessageCategory, MessageChannel } from './messages.contract.js';

export function consentPurposeOf(category: MessageCategory, sourceKind: string | null | undefined): ConsentPurpose {
  if (sourceKind === 'survey' || sourceKind === 'survey_reminder') return 'survey';
  return category === 'transactional' ? 'service' : 'marketing';
}

/** Of the customers, those whose latest word on the channel for the message's purpose is a withdrawal. */
export async function purposeRefusals(db: DbOrTx, customerIds: string[], channel: MessageChannel, category: MessageCategory, sourceKind: string | null | undefined): Promise<Set<string>> {
  return consentRefusals(db, customerIds, channel as ConsentChannelName, consentPurposeOf(category, sourceKind));
}
