export { recordAudit, entityHistory, listAudit, type AuditEntry } from './audit.service.js';
export type { AuditView } from './audit.contract.js';
export { auditRoutes } from './audit.routes.js';
export { auditView } from './audit.schemas.js';
