/**
 * Every module's server messages, registered with the platform's i18n (`t()`, `fieldLabel()`, problem details).
 * This list is the one place a module's catalogue (`src/modules/<module>/<module>.messages.ts`) is named: it adds the
 * catalogue's keys to `MessageKey` (declaration merging into the platform's `Messages`) and registers its texts when
 * this file is loaded, so a key type-checks exactly when it will be found at run time. `app.ts` imports this file, and
 * so every entry point does (the server, the CLI, the test harness, the benchmarks); `src/messages.pglite.test.ts`
 * checks that every catalogue file is listed, both locales are complete and no key has two owners.
 *
 * The catalogues are plain data (no imports), so they are imported directly rather than through the modules'
 * `index.ts`: loading them does not load the modules.
 */
import { registerMessages } from './platform/i18n/index.js';
import * as accounts from './modules/accounts/accounts.messages.js';
import * as accountsSecurity from './modules/accounts/security.messages.js';
import * as analytics from './modules/analytics/analytics.messages.js';
import * as audit from './modules/audit/audit.messages.js';
import * as campaigns from './modules/campaigns/campaigns.messages.js';
import * as care from './modules/care/care.messages.js';
import * as customers from './modules/customers/customers.messages.js';
import * as customerSummary from './modules/customers/summary.messages.js';
import * as dashboards from './modules/dashboards/dashboards.messages.js';
import * as demo from './modules/demo/demo.messages.js';
import * as feedback from './modules/feedback/feedback.messages.js';
import * as fields from './modules/fields/fields.messages.js';
import * as goals from './modules/goals/goals.messages.js';
import * as heating from './modules/heating/heating.messages.js';
import * as imports from './modules/imports/imports.messages.js';
import * as interactions from './modules/interactions/interactions.messages.js';
import * as kb from './modules/kb/kb.messages.js';
import * as loyalty from './modules/loyalty/loyalty.messages.js';
import * as messages from './modules/messages/messages.messages.js';
import * as notifications from './modules/notifications/notifications.messages.js';
import * as performance from './modules/performance/performance.messages.js';
import * as privacy from './modules/privacy/privacy.messages.js';
import * as privacyConsent from './modules/privacy/consent.messages.js';
import * as reports from './modules/reports/reports.messages.js';
import * as segmentFields from './modules/segments/fields.messages.js';
import * as search from './modules/search/search.messages.js';
import * as segments from './modules/segments/segments.messages.js';
import * as settings from './modules/settings/settings.messages.js';
import * as surveys from './modules/surveys/surveys.messages.js';
import * as tickets from './modules/tickets/tickets.messages.js';
import * as sla from './modules/tickets/sla/sla.messages.js';
import * as transactions from './modules/transactions/transactions.messages.js';
import * as views from './modules/views/views.messages.js';

/** Each module's catalogue under the module's name (`tickets/sla` is the SLA folder inside tickets). */
export const MODULE_MESSAGES = {
  accounts,
  'accounts/security': accountsSecurity,
  analytics,
  audit,
  campaigns,
  care,
  customers,
  'customers/summary': customerSummary,
  dashboards,
  demo,
  feedback,
  fields,
  goals,
  heating,
  imports,
  interactions,
  kb,
  loyalty,
  messages,
  notifications,
  performance,
  privacy,
  'privacy/consent': privacyConsent,
  reports,
  search,
  segments,
  'segments/fields': segmentFields,
  settings,
  surveys,
  tickets,
  'tickets/sla': sla,
  transactions,
  views,
} as const;

type Modules = typeof MODULE_MESSAGES;
/** The union of every module's keys. */
type ModuleKeys = { [M in keyof Modules]: keyof Modules[M]['zhCN'] }[keyof Modules];

declare module './platform/i18n/index.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the interface exists to be merged into
  interface Messages extends Record<ModuleKeys, string> {}
}

for (const [name, catalogue] of Object.entries(MODULE_MESSAGES)) registerMessages(name, catalogue);
