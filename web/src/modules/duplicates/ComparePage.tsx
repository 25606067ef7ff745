import { useState, type ReactNode } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Alert, App, Button, Card, Flex, Grid, Popconfirm, Radio, Space, Switch, Table, Tag, Typography } from 'antd';
import { MergeCellsOutlined, SwapOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError, errorMessage } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { formatDateTime } from '../../platform/format';
import { useT, type MessageKey } from '../../platform/i18n';
import { ErrorAlert, Loading, PageHeader } from '../../platform/ui';
import { customerKeys, useCustomer, type CustomerView, CustomerName } from '../customers';
import { txKeys, useTransactionSummary, formatFen } from '../transactions';
import { dupKeys, type MergeChoice, type MergeField, type MergeResult } from './api';
import { blank, COMPARED, differs, displayValue, FIELD_LABEL } from './format';

type Compared = (typeof COMPARED)[number];
type Row = { key: string; label: string; field?: Compared; render: (c: CustomerView) => ReactNode; after?: string };

/** 比较并合并: two customers side by side; per differing field a radio for the value to keep; then merge. */
export function ComparePage() {
  const { a = '', b = '' } = useParams();
  const ca = useCustomer(a);
  const cb = useCustomer(b);
  if (ca.isPending || cb.isPending) return <Loading />;
  if (ca.error || cb.error) {
    return (
      <>
        <PageHeader back="/duplicates" title={<CompareTitle />} />
        <ErrorAlert error={ca.error ?? cb.error} />
      </>
    );
  }
  return <Compare key={`${ca.data.id}:${ca.data.version}:${cb.data.id}:${cb.data.version}`} a={ca.data} b={cb.data} />;
}

function CompareTitle() {
  return <>{useT()('dup.compareTitle')}</>;
}

function TxSummary({ id }: { id: string }) {
  const t = useT();
  const s = useTransactionSummary(id);
  if (!s.data) return <>{t('common.none')}</>;
  return <>{t('dup.txCount', { n: s.data.count, amount: formatFen(s.data.lifetimeSpendFen) })}</>;
}

/** The merge itself: survivor, merged and, per differing field, whose value is kept. */
function useMerge(a: CustomerView, b: CustomerView, survivor: CustomerView, merged: CustomerView, keptFrom: (f: Compared) => string) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: () => {
      const values: Partial<Record<MergeField, MergeChoice>> = {};
      for (const f of COMPARED) if (differs(a, b, f)) values[f] = keptFrom(f) === survivor.id ? 'survivor' : 'merged';
      return api.post<MergeResult>('/api/v1/customers/merge', {
        survivorId: survivor.id,
        mergedId: merged.id,
        survivorVersion: survivor.version,
        mergedVersion: merged.version,
        values,
      });
    },
    onSuccess: (r) => {
      message.success(t('dup.mergedResult', { merged: r.merge.mergedName, survivor: r.merge.survivorName }));
      void qc.invalidateQueries({ queryKey: customerKeys.all });
      void qc.invalidateQueries({ queryKey: dupKeys.all });
      void qc.invalidateQueries({ queryKey: txKeys.all });
      qc.setQueryData(dupKeys.merge(r.merge.id), r.merge);
      void navigate(`/duplicates/merges/${r.merge.id}`);
    },
    onError: (err) => {
      message.error(errorMessage(err));
      // Someone changed one of them meanwhile: show the current values.
      if (err instanceof ApiError && err.status === 409) void qc.invalidateQueries({ queryKey: customerKeys.all });
    },
  });
}

function Compare(props: { a: CustomerView; b: CustomerView }) {
  const t = useT();
  // The customer created first on the left, and kept unless the user says otherwise.
  const [a, b] = props.a.createdAt <= props.b.createdAt ? [props.a, props.b] : [props.b, props.a];
  const navigate = useNavigate();
  const phone = !Grid.useBreakpoint().md;
  const [survivorId, setSurvivorId] = useState(a.id);
  // The customer whose value each field keeps, where the user chose; otherwise the survivor's (or the other's when the survivor has none).
  const [picked, setPicked] = useState<Partial<Record<Compared, string>>>({});
  const [showSame, setShowSame] = useState(false);
  const survivor = survivorId === a.id ? a : b;
  const gone = !!(a.deletedAt || b.deletedAt);
  const merged = survivorId === a.id ? b : a;
  const keptFrom = (f: Compared) => picked[f] ?? (blank(survivor, f) && !blank(merged, f) ? merged.id : survivor.id);
  const role = (c: CustomerView): MergeChoice => (c.id === survivor.id ? 'survivor' : 'merged');

  const merge = useMerge(a, b, survivor, merged, keptFrom);

  const valueCell = (c: CustomerView, f: Compared) => {
    const text = displayValue(t, c, f) || t('dup.empty.value');
    if (!differs(a, b, f)) return <Typography.Text>{text}</Typography.Text>;
    const label = t(FIELD_LABEL[f] as MessageKey);
    return (
      <span data-testid={`choice-${f}-${role(c)}`}>
        <Radio checked={keptFrom(f) === c.id} onChange={() => setPicked((p) => ({ ...p, [f]: c.id }))} aria-label={`${label}: ${text}`}>
          <span style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{text}</span>
        </Radio>
      </span>
    );
  };

  const union = (x: string[], y: string[]) => [...new Set([...x, ...y])];
  const rows: Row[] = [
    ...COMPARED.filter((f) => showSame || differs(a, b, f)).map<Row>((f) => ({
      key: f,
      field: f,
      label: t(FIELD_LABEL[f] as MessageKey),
      render: (c) => valueCell(c, f),
    })),
    {
      key: 'phones',
      label: t('field.phones'),
      render: (c) => c.phones.join(t('sep.comma')) || t('dup.empty.value'),
      after: union(survivor.phones, merged.phones).join(t('sep.comma')),
    },
    {
      key: 'tags',
      label: t('field.tags'),
      render: (c) => c.tags.join(t('sep.comma')) || t('dup.empty.value'),
      after: union(survivor.tags, merged.tags).join(t('sep.comma')),
    },
    { key: 'transactions', label: t('dup.transactions'), render: (c) => <TxSummary id={c.id} /> },
    { key: 'createdAt', label: t('field.createdAt'), render: (c) => formatDateTime(c.createdAt) },
  ];

  const header = (c: CustomerView) => (
    <Space orientation="vertical" size={4}>
      <Space wrap size={6}>
        <CustomerName customer={c} />
        {c.id === survivor.id ? (
          <Tag color="green" data-testid="role-survivor">
            {t('dup.survivor')}
          </Tag>
        ) : (
          <Tag color="red" data-testid="role-merged">
            {t('dup.mergedOne')}
          </Tag>
        )}
      </Space>
      {c.id !== survivor.id ? (
        <Button size="small" icon={<SwapOutlined />} onClick={() => setSurvivorId(c.id)} style={{ whiteSpace: 'normal', height: 'auto' }}>
          {t('dup.keepThis')}
        </Button>
      ) : null}
    </Space>
  );

  return (
    <>
      <PageHeader back="/duplicates" title={t('dup.compareTitle')} subtitle={t('dup.pairOf', { a: a.name, b: b.name })} />
      <Card>
        {gone ? (
          <Alert type="error" showIcon title={t('dup.deletedOne')} style={{ marginBottom: 12 }} />
        ) : (
          <Alert type="info" showIcon title={t('dup.chooseHint')} style={{ marginBottom: 12 }} />
        )}
        <Flex justify="end" style={{ marginBottom: 8 }}>
          <Space>
            <Switch size="small" checked={showSame} onChange={setShowSame} aria-label={t('dup.showSame')} />
            <Typography.Text>{t('dup.showSame')}</Typography.Text>
          </Space>
        </Flex>
        <Table<Row>
          rowKey="key"
          size="middle"
          pagination={false}
          // On a phone the three columns share the width (values wrap) rather than scroll sideways.
          tableLayout={phone ? 'fixed' : undefined}
          scroll={phone ? undefined : { x: 'max-content' }}
          dataSource={rows}
          data-testid="compare-table"
          columns={[
            {
              title: t('dup.field'),
              key: 'label',
              width: phone ? 76 : 130,
              render: (_: unknown, r) => (
                <Space orientation="vertical" size={0}>
                  <Typography.Text strong>{r.label}</Typography.Text>
                  {r.after !== undefined ? (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`after-${r.key}`}>
                      {t('dup.combined')}: {r.after || t('dup.empty.value')}
                    </Typography.Text>
                  ) : null}
                </Space>
              ),
            },
            { title: header(a), key: 'a', onCell: () => ({ 'data-testid': 'column-a' }) as object, render: (_: unknown, r) => r.render(a) },
            { title: header(b), key: 'b', onCell: () => ({ 'data-testid': 'column-b' }) as object, render: (_: unknown, r) => r.render(b) },
          ]}
        />
        <Flex justify="end" gap={8} style={{ marginTop: 16 }}>
          <Button onClick={() => navigate('/duplicates')}>{t('common.cancel')}</Button>
          <Popconfirm
            title={t('dup.mergeConfirmTitle')}
            description={<div style={{ maxWidth: 360 }}>{t('dup.mergeConfirm', { merged: merged.name, survivor: survivor.name })}</div>}
            okText={t('dup.merge')}
            cancelText={t('common.cancel')}
            onConfirm={() => merge.mutate()}
            disabled={gone}
          >
            <Button type="primary" icon={<MergeCellsOutlined />} loading={merge.isPending} disabled={gone} data-testid="merge-button">
              {t('dup.merge')}
            </Button>
          </Popconfirm>
        </Flex>
      </Card>
    </>
  );
}
