import { useState } from 'react';
import { Link } from 'react-router';
import { Button, Flex, Input, Segmented, Select, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useT, type Translate } from '../../platform/i18n';
import { KeysetPager } from '../../platform/KeysetPager';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import { SURVEY_KINDS, SURVEY_STATUSES, useSurveys, type SurveyKind, type SurveyListItem, type SurveyStatus } from './api';
import { SurveyActions } from './Actions';
import { NewSurveyDialog } from './NewSurveyDialog';
import { StatusTag } from './StatusTag';

function columns(t: Translate): TableColumnsType<SurveyListItem> {
  return [
    {
      title: t('surveys.col.name'),
      dataIndex: 'name',
      render: (name: string, s) =>
        s.deletedAt ? (
          <Typography.Text delete>{name}</Typography.Text>
        ) : (
          <Link to={`/surveys/${s.id}`} data-testid="survey-row-name">
            {name}
          </Link>
        ),
    },
    { title: t('surveys.col.kind'), dataIndex: 'kind', width: 110, render: (k: SurveyKind) => <Tag>{t(`surveys.kind.${k}`)}</Tag> },
    { title: t('surveys.col.status'), dataIndex: 'status', width: 90, render: (s: SurveyStatus) => <StatusTag status={s} /> },
    { title: t('surveys.col.version'), dataIndex: 'definitionVersion', width: 70, align: 'right', render: (v: number) => `v${v}` },
    {
      title: t('surveys.col.responses'),
      dataIndex: 'responseCount',
      width: 90,
      align: 'right',
      render: (n: number) => <span data-testid="survey-row-responses">{n}</span>,
    },
    {
      title: t('surveys.col.responseRate'),
      dataIndex: 'responseRate',
      width: 90,
      align: 'right',
      render: (rate: number | null, s) => (
        <span data-testid="survey-row-rate" title={t('surveys.col.responseRateHelp', { invited: s.invitedCount })}>
          {rate === null ? '—' : `${rate.toFixed(1)}%`}
        </span>
      ),
    },
    { title: t('surveys.col.owner'), dataIndex: 'owner', width: 110, render: (o: SurveyListItem['owner']) => o?.name ?? '—' },
    { title: t('surveys.col.updated'), dataIndex: 'updatedAt', width: 150, render: (v: string) => formatDateTime(v) },
    { title: t('surveys.col.actions'), key: 'actions', width: 170, render: (_: unknown, s) => <SurveyActions survey={s} size="small" /> },
  ];
}

const PAGE = 20;

/** 满意度调查: every survey, newest first, by status, kind, name or in the trash; 新建问卷 from a template or blank. */
export function SurveyListPage() {
  const t = useT();
  const { can } = useAuth();
  const [status, setStatus] = useState<SurveyStatus | 'all'>('all');
  const [kind, setKind] = useState<SurveyKind | undefined>();
  const [q, setQ] = useState('');
  const [trash, setTrash] = useState(false);
  const [creating, setCreating] = useState(false);
  const list = useSurveys({ status: status === 'all' ? undefined : status, kind, q: q.trim() || undefined, deleted: trash ? 'only' : undefined }, PAGE);
  return (
    <>
      <PageHeader
        title={t('surveys.title')}
        extra={
          can('survey:manage') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="survey-new">
              {t('surveys.new')}
            </Button>
          ) : null
        }
      />
      <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
        <Segmented<SurveyStatus | 'all'>
          value={status}
          onChange={setStatus}
          data-testid="survey-status-filter"
          options={[{ value: 'all', label: t('surveys.status.all') }, ...SURVEY_STATUSES.map((s) => ({ value: s, label: t(`surveys.status.${s}`) }))]}
        />
        <Select<SurveyKind>
          allowClear
          style={{ width: 140 }}
          placeholder={t('surveys.col.kind')}
          aria-label={t('surveys.col.kind')}
          value={kind}
          onChange={setKind}
          options={SURVEY_KINDS.map((k) => ({ value: k, label: t(`surveys.kind.${k}`) }))}
          data-testid="survey-kind-filter"
        />
        <Input.Search allowClear style={{ width: 220 }} placeholder={t('surveys.search')} onSearch={setQ} data-testid="survey-search" />
        <Flex gap={6} align="center">
          <Switch size="small" checked={trash} onChange={setTrash} data-testid="survey-trash" />
          <Typography.Text>{t('surveys.trash')}</Typography.Text>
        </Flex>
      </Flex>
      {list.error ? <ErrorAlert error={list.error} onRetry={() => void list.refetch()} /> : null}
      <Table<SurveyListItem>
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: trash ? t('surveys.trashEmpty') : t('surveys.empty') }}
        scroll={{ x: 960 }}
        pagination={false}
        columns={columns(t)}
      />
      <KeysetPager list={list} total={list.data ? t('surveys.total', { n: list.data.total }) : undefined} testId="surveys" />
      {creating ? <NewSurveyDialog onClose={() => setCreating(false)} /> : null}
    </>
  );
}
