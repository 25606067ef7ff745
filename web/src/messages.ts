/**
 * Every web module's UI strings, registered with the platform's i18n (`useT`, `translate`). This list is the one place
 * a module's dictionaries are named: it adds their keys to `MessageKey` (declaration merging into the platform's
 * `MessageCatalog`) and registers their texts when this file is loaded, so a key type-checks exactly when it will be
 * found at run time. `main.tsx` imports this file first. Each dictionary comes through its module's index.ts (the
 * module's `…Messages` export); the platform itself imports no module. Each module's `en` half is typed against its
 * `zh` half (`Record<keyof typeof zh, string>`), so a missing translation fails the typecheck, and `registerMessages`
 * refuses a key that two dictionaries define.
 */
import { registerMessages } from './platform/i18n';
import { accountsMessages, adminMessages, securityMessages } from './modules/accounts';
import { analyticsMessages } from './modules/analytics';
import { auditMessages } from './modules/audit';
import { campaignsMessages } from './modules/campaigns';
import { careMessages } from './modules/care';
import { customerFieldsMessages, customerSummaryMessages, customersMessages, tagsMessages } from './modules/customers';
import { dashboardsMessages } from './modules/dashboards';
import { demoMessages } from './modules/demo';
import { duplicatesMessages } from './modules/duplicates';
import { feedbackMessages } from './modules/feedback';
import { fieldsMessages } from './modules/fields';
import { goalsMessages } from './modules/goals';
import { heatingMessages } from './modules/heating';
import { importsMessages } from './modules/imports';
import { interactionsMessages } from './modules/interactions';
import { kbMessages } from './modules/kb';
import { loyaltyMessages } from './modules/loyalty';
import { messagesMessages } from './modules/messages';
import { notificationsMessages } from './modules/notifications';
import { performanceMessages } from './modules/performance';
import { privacyConsentMessages, privacyMessages } from './modules/privacy';
import { reportsMessages } from './modules/reports';
import { searchMessages } from './modules/search';
import { segmentsMessages } from './modules/segments';
import { settingsMessages } from './modules/settings';
import { surveysMessages } from './modules/surveys';
import { slaMessages, ticketsMessages } from './modules/tickets';
import { transactionsMessages } from './modules/transactions';

/** Each module's dictionaries under the module's name (a second file of a module as `module/file`). */
const MODULE_MESSAGES = {
  accounts: accountsMessages,
  'accounts/admin': adminMessages,
  'accounts/security': securityMessages,
  analytics: analyticsMessages,
  audit: auditMessages,
  campaigns: campaignsMessages,
  care: careMessages,
  customers: customersMessages,
  'customers/fields': customerFieldsMessages,
  'customers/tags': tagsMessages,
  'customers/summary': customerSummaryMessages,
  dashboards: dashboardsMessages,
  demo: demoMessages,
  duplicates: duplicatesMessages,
  feedback: feedbackMessages,
  fields: fieldsMessages,
  goals: goalsMessages,
  heating: heatingMessages,
  imports: importsMessages,
  interactions: interactionsMessages,
  kb: kbMessages,
  loyalty: loyaltyMessages,
  messages: messagesMessages,
  notifications: notificationsMessages,
  performance: performanceMessages,
  privacy: privacyMessages,
  'privacy/consent': privacyConsentMessages,
  reports: reportsMessages,
  search: searchMessages,
  segments: segmentsMessages,
  settings: settingsMessages,
  surveys: surveysMessages,
  tickets: ticketsMessages,
  'tickets/sla': slaMessages,
  transactions: transactionsMessages,
} as const;

type Modules = typeof MODULE_MESSAGES;
/** The union of every module's keys. */
type ModuleKeys = { [M in keyof Modules]: keyof Modules[M]['zh'] }[keyof Modules];

declare module './platform/i18n' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the interface exists to be merged into
  interface MessageCatalog extends Record<ModuleKeys, string> {}
}

for (const [name, catalogue] of Object.entries(MODULE_MESSAGES)) registerMessages(name, catalogue);
