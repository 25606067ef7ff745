import { Link } from 'react-router';
import { Alert } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { useT } from '../../platform/i18n';
import { useCustomer, type CustomerView } from '../customers';
import { dupKeys, type MergeView } from './api';

function MergedInto({ customer }: { customer: CustomerView }) {
  const t = useT();
  const { can } = useAuth();
  const survivorId = customer.mergedIntoId!;
  // The survivor may be outside the reader's scope: the link then names no one.
  const survivor = useCustomer(survivorId);
  // The merge that took it (the newest one it took part in), for undoing it.
  const merge = useQuery({
    queryKey: [...dupKeys.merges, 'of', customer.id],
    queryFn: async ({ signal }) =>
      (await api.get<{ items: MergeView[] }>('/api/v1/customers/merges', { customerId: customer.id, limit: 1 }, signal)).items[0] ?? null,
  });
  const canUndo = can('customer:write') && can('customer:delete') && merge.data && merge.data.mergedId === customer.id && !merge.data.undoneAt;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 12 }}
      data-testid="merged-banner"
      title={
        <span>
          {t('dup.banner')} <Link to={`/customers/${survivorId}`}>{survivor.data?.name ?? t('dup.bannerOther')}</Link>
        </span>
      }
      description={t('dup.bannerHint')}
      action={canUndo ? <Link to={`/duplicates/merges/${merge.data!.id}`}>{t('dup.openMerge')}</Link> : undefined}
    />
  );
}

/** On the 360 page of a customer merged into another as a duplicate: says into whom, with a link (and to the merge). */
export function MergedBanner({ customer }: { customer: CustomerView }) {
  return customer.mergedIntoId ? <MergedInto customer={customer} /> : null;
}
