import { Navigate, Route, Routes } from 'react-router';
import { lazyPage } from '../../platform/lazyPage';
import { NotFound, RequirePermission } from '../../platform/ui';

const TreePage = lazyPage(() => import('./TreePage'), 'TreePage');
const ArrearsPage = lazyPage(() => import('./ArrearsPage'), 'ArrearsPage');
const NoticesPage = lazyPage(() => import('./NoticesPage'), 'NoticesPage');

/** /heating/*: 小区楼栋 (the compound tree), 欠费 (arrears), 停暖/抢修通知 (notices, for ticket managers). */
export function HeatingRoutes() {
  return (
    <Routes>
      <Route index element={<Navigate to="tree" replace />} />
      <Route path="tree" element={<TreePage />} />
      <Route path="arrears" element={<ArrearsPage />} />
      <Route
        path="notices"
        element={
          <RequirePermission anyOf={['ticket:manage']}>
            <NoticesPage />
          </RequirePermission>
        }
      />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
