/**
 * 个人信息权利 (issue #18, first increment): the register of PIPL requests (access, copy, correction, deletion, consent
 * withdrawal, objection to automated marketing) with due dates on the business calendar and reminders, and the export
 * of a person's data through the hooks every module that stores personal data registers (its own `privacy.ts`).
 */
export { privacyRoutes, type PrivacyContext } from './privacy.routes.js';
export { registerPersonalDataHook, personalDataHooks, registerPrivacyDueHook, type PersonalDataFile, type PersonalDataHook, type PersonalDataSection, type PrivacyDueEvent, type PrivacyDueHook } from './hooks.js';
// Erasure (issue #18): what each module's hook uses to anonymise, and the check a new customer's phone or ID number gets.
export { ERASED_MARK, ERASED_TEXT, holdsAny, scrubJson, scrubText, sqlHoldsAny, type ErasureContext } from './hooks.js';
export { erasedPersonLookup } from './erased-keys.js';
export { erasedCustomerIds } from './erase.js'; // which customer records were erased: the customers module refuses to restore or un-merge them
export { privacyPersonalData, remindPrivacyRequests } from './privacy.service.js';
// For the demo's history (a request or two so that the page has data after `hearth demo load`): the same use cases as the API.
export { createRequest as createPrivacyRequest, updateRequest as updatePrivacyRequest } from './privacy.service.js';
export { gatherPersonalData } from './export.js';
export type { PrivacyRequestKind, PrivacyRequestStatus, PrivacyRequestView } from './privacy.contract.js';
// 同意记录 (consent ledger, issue #18 item 4): the ledger the customers module records through, its routes and vocabulary.
export { consentLedger, derivedConsent } from './consent.service.js';
export { CONSENT_CHANNELS, CONSENT_PURPOSES, type ConsentEntryPurpose, type ConsentPurpose, type ConsentSource } from './consent.contract.js';
// 数据保留 (retention, issue #18 item 5): policies per kind of data, each answered by the module owning the data.
export { registerRetentionSource, type RetentionApplyContext, type RetentionSource } from './retention.registry.js';
export { inactiveCustomersRetention } from './retention.customers.js';
export { RETENTION_QUEUE, executeRetentionRun, queueNightlyRetention, retentionNow, unfinishedRetentionIds } from './retention.service.js';
export type { RetentionRunView } from './retention.contract.js';
export { privacyLedgerAndRetention } from './retention.jobs.js';
