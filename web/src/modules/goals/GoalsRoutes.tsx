import { Route, Routes } from 'react-router';
import { lazyPage } from '../../platform/lazyPage';
import { NotFound } from '../../platform/ui';

// Each page its own chunk: the list does not load the goal page's chart code.
const GoalListPage = lazyPage(() => import('./GoalListPage'), 'GoalListPage');
const GoalPage = lazyPage(() => import('./GoalPage'), 'GoalPage');

/** /goals/*: the list and a goal's page. */
export function GoalsRoutes() {
  return (
    <Routes>
      <Route index element={<GoalListPage />} />
      <Route path=":id" element={<GoalPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
