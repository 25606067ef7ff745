import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, App, Button, Segmented, Space, Table } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert } from '../../platform/ui';
import { ADJUSTMENT_STATUSES, loyaltyKeys, points, useAdjustments, useProgramme, type AdjustmentStatus, type AdjustmentView } from './api';
import { AdjustmentStatusTag, PointsDelta } from './parts';

type DecisionInput = { id: string; approve: boolean };

/**
 * 通过 / 驳回 a pending adjustment (one request at a time for the list). The server refuses the person who asked
 * (403) and one decided already (409): its message is shown as it is.
 */
function useDecision() {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, approve }: DecisionInput) => api.post<AdjustmentView>(`/api/v1/loyalty/adjustments/${id}/decision`, { approve }),
    onSuccess: (a) => {
      message.success(t(a.status === 'approved' ? 'loy.adj.approved' : 'loy.adj.rejected'));
      void qc.invalidateQueries({ queryKey: loyaltyKeys.all });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
}

function Decision({ adjustment, decide }: { adjustment: AdjustmentView; decide: ReturnType<typeof useDecision> }) {
  const t = useT();
  const busy = decide.isPending;
  const mine = busy && decide.variables?.id === adjustment.id;
  return (
    <Space>
      <Button size="small" type="primary" loading={mine && decide.variables?.approve} disabled={busy} onClick={() => decide.mutate({ id: adjustment.id, approve: true })} data-testid="loy-adj-approve">
        {t('loy.adj.approve')}
      </Button>
      <Button size="small" danger loading={mine && !decide.variables?.approve} disabled={busy} onClick={() => decide.mutate({ id: adjustment.id, approve: false })} data-testid="loy-adj-reject">
        {t('loy.adj.reject')}
      </Button>
    </Space>
  );
}

/** 积分调整审批: manual adjustments above the approval limit, waiting for a second person (and those decided). */
export function AdjustmentsTab() {
  const t = useT();
  const { can } = useAuth();
  const [status, setStatus] = useState<AdjustmentStatus>('pending');
  const list = useAdjustments(status);
  const programme = useProgramme();
  const decision = useDecision();
  const decide = status === 'pending' && can('loyalty:manage');
  return (
    <div data-testid="loy-adjustments">
      {programme.data ? <Alert type="info" showIcon title={t('loy.adj.limitHint', { limit: points(programme.data.adjustApprovalLimit) })} style={{ marginBottom: 12 }} /> : null}
      <Segmented<AdjustmentStatus>
        value={status}
        onChange={setStatus}
        options={ADJUSTMENT_STATUSES.map((s) => ({ value: s, label: t(`loy.adj.status.${s}`) }))}
        style={{ marginBottom: 12 }}
      />
      <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      <Table<AdjustmentView>
        rowKey="id"
        size="middle"
        loading={list.isPending}
        dataSource={list.data ?? []}
        pagination={false}
        scroll={{ x: 860 }}
        locale={{ emptyText: t('loy.adj.empty') }}
        onRow={() => ({ 'data-testid': 'loy-adj-row' }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('loy.col.time'), dataIndex: 'createdAt', width: 140, render: (v: string) => formatDateTime(v) },
          { title: t('loy.col.customer'), key: 'customer', render: (_: unknown, r) => <Link to={`/customers/${r.customerId}?tab=loyalty`}>{r.customerName}</Link> },
          { title: t('loy.col.points'), dataIndex: 'points', width: 100, align: 'right', render: (v: number) => <PointsDelta value={v} /> },
          { title: t('loy.col.reason'), dataIndex: 'reason' },
          { title: t('loy.col.requestedBy'), dataIndex: 'requestedByName', width: 110, render: (v: string | null) => v ?? '—' },
          { title: t('loy.col.status'), dataIndex: 'status', width: 90, render: (v: AdjustmentStatus) => <AdjustmentStatusTag status={v} /> },
          ...(status === 'pending'
            ? []
            : [
                { title: t('loy.col.decidedBy'), dataIndex: 'decidedByName', width: 110, render: (v: string | null) => v ?? '—' },
                { title: t('loy.col.time'), dataIndex: 'decidedAt', width: 140, render: (v: string | null) => formatDateTime(v) },
              ]),
          ...(decide ? [{ title: t('common.actions'), key: 'actions', width: 150, render: (_: unknown, r: AdjustmentView) => <Decision adjustment={r} decide={decision} /> }] : []),
        ]}
      />
    </div>
  );
}
