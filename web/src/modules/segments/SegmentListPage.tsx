import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { App, Button, Flex, Form, Input, Popconfirm, Segmented, Space, Table, type TableColumnsType } from 'antd';
import { DeleteOutlined, PlusOutlined, UndoOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { FormDialog } from '../../platform/FormDialog';
import { useT, type Translate } from '../../platform/i18n';
import { KeysetPager } from '../../platform/KeysetPager';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import { KindTag } from './KindTag';
import { SEGMENT_LIMITS, segmentKeys, useSegments, type SegmentKind, type SegmentListItem, type SegmentView } from './api';

function columns(t: Translate, manager: boolean, onDelete: (s: SegmentListItem) => void, onRestore: (s: SegmentListItem) => void): TableColumnsType<SegmentListItem> {
  return [
    {
      title: t('segments.col.name'),
      dataIndex: 'name',
      render: (name: string, s) => (s.deletedAt ? name : <Link to={`/segments/${s.id}`} data-testid="segment-row-name">{name}</Link>),
    },
    { title: t('segments.col.kind'), dataIndex: 'kind', width: 90, render: (k: SegmentKind) => <KindTag kind={k} /> },
    { title: t('segments.col.members'), dataIndex: 'memberCount', width: 100, align: 'right', render: (n: number) => <span data-testid="segment-row-count">{n}</span> },
    { title: t('segments.col.refreshed'), dataIndex: 'refreshedAt', width: 160, render: (v: string | null, s) => (s.kind === 'static' ? '—' : v ? formatDateTime(v) : t('segments.never')) },
    { title: t('segments.col.owner'), dataIndex: 'owner', width: 120, render: (o: SegmentListItem['owner']) => o?.name ?? '—' },
    ...(manager
      ? [
          {
            title: '',
            key: 'actions',
            width: 90,
            render: (_: unknown, s: SegmentListItem) =>
              s.deletedAt ? (
                <Button size="small" icon={<UndoOutlined />} onClick={() => onRestore(s)}>
                  {t('segments.restore')}
                </Button>
              ) : (
                <Popconfirm title={t('segments.deleteConfirm')} onConfirm={() => onDelete(s)}>
                  <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('segments.delete')} />
                </Popconfirm>
              ),
          },
        ]
      : []),
  ];
}

/** 新建静态名单: a name and a description; members are added on its page. */
function StaticListDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const navigate = useNavigate();
  const qc = useQueryClient();
  return (
    <FormDialog<{ name: string; description?: string }, SegmentView>
      title={t('segments.newStatic')}
      submit={(v) => api.post<SegmentView>('/api/v1/segments', { name: v.name ?? '', description: v.description?.trim() || null, kind: 'static' })}
      onSaved={(s) => {
        void qc.invalidateQueries({ queryKey: segmentKeys.all });
        void navigate(`/segments/${s.id}`);
      }}
      onClose={onClose}
    >
      <Form.Item name="name" label={t('segments.field.name')} required>
        <Input maxLength={SEGMENT_LIMITS.name} data-testid="static-name" />
      </Form.Item>
      <Form.Item name="description" label={t('segments.field.description')}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={SEGMENT_LIMITS.description} />
      </Form.Item>
    </FormDialog>
  );
}

const PAGE = 20;

/** 客户细分: dynamic segments and static lists, newest first, with their member counts. */
export function SegmentListPage() {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const manager = can('segment:manage');
  const [kind, setKind] = useState<SegmentKind | 'all'>('all');
  const [trash, setTrash] = useState(false);
  const [creating, setCreating] = useState(false);
  const list = useSegments({ kind: kind === 'all' ? undefined : kind, deleted: trash ? 'only' : undefined }, PAGE);
  const done = (text: string) => {
    message.success(text);
    void qc.invalidateQueries({ queryKey: segmentKeys.all });
  };
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/segments/${id}`),
    onSuccess: () => done(t('segments.deleted')),
    onError: (err) => message.error(errorMessage(err)),
  });
  const restore = useMutation({
    mutationFn: (id: string) => api.post(`/api/v1/segments/${id}/restore`),
    onSuccess: () => done(t('segments.restored')),
    onError: (err) => message.error(errorMessage(err)),
  });
  return (
    <>
      <PageHeader
        title={t('segments.title')}
        extra={
          manager ? (
            <>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/segments/new')} data-testid="segment-new">
                {t('segments.new')}
              </Button>
              <Button icon={<UnorderedListOutlined />} onClick={() => setCreating(true)} data-testid="segment-new-static">
                {t('segments.newStatic')}
              </Button>
            </>
          ) : null
        }
      />
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <Segmented<SegmentKind | 'all'>
          value={kind}
          onChange={setKind}
          options={[
            { value: 'all', label: t('segments.kind.all') },
            { value: 'dynamic', label: t('segments.kind.dynamic') },
            { value: 'static', label: t('segments.kind.static') },
          ]}
        />
        {manager ? (
          <Space>
            <Button type={trash ? 'primary' : 'default'} icon={<DeleteOutlined />} onClick={() => setTrash(!trash)} data-testid="segment-trash">
              {t('segments.trash')}
            </Button>
          </Space>
        ) : null}
      </Flex>
      {list.error ? <ErrorAlert error={list.error} onRetry={() => void list.refetch()} /> : null}
      <Table<SegmentListItem>
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('segments.empty') }}
        scroll={{ x: 640 }}
        pagination={false}
        columns={columns(t, manager, (s) => remove.mutate(s.id), (s) => restore.mutate(s.id))}
      />
      <KeysetPager list={list} testId="segments" />
      {creating ? <StaticListDialog onClose={() => setCreating(false)} /> : null}
    </>
  );
}
