export { recordAudit, entityHistory, listAudit, type AuditEntry } from './audit.service.js';
export type { AuditView } from './audit.contract.js';
export { auditRoutes } from './audit.routes.js';
export { auditView } from './audit.schemas.js';
export { auditPersonalData } from './privacy.js'; // what Hearth holds about a person, for the PIPL export (issue #18)
export { auditRetention } from './retention.js'; // 数据保留: audit entries older than the policy's years (issue #18)
