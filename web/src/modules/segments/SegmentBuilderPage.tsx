import { useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Alert, App, Button, Card, Col, Flex, Form, Input, Row, Space, Table, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError, errorMessage } from '../../platform/api';
import { applyServerErrors, useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert, FormErrors, Loading, PageHeader, RequirePermission } from '../../platform/ui';
import { SEGMENT_LIMITS, segmentKeys, usePreview, useSegment, useSegmentFields, type SegmentCustomer, type SegmentView } from './api';
import { errorsByNode, fromRule, newGroup, replaceNode, toRule, type GroupNode, type RuleNode } from './model';
import { GroupEditor } from './RuleBuilder';
import { useDebounced } from '../../platform/useDebounced';

const DEBOUNCE_MS = 400;

/** 实时预览: 共 N 位客户 and a sample of them, for the rule as it is now (after a pause in the typing). */
function PreviewPanel({ ruleJson, preview }: { ruleJson: string | null; preview: ReturnType<typeof usePreview> }) {
  const t = useT();
  const stale = preview.isFetching || preview.isPlaceholderData;
  return (
    <Card size="small" title={t('segments.preview.title')} data-testid="preview">
      {ruleJson === null ? (
        <Typography.Text type="secondary">{t('segments.preview.none')}</Typography.Text>
      ) : preview.data && !preview.isError ? (
        <>
          <Typography.Title level={3} style={{ margin: 0, opacity: stale ? 0.5 : 1 }} data-testid="preview-count">
            {t('segments.preview.count', { n: preview.data.count })}
          </Typography.Title>
          <Typography.Text type="secondary" style={{ display: 'block', margin: '8px 0 4px' }}>
            {t('segments.preview.sample')}
          </Typography.Text>
          <Table<SegmentCustomer>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={preview.data.sample}
            data-testid="preview-sample"
            columns={[
              { title: t('segments.member.name'), dataIndex: 'name' },
              { title: t('segments.member.compound'), dataIndex: 'compound', render: (v: string | null) => v ?? '—' },
            ]}
          />
        </>
      ) : preview.isError ? (
        <Typography.Text type="danger" data-testid="preview-error">
          {preview.error instanceof ApiError && preview.error.problem.errors.length ? t('segments.preview.fix') : errorMessage(preview.error)}
        </Typography.Text>
      ) : preview.isFetching ? (
        <Typography.Text type="secondary">{t('segments.preview.counting')}</Typography.Text>
      ) : null}
    </Card>
  );
}

type Values = { name: string; description?: string };

/** The editor itself, for a new segment or a loaded one. */
function Builder({ segment, onReload }: { segment: SegmentView | null; onReload: () => void }) {
  const t = useT();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const fields = useSegmentFields();
  const fieldMap = useMemo(() => new Map((fields.data ?? []).map((f) => [f.key, f])), [fields.data]);
  const [root, setRoot] = useState<GroupNode>(() => (segment?.rule ? fromRule(segment.rule) : newGroup('all')));
  const [banner, setBanner] = useState<string[]>([]);
  const [stale, setStale] = useState(false);
  const [saveErrors, setSaveErrors] = useState<{ field: string; message: string }[]>([]);
  const { rule, paths } = useMemo(() => {
    const p = new Map<string, string>();
    return { rule: toRule(root, p), paths: p };
  }, [root]);
  const ruleJson = useDebounced(rule ? JSON.stringify(rule) : null, DEBOUNCE_MS);
  const preview = usePreview(ruleJson);
  const nodeErrors = useMemo(() => {
    const previewErrors = preview.error instanceof ApiError ? preview.error.problem.errors : [];
    return errorsByNode(saveErrors.length ? saveErrors : previewErrors, paths);
  }, [saveErrors, preview.error, paths]);
  const onTree = (next: GroupNode) => {
    setRoot(next);
    setSaveErrors([]);
  };
  const ctx = {
    fields: fields.data ?? [],
    fieldMap,
    errors: nodeErrors,
    onChange: (node: RuleNode) => onTree(replaceNode(root, node.id, node)),
    onRemove: (id: string) => onTree(replaceNode(root, id, null)),
  };
  const save = useMutation({
    mutationFn: (v: Values & { rule: unknown }) => {
      const body = { name: v.name ?? '', description: v.description?.trim() || null, rule: v.rule };
      return segment ? api.patch<SegmentView>(`/api/v1/segments/${segment.id}`, { ...body, version: segment.version }) : api.post<SegmentView>('/api/v1/segments', { ...body, kind: 'dynamic' });
    },
    onSuccess: (saved) => {
      message.success(t('segments.saved'));
      qc.setQueryData(segmentKeys.one(saved.id), saved);
      void qc.invalidateQueries({ queryKey: segmentKeys.all });
      void navigate(`/segments/${saved.id}`);
    },
    onError: (err) => {
      if (err instanceof ApiError && err.status === 409 && err.problem.errors.some((e) => e.field === 'version')) {
        setStale(true);
        return setBanner([]);
      }
      const ruleErrors = err instanceof ApiError ? err.problem.errors.filter((e) => e.field === 'rule' || e.field.startsWith('rule.')) : [];
      setSaveErrors(ruleErrors);
      const left = applyServerErrors(form, err);
      setBanner(left.filter((m) => !ruleErrors.some((e) => e.message === m)));
    },
  });
  const submit = (v: Values) => {
    if (!rule) return setBanner([t('segments.builder.noRule')]);
    setBanner([]);
    save.mutate({ ...v, rule });
  };
  if (fields.error) return <ErrorAlert error={fields.error} onRetry={() => void fields.refetch()} />;
  return (
    <>
      <PageHeader
        back={segment ? `/segments/${segment.id}` : '/segments'}
        title={segment ? t('segments.builder.edit') : t('segments.builder.new')}
        extra={
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="segment-save">
            {t('common.save')}
          </Button>
        }
      />
      {stale ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('segments.builder.stale')}
          action={
            <Button size="small" onClick={onReload} data-testid="segment-reload">
              {t('segments.builder.reload')}
            </Button>
          }
        />
      ) : null}
      <FormErrors errors={banner} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={15}>
          <Form<Values> form={form} layout="vertical" initialValues={{ name: segment?.name ?? '', description: segment?.description ?? '' }} onFinish={submit}>
            <Form.Item name="name" label={t('segments.field.name')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('segments.field.name') }) }]}>
              <Input maxLength={SEGMENT_LIMITS.name} data-testid="segment-name" />
            </Form.Item>
            <Form.Item name="description" label={t('segments.field.description')}>
              <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={SEGMENT_LIMITS.description} />
            </Form.Item>
          </Form>
          <Typography.Title level={5}>{t('segments.builder.rule')}</Typography.Title>
          {fields.isPending ? <Loading /> : <GroupEditor node={root} ctx={ctx} />}
        </Col>
        <Col xs={24} lg={9}>
          <div style={{ position: 'sticky', top: 16 }}>
            <PreviewPanel ruleJson={ruleJson} preview={preview} />
          </div>
        </Col>
      </Row>
      <Flex justify="end" style={{ marginTop: 16 }}>
        <Space>
          <Button onClick={() => void navigate(segment ? `/segments/${segment.id}` : '/segments')}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()}>
            {t('common.save')}
          </Button>
        </Space>
      </Flex>
    </>
  );
}

/** /segments/new and /segments/:id/edit: the rule builder with its live count. */
export function SegmentBuilderPage() {
  const { id } = useParams();
  const segment = useSegment(id);
  const [generation, setGeneration] = useState(0);
  const body = !id ? (
    <Builder segment={null} onReload={() => undefined} />
  ) : segment.error ? (
    <ErrorAlert error={segment.error} onRetry={() => void segment.refetch()} />
  ) : !segment.data ? (
    <Loading />
  ) : (
    <Builder
      key={`${segment.data.version}-${generation}`}
      segment={segment.data}
      onReload={() => {
        void segment.refetch().then(() => setGeneration((g) => g + 1));
      }}
    />
  );
  return <RequirePermission anyOf={['segment:manage']}>{body}</RequirePermission>;
}
