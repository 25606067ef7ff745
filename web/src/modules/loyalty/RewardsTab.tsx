import { useState } from 'react';
import { App, Button, Flex, Popconfirm, Space, Table, Tag } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { useMutation } from '../../platform/forms';
import { useI18n, useT } from '../../platform/i18n';
import { ErrorAlert } from '../../platform/ui';
import { formatFen } from '../transactions';
import { localText, loyaltyKeys, points, tierLabel, useProgramme, useRewards, type RewardKind, type RewardView } from './api';
import { RewardDialog } from './RewardDialog';

function DeleteButton({ reward }: { reward: RewardView }) {
  const t = useT();
  const { lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api.delete(`/api/v1/loyalty/rewards/${reward.id}`),
    onSuccess: () => {
      message.success(t('loy.rewards.deleted'));
      void qc.invalidateQueries({ queryKey: loyaltyKeys.rewards });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  return (
    <Popconfirm
      title={t('loy.rewards.deleteConfirm', { name: localText(reward.name, lang) })}
      okText={t('common.delete')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      onConfirm={() => remove.mutate()}
    >
      <Button size="small" danger icon={<DeleteOutlined />} loading={remove.isPending} aria-label={t('common.delete')} />
    </Popconfirm>
  );
}

/** 礼品: the rewards catalogue, cheapest first; loyalty:manage adds, changes and removes rewards. */
export function RewardsTab() {
  const t = useT();
  const { lang } = useI18n();
  const { can } = useAuth();
  const rewards = useRewards();
  const programme = useProgramme();
  const [editing, setEditing] = useState<RewardView | 'new' | null>(null);
  const manage = can('loyalty:manage');
  return (
    <div data-testid="loy-rewards">
      {manage ? (
        <Flex justify="flex-end" style={{ marginBottom: 12 }}>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="loy-reward-new">
            {t('loy.rewards.new')}
          </Button>
        </Flex>
      ) : null}
      <ErrorAlert error={rewards.error} onRetry={() => void rewards.refetch()} />
      <Table<RewardView>
        rowKey="id"
        size="middle"
        loading={rewards.isPending}
        dataSource={rewards.data ?? []}
        pagination={false}
        scroll={{ x: 860 }}
        locale={{ emptyText: t('loy.rewards.empty') }}
        onRow={() => ({ 'data-testid': 'loy-reward-row' }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('loy.reward.name'), key: 'name', render: (_: unknown, r) => <span data-testid="loy-reward-title">{localText(r.name, lang)}</span> },
          { title: t('loy.reward.kind'), dataIndex: 'kind', width: 110, render: (k: RewardKind) => t(`loy.kind.${k}`) },
          { title: t('loy.reward.pointsCost'), dataIndex: 'pointsCost', width: 100, align: 'right', render: (v: number) => points(v) },
          { title: t('loy.reward.value'), dataIndex: 'valueFen', width: 110, align: 'right', render: (v: number) => (v > 0 ? formatFen(v) : '—') },
          { title: t('loy.reward.stock'), dataIndex: 'stock', width: 90, align: 'right', render: (v: number | null) => (v === null ? t('loy.reward.unlimited') : points(v)) },
          { title: t('loy.reward.minTier'), dataIndex: 'minTier', width: 120, render: (v: string | null) => (v ? tierLabel(programme.data, v, lang) : t('loy.reward.anyTier')) },
          { title: t('loy.reward.redeemed'), dataIndex: 'redeemedCount', width: 80, align: 'right', render: (v: number) => points(v) },
          {
            title: t('loy.col.status'),
            dataIndex: 'active',
            width: 90,
            render: (v: boolean) => <Tag color={v ? 'green' : 'default'}>{v ? t('loy.reward.active') : t('loy.reward.inactive')}</Tag>,
          },
          ...(manage
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 100,
                  render: (_: unknown, r: RewardView) => (
                    <Space>
                      <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(r)} aria-label={t('common.edit')} data-testid="loy-reward-edit" />
                      <DeleteButton reward={r} />
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {editing ? <RewardDialog reward={editing} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}
