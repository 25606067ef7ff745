/**
 * 个人信息权利 (issue #18, first increment): the register of PIPL requests (access, copy, correction, deletion, consent
 * withdrawal, objection to automated marketing) with due dates on the business calendar and reminders, and the export
 * of a person's data through the hooks every module that stores personal data registers (its own `privacy.ts`).
 */
export { privacyRoutes, type PrivacyContext } from './privacy.routes.js';
export { registerPersonalDataHook, personalDataHooks, registerPrivacyDueHook, type PersonalDataFile, type PersonalDataHook, type PersonalDataSection, type PrivacyDueEvent, type PrivacyDueHook } from './hooks.js';
export { privacyPersonalData, remindPrivacyRequests } from './privacy.service.js';
// For the demo's history (a request or two so that the page has data after `hearth demo load`): the same use cases as the API.
export { createRequest as createPrivacyRequest, updateRequest as updatePrivacyRequest } from './privacy.service.js';
export { gatherPersonalData } from './export.js';
export type { PrivacyRequestKind, PrivacyRequestStatus, PrivacyRequestView } from './privacy.contract.js';
