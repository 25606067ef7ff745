export { ticketRoutes } from './tickets.routes.js';
export { ticketMergeHook, ticketTimelineSource, type TicketsRuntime } from './tickets.service.js';
export { ticketChurnSignal } from './churn.js';
export type { TicketDetail, TicketSummary, PublicTicketView } from './tickets.contract.js';
export { ticketFacts, OPEN_TICKET_STATUSES } from './facts.js';
export { registerTicketAssignedHook, registerTicketMessageHook, type TicketAssignedEvent, type TicketAssignedHook, type TicketMessageEvent, type TicketMessageHook } from './hooks.js';
export { registerTicketRatedHook, registerTicketResolvedHook, type TicketRatedEvent, type TicketRatedHook, type TicketResolvedEvent, type TicketResolvedHook } from './resolved.js';
export { ticketDashboardTiles } from './dashboard.tiles.js';
export { ticketGoalMetrics } from './goal.metrics.js';
export { businessDeadline, ticketReport, workingDaysDeadline } from './sla/reports.js';
export { registerSlaAlertHook, runSlaCheck, type SlaAlertEvent, type SlaAlertHook } from './sla/index.js';
export type { TicketPerformanceRow, TicketReport } from './sla/sla.contract.js';
export { createTicket } from './tickets.intake.js';
export { demoTicketServices, type HeatingCategoryKey } from './demo.js';
export { ticketSearchSource } from './search.source.js';
export { ticketSummarySource } from './tickets.summary.js';
export { ticketCandidateRoutes } from './candidates.routes.js';
export type { TicketCandidate, TicketCandidatesView } from './candidates.contract.js';
export { ticketPersonalData } from './privacy.js'; // what Hearth holds about a person, for the PIPL export (issue #18)
export { ticketAttachmentRetention } from './retention.js'; // 数据保留: attachments of tickets closed long ago (issue #18)
