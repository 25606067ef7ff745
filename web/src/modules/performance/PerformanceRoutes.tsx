import { Route, Routes } from 'react-router';
import { lazyPage } from '../../platform/lazyPage';
import { NotFound } from '../../platform/ui';

const PerformancePage = lazyPage(() => import('./PerformancePage'), 'PerformancePage');

/** /performance/*: the leaderboard (an agent's KPIs and training notes open in a drawer on it). */
export function PerformanceRoutes() {
  return (
    <Routes>
      <Route index element={<PerformancePage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
