import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button, Flex, Segmented, Table, type TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useT, type Translate } from '../../platform/i18n';
import { KeysetPager } from '../../platform/KeysetPager';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import { bpPercent, CAMPAIGN_STATUSES, useCampaigns, type CampaignGoal, type CampaignListItem, type CampaignStatus } from './api';
import { ApprovalLimit } from './ApprovalLimit';
import { StatusTag } from './StatusTag';

function columns(t: Translate): TableColumnsType<CampaignListItem> {
  return [
    {
      title: t('campaigns.col.name'),
      dataIndex: 'name',
      render: (name: string, c) => (
        <Link to={`/campaigns/${c.id}`} data-testid="campaign-row-name">
          {name}
        </Link>
      ),
    },
    { title: t('campaigns.col.status'), dataIndex: 'status', width: 90, render: (s: CampaignStatus) => <StatusTag status={s} /> },
    { title: t('campaigns.col.goal'), dataIndex: 'goal', width: 120, render: (g: CampaignGoal) => t(`campaigns.goal.${g}`) },
    { title: t('campaigns.col.audience'), dataIndex: 'segmentName', render: (v: string | null) => v ?? '—' },
    { title: t('campaigns.col.holdout'), dataIndex: 'holdoutBp', width: 80, align: 'right', render: (bp: number) => bpPercent(bp) },
    {
      title: t('campaigns.col.groups'),
      key: 'groups',
      width: 120,
      align: 'right',
      render: (_: unknown, c) => (c.launchedAt ? <span data-testid="campaign-row-groups">{`${c.treatedCount} / ${c.holdoutCount}`}</span> : '—'),
    },
    { title: t('campaigns.col.launched'), dataIndex: 'launchedAt', width: 150, render: (v: string | null, c) => formatDateTime(v ?? c.startsAt) },
    { title: t('campaigns.col.ends'), dataIndex: 'endsAt', width: 150, render: (v: string | null) => formatDateTime(v) },
  ];
}

const PAGE = 20;

/** 营销活动: every campaign, newest first, by status. */
export function CampaignListPage() {
  const t = useT();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [status, setStatus] = useState<CampaignStatus | 'all'>('all');
  const list = useCampaigns({ status: status === 'all' ? undefined : status }, PAGE);
  return (
    <>
      <PageHeader
        title={t('campaigns.title')}
        extra={
          can('campaign:manage') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/campaigns/new')} data-testid="campaign-new">
              {t('campaigns.new')}
            </Button>
          ) : null
        }
      />
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <Segmented<CampaignStatus | 'all'>
          value={status}
          onChange={setStatus}
          data-testid="campaign-status-filter"
          options={[{ value: 'all', label: t('campaigns.status.all') }, ...CAMPAIGN_STATUSES.map((s) => ({ value: s, label: t(`campaigns.status.${s}`) }))]}
        />
        <span style={{ marginLeft: 'auto' }}>
          <ApprovalLimit />
        </span>
      </Flex>
      {list.error ? <ErrorAlert error={list.error} onRetry={() => void list.refetch()} /> : null}
      <Table<CampaignListItem>
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('campaigns.empty') }}
        scroll={{ x: 900 }}
        pagination={false}
        columns={columns(t)}
      />
      <KeysetPager list={list} total={list.data ? t('campaigns.total', { n: list.data.total }) : undefined} testId="campaigns" />
    </>
  );
}
