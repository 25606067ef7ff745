export { reportRoutes } from './reports.routes.js';
export { generateReport } from './reports.service.js';
export { createSubscription, reportAttachments, runReportSchedule, ATTACHMENT_KIND as REPORT_ATTACHMENTS } from './subscriptions.js';
export type { ReportDocument, ReportKind, ReportCadence } from './reports.contract.js';
