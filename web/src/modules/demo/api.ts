import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import type { DemoStatus } from '../../../../src/modules/demo/demo.contract';

export type { DemoStatus };
export const DEMO_KEY = ['demo'] as const;

/** The demo-data status; polled every 2 s while a load is running. */
export function useDemoStatus(enabled = true) {
  return useQuery({
    queryKey: DEMO_KEY,
    queryFn: () => api.get<DemoStatus>('/api/v1/demo'),
    enabled,
    refetchInterval: (q) => (q.state.data?.status === 'loading' ? 2000 : false),
  });
}

export const startDemo = (size: number) => api.post<DemoStatus>('/api/v1/demo', { size });
