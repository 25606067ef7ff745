import * as common from './common.messages';
import * as accounts from '../../modules/accounts/messages';
import * as admin from '../../modules/accounts/admin.messages';
import * as customers from '../../modules/customers/messages';
import * as customerFields from '../../modules/customers/fields.messages';
import * as tags from '../../modules/customers/tags.messages';
import * as audit from '../../modules/audit/messages';
import * as settings from '../../modules/settings/messages';
import * as transactions from '../../modules/transactions/messages';
import * as imports from '../../modules/imports/messages';
import * as customFields from '../../modules/fields/messages';
import * as duplicates from '../../modules/duplicates/messages';
import * as interactions from '../../modules/interactions/messages';
import * as demo from '../../modules/demo/messages';
import * as messages from '../../modules/messages/messages';
import * as kb from '../../modules/kb/messages';
import * as care from '../../modules/care/messages';
import * as tickets from '../../modules/tickets/messages';
import * as sla from '../../modules/tickets/sla/messages';
import * as analytics from '../../modules/analytics/messages';

/**
 * Every string the UI shows, in both languages. Each module keeps its own pair of dictionaries; the `en` half of each
 * is typed against the `zh` half, so a missing translation is a type error.
 */
export const zhCN = { ...common.zh, ...accounts.zh, ...admin.zh, ...customers.zh, ...customerFields.zh, ...tags.zh, ...audit.zh, ...settings.zh, ...transactions.zh, ...imports.zh, ...customFields.zh, ...duplicates.zh, ...interactions.zh, ...demo.zh, ...messages.zh, ...kb.zh, ...care.zh, ...tickets.zh, ...sla.zh, ...analytics.zh };
export type MessageKey = keyof typeof zhCN;
export const en: Record<MessageKey, string> = { ...common.en, ...accounts.en, ...admin.en, ...customers.en, ...customerFields.en, ...tags.en, ...audit.en, ...settings.en, ...transactions.en, ...imports.en, ...customFields.en, ...duplicates.en, ...interactions.en, ...demo.en, ...messages.en, ...kb.en, ...care.en, ...tickets.en, ...sla.en, ...analytics.en };
