export { customerRoutes } from './customers.routes.js';
export { createCustomer, customerInScope, getCustomer, listCustomers, updateCustomer } from './customers.service.js';
export { createCustomerBody, exportQuery, listQuery, type CreateCustomerInput } from './customers.types.js';
export { exportCustomersCsv, exportCustomersXlsx } from './export.service.js'; // the CLI's `hearth customers export`
export type { Address, ContactView, CustomerView } from './customers.contract.js';
export { tagRoutes } from './tags.routes.js';
export { customerImporter, customersByKeys, createCustomersForImport, type CustomerRef } from './import.js';
export { mergeRoutes } from './merge.routes.js';
export { registerMergeHook, type MergeHook } from './merge.hooks.js';
export { registerCustomerCreatedHook, type CustomerCreatedEvent, type CustomerCreatedHook } from './created.hooks.js';
export { registerCustomerListFilter, type CustomerListFilter } from './list-filters.js';
export { phoneDigitsOf, searchTextOf } from './customers.views.js';
export { customerAccess } from './access.js';
export { customerDirectory } from './schema.js';
export { lockCustomer } from './customers.repository.js'; // consent changes go through recordConsent (the ledger), never a direct write
export { cachedConsent, consentChanges, consentRefusals, recordConsent, registerConsentLedger, writeConsentCache, type ConsentChange, type ConsentLedger, type ConsentRecord } from './consent.js'; // the consent ledger's cache (issue #18)
export type { Channel as ConsentChannelName } from './customers.contract.js';
export { customerBulkLoad, type CustomerBulkRow } from './customers.bulk.js';
export { exportCustomerSubsetCsv, exportCustomerSubsetXlsx, type CustomerSubset } from './export.service.js';
export { customerSearchSource } from './search.source.js';
export { customerSummaryRoutes } from './summary.routes.js';
export { registerCustomerSummarySource, type CustomerSummarySource, type SummaryContext, type SummaryFigureDraft, type SummaryText } from './summary.js';
export type { CustomerSummaryFigure, CustomerSummaryView } from './summary.contract.js';
export { contactPhonesOf, customersByAddress, customersByPhone, type CustomerMatch } from './lookup.js';
export { customerByEmail, customerByEmailQuery } from './email-lookup.js'; // inbound e-mail feedback finds its sender (through customers_email_idx)
export { customerPersonalData } from './privacy.js'; // what Hearth holds about a person, for the PIPL export (issue #18)
export { registerErasedCustomerCheck, registerErasedPersonLookup, type ErasedCustomerCheck, type ErasedPersonLookup, type ErasedPersonMatch } from './erased.hooks.js'; // people erased before (issue #18): asked of the privacy module, registered by app.ts
export { customerFields, type CustomerFieldAccess } from './field-access.js'; // field-level access (issue #18): what an actor sees of a customer
