import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import type { DashboardBoard, DashboardHome } from '../../../../src/modules/dashboards/dashboards.contract';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export {
  DASHBOARD_BOARDS,
  type DashboardBoard,
  type DashboardHome,
  type DashboardTileView,
  type TileChart,
  type TileRow,
  type TileStat,
  type TileTone,
  type TileUnit,
} from '../../../../src/modules/dashboards/dashboards.contract';

export const dashboardKeys = {
  all: ['dashboards'] as const,
  home: (board: DashboardBoard | null) => ['dashboards', 'home', board ?? 'own'] as const,
};

/** The home board (the role's own, or `board`); figures are live, so it refreshes every minute while shown. */
export function useHome(board: DashboardBoard | null) {
  return useQuery({
    queryKey: dashboardKeys.home(board),
    queryFn: ({ signal }) => api.get<DashboardHome>('/api/v1/dashboards/home', board ? { board } : undefined, signal),
    refetchInterval: 60_000,
  });
}
