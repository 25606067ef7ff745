export { customerRoutes } from './customers.routes.js';
export { createCustomer, customerInScope, getCustomer, listCustomers, updateCustomer } from './customers.service.js';
export { createCustomerBody, type CreateCustomerInput } from './customers.types.js';
export type { Address, ContactView, CustomerView } from './customers.contract.js';
export { tagRoutes } from './tags.routes.js';
export { customerImporter, customersByKeys, createCustomersForImport, type CustomerRef } from './import.js';
export { customerReachable } from './customers.service.js';
export { mergeRoutes } from './merge.routes.js';
export { registerMergeHook, type MergeHook } from './merge.hooks.js';
