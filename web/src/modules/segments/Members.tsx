import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, App, Button, Card, Flex, Popconfirm, Select, Spin, Table } from 'antd';
import { MinusCircleOutlined, UserAddOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { KeysetPager } from '../../platform/KeysetPager';
import { ErrorAlert } from '../../platform/ui';
import { segmentKeys, useCustomerSearch, useMembers, type SegmentAddReport, type SegmentImportReport, type SegmentMember, type SegmentRemoveReport, type SegmentView } from './api';
import { ExportMembers, ImportMembers, ImportReport } from './MemberFiles';

/** Customers searched by name, phone or address, several at a time. */
function CustomerSearch({ value, onChange }: { value: string[]; onChange: (ids: string[]) => void }) {
  const t = useT();
  const [q, setQ] = useState('');
  const [labels, setLabels] = useState(new Map<string, string>());
  const found = useCustomerSearch(q);
  const options = (found.data ?? []).map((c) => ({ value: c.id, label: [c.name, c.address?.compound].filter(Boolean).join(' · ') }));
  const shown = [...options, ...value.filter((id) => !options.some((o) => o.value === id)).map((id) => ({ value: id, label: labels.get(id) ?? id }))];
  return (
    <Select<string[]>
      mode="multiple"
      style={{ minWidth: 240, flex: '1 1 240px' }}
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value}
      onChange={(ids) => {
        const next = new Map(labels);
        for (const o of options) next.set(o.value, o.label);
        setLabels(next);
        onChange(ids);
      }}
      placeholder={t('segments.static.search')}
      notFoundContent={found.isFetching ? <Spin size="small" /> : null}
      options={shown}
      aria-label={t('segments.static.add')}
      data-testid="static-search"
    />
  );
}

type Report = { kind: 'added'; r: SegmentAddReport } | { kind: 'removed'; r: SegmentRemoveReport } | { kind: 'imported'; r: SegmentImportReport };

/**
 * A segment's current members (keyset pages), exported as a file by holders of customer:export; for static lists: add
 * customers (searched, or from a file) and remove the selected ones.
 */
export function Members({ segment }: { segment: SegmentView }) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const list = useMembers(segment.id, 20);
  const editable = segment.kind === 'static' && can('segment:manage') && !segment.deletedAt;
  const [picked, setPicked] = useState<string[]>([]);
  const [selected, setSelected] = useState<string[]>([]);
  const [report, setReport] = useState<Report | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: segmentKeys.all });
  const add = useMutation({
    mutationFn: (ids: string[]) => api.post<SegmentAddReport>(`/api/v1/segments/${segment.id}/members`, { customerIds: ids }),
    onSuccess: (r) => {
      setReport({ kind: 'added', r });
      setPicked([]);
      refresh();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const remove = useMutation({
    mutationFn: (ids: string[]) => api.post<SegmentRemoveReport>(`/api/v1/segments/${segment.id}/members/remove`, { customerIds: ids }),
    onSuccess: (r) => {
      setReport({ kind: 'removed', r });
      setSelected([]);
      refresh();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const total = list.data?.total;
  return (
    <Card size="small" title={t('segments.members')} data-testid="members">
      {editable || can('customer:export') ? (
        <Flex gap={8} wrap style={{ marginBottom: 12 }}>
          {editable ? (
            <>
              <CustomerSearch value={picked} onChange={setPicked} />
              <Button type="primary" icon={<UserAddOutlined />} disabled={!picked.length} loading={add.isPending} onClick={() => add.mutate(picked)} data-testid="static-add">
                {t('segments.static.addButton')}
              </Button>
              <Popconfirm title={t('segments.static.removeConfirm', { n: selected.length })} onConfirm={() => remove.mutate(selected)} disabled={!selected.length}>
                <Button danger icon={<MinusCircleOutlined />} disabled={!selected.length} loading={remove.isPending} data-testid="static-remove">
                  {t('segments.static.remove', { n: selected.length })}
                </Button>
              </Popconfirm>
              <ImportMembers
                segment={segment}
                onImported={(r) => {
                  setReport({ kind: 'imported', r });
                  refresh();
                }}
              />
            </>
          ) : null}
          <ExportMembers segment={segment} />
        </Flex>
      ) : null}
      {report?.kind === 'imported' ? <ImportReport report={report.r} onClose={() => setReport(null)} /> : null}
      {report && report.kind !== 'imported' ? (
        <Alert
          type="success"
          showIcon
          closable={{ onClose: () => setReport(null) }}
          style={{ marginBottom: 12 }}
          data-testid="static-report"
          title={
            report.kind === 'added'
              ? t('segments.static.added', { added: report.r.added, already: report.r.alreadyMembers, missing: report.r.notFound.length, count: report.r.memberCount })
              : t('segments.static.removed', { removed: report.r.removed, missing: report.r.notMembers.length, count: report.r.memberCount })
          }
        />
      ) : null}
      {list.error ? <ErrorAlert error={list.error} onRetry={() => void list.refetch()} /> : null}
      <Table<SegmentMember>
        rowKey="id"
        size="small"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 520 }}
        locale={{ emptyText: t('segments.members.empty') }}
        rowSelection={editable ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) } : undefined}
        columns={[
          { title: t('segments.member.name'), dataIndex: 'name', render: (name: string, m) => <Link to={`/customers/${m.id}`} data-testid="member-name">{name}</Link> },
          { title: t('segments.member.compound'), dataIndex: 'compound', render: (v: string | null) => v ?? '—' },
          { title: t('segments.member.city'), dataIndex: 'city', width: 110, render: (v: string | null) => v ?? '—' },
          { title: t('segments.member.entered'), dataIndex: 'enteredAt', width: 150, render: (v: string) => formatDateTime(v) },
        ]}
      />
      <KeysetPager list={list} testId="members" compact total={total === undefined ? undefined : t('segments.members.total', { n: total })} />
    </Card>
  );
}
