import { Route, Routes } from 'react-router';
import { Result } from 'antd';
import { useAuth } from '../../platform/auth';
import { useT } from '../../platform/i18n';
import { NotFound } from '../../platform/ui';
import { ComparePage } from './ComparePage';
import { DuplicatesPage } from './DuplicatesPage';
import { MergePage } from './MergePage';

/** /duplicates/*: for users who may both edit and delete customers (what merging needs). */
export function DuplicatesRoutes() {
  const t = useT();
  const { can } = useAuth();
  if (!can('customer:write') || !can('customer:delete')) return <Result status="403" title="403" subTitle={t('dup.needBoth')} />;
  return (
    <Routes>
      <Route index element={<DuplicatesPage />} />
      <Route path="compare/:a/:b" element={<ComparePage />} />
      <Route path="merges/:id" element={<MergePage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
