export { ticketRoutes } from './tickets.routes.js';
export { ticketMergeHook, ticketTimelineSource, type TicketsRuntime } from './tickets.service.js';
export { ticketChurnSignal } from './churn.js';
export type { TicketDetail, TicketSummary, PublicTicketView } from './tickets.contract.js';
export { ticketFacts, OPEN_TICKET_STATUSES } from './facts.js';
export { registerTicketResolvedHook, type TicketResolvedEvent, type TicketResolvedHook } from './resolved.js';
export { ticketDashboardTiles } from './dashboard.tiles.js';
