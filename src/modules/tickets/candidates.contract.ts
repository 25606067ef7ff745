/**
 * What `GET /tickets/:id/customer-candidates` returns, shared with the web UI (the ticket page's 「可能是：…」 line).
 * Types only, and no imports, so the browser build can compile this file as it is.
 */

/** One household the ticket's reporter may be: its name, address (小区 楼 单元 室) and masked phone. */
export type TicketCandidate = { customerId: string; name: string; address: string; phone: string | null };

/**
 * The candidates of an unlinked ticket: `phone` when several customers hold the reporter's number (none was chosen
 * automatically), `address` when none does and the written address names households; `by` null and no items when
 * the ticket is linked or nothing matches. Only customers in the caller's data scope are listed (`phone` with no items:
 * the number's holders are all outside it).
 */
export type TicketCandidatesView = { by: 'phone' | 'address' | null; items: TicketCandidate[] };
