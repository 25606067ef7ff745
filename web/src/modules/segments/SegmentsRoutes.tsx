import { Route, Routes } from 'react-router';
import { lazyPage } from '../../platform/lazyPage';
import { NotFound } from '../../platform/ui';

// Each page its own chunk: the list does not load the builder or the chart code.
const SegmentListPage = lazyPage(() => import('./SegmentListPage'), 'SegmentListPage');
const SegmentBuilderPage = lazyPage(() => import('./SegmentBuilderPage'), 'SegmentBuilderPage');
const SegmentPage = lazyPage(() => import('./SegmentPage'), 'SegmentPage');

/** /segments/*: the list, the builder (new / edit) and a segment's page. */
export function SegmentsRoutes() {
  return (
    <Routes>
      <Route index element={<SegmentListPage />} />
      <Route path="new" element={<SegmentBuilderPage />} />
      <Route path=":id" element={<SegmentPage />} />
      <Route path=":id/edit" element={<SegmentBuilderPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
