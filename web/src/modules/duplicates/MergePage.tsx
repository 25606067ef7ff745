import { Link, useParams } from 'react-router';
import { App, Button, Card, Result, Space, Typography } from 'antd';
import { RollbackOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert, Loading, PageHeader } from '../../platform/ui';
import { customerKeys } from '../customers';
import { txKeys } from '../transactions';
import { dupKeys, useMerge, type UndoResult } from './api';

/** One merge: what was merged into what, what moved, and the 撤销 (undo) button while it can still be undone. */
export function MergePage() {
  const t = useT();
  const { id = '' } = useParams();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const merge = useMerge(id);
  const undo = useMutation({
    mutationFn: () => api.post<UndoResult>(`/api/v1/customers/merges/${id}/undo`),
    onSuccess: (r) => {
      message.success(t('dup.undone'));
      qc.setQueryData(dupKeys.merge(id), r.merge);
      void qc.invalidateQueries({ queryKey: customerKeys.all });
      void qc.invalidateQueries({ queryKey: dupKeys.all });
      void qc.invalidateQueries({ queryKey: txKeys.all });
    },
    onError: (err) => {
      message.error(errorMessage(err));
      void merge.refetch();
    },
  });

  const back = (
    <PageHeader back="/duplicates?tab=merges" title={t('dup.title')} />
  );
  if (merge.isPending) return <Loading />;
  if (merge.error) {
    return (
      <>
        {back}
        <ErrorAlert error={merge.error} onRetry={() => void merge.refetch()} />
      </>
    );
  }
  const m = merge.data;
  const links = [
    <Link key="survivor" to={`/customers/${m.survivorId}`}>
      <Button>{t('dup.viewSurvivor')}</Button>
    </Link>,
    <Link key="merged" to={`/customers/${m.mergedId}`}>
      <Button>{t('dup.viewMerged')}</Button>
    </Link>,
    <Link key="list" to="/duplicates">
      <Button type="link">{t('dup.backToList')}</Button>
    </Link>,
  ];
  return (
    <>
      {back}
      <Card data-testid="merge-result">
        {m.undoneAt ? (
          <Result
            status="info"
            title={t('dup.undoneTitle')}
            subTitle={
              <Space orientation="vertical" size={2}>
                <span>{t('dup.mergedResult', { merged: m.mergedName, survivor: m.survivorName })}</span>
                <span>{t('dup.undoneBy', { name: m.undoneByName ?? t('common.none'), time: formatDateTime(m.undoneAt) })}</span>
              </Space>
            }
            extra={links}
          />
        ) : (
          <Result
            status="success"
            title={t('dup.mergedResult', { merged: m.mergedName, survivor: m.survivorName })}
            subTitle={
              <Space orientation="vertical" size={2}>
                <span>{t('dup.moved', { transactions: m.moved.transactions ?? 0, contacts: m.moved.contacts ?? 0 })}</span>
                <span>{t('dup.mergedBy', { name: m.mergedByName ?? t('common.none'), time: formatDateTime(m.mergedAt) })}</span>
                <Typography.Text type="secondary">{m.undoable ? t('dup.undoHint') : t('dup.notUndoable')}</Typography.Text>
              </Space>
            }
            extra={[
              <Button
                key="undo"
                type="primary"
                danger
                icon={<RollbackOutlined />}
                disabled={!m.undoable}
                loading={undo.isPending}
                onClick={() => undo.mutate()}
                data-testid="undo-merge"
              >
                {t('dup.undo')}
              </Button>,
              ...links,
            ]}
          />
        )}
      </Card>
    </>
  );
}
