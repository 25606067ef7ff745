import { Route, Routes } from 'react-router';
import { lazyPage } from '../../platform/lazyPage';
import { NotFound } from '../../platform/ui';

const ReportsPage = lazyPage(() => import('./ReportsPage'), 'ReportsPage');

/** /reports/*: the report centre (kind, week or month, the period, then the document). */
export function ReportsRoutes() {
  return (
    <Routes>
      <Route index element={<ReportsPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
