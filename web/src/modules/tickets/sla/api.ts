import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../platform/api';
import type { SlaCalendarView, SlaPolicyView, TicketReport } from '../../../../../src/modules/tickets/sla/sla.contract';

export {
  CUSTOMER_TIERS,
  TICKET_PRIORITIES,
  TICKET_TYPES,
  WEEKDAYS,
  type CustomerTier,
  type SlaCalendarDay,
  type SlaCalendarView,
  type SlaClockView,
  type SlaPolicyView,
  type SlaWorkingHours,
  type TicketPerformanceRow,
  type TicketPriority,
  type TicketReport,
  type TicketType,
} from '../../../../../src/modules/tickets/sla/sla.contract';

export const useCalendars = () => useQuery({ queryKey: ['sla', 'calendars'], queryFn: () => api.get<SlaCalendarView[]>('/api/v1/tickets/sla/calendars') });
export const usePolicies = () => useQuery({ queryKey: ['sla', 'policies'], queryFn: () => api.get<SlaPolicyView[]>('/api/v1/tickets/sla/policies') });

export function useRefreshSla() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ['sla'] });
}

/** `teamId`: that team and the teams below it (within the reader's scope). */
export type ReportFilter = { from: string; to: string; teamId?: string };
export const useTicketReport = (f: ReportFilter) =>
  useQuery({ queryKey: ['tickets', 'report', f], queryFn: () => api.get<TicketReport>('/api/v1/tickets/reports', f) });
