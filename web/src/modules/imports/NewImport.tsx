import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Alert, Button, Checkbox, Col, Divider, Flex, Input, Radio, Row, Select, Space, Spin, Table, Tag, Tooltip, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { useAuth } from '../../platform/auth';
import { useT } from '../../platform/i18n';
import { ErrorAlert } from '../../platform/ui';
import {
  cancelImport,
  DUPLICATE_POLICIES,
  importKeys,
  startImport,
  uploadImport,
  type DuplicatePolicy,
  type ImportKind,
  type ImportPreview,
  type StartImport,
} from './api';
import { ImportSteps } from './ImportSteps';

const ACCEPT = '.csv,.xlsx,.txt';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Step 1: what to import, and the file. */
function FileStep({ onUploaded }: { onUploaded: (p: ImportPreview) => void }) {
  const t = useT();
  const { can } = useAuth();
  const [params] = useSearchParams();
  const canTransactions = can('transaction:write');
  const canFeedback = can('feedback:manage');
  const asked = params.get('kind');
  const [kind, setKind] = useState<ImportKind>(asked === 'transactions' && canTransactions ? 'transactions' : asked === 'feedback' && canFeedback ? 'feedback' : 'customers');
  const upload = useMutation({ mutationFn: (file: File) => uploadImport(kind, file), onSuccess: onUploaded });

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div>
        <Typography.Text strong id="import-kind-label">
          {t('imports.kind')}
        </Typography.Text>
        <div style={{ marginTop: 8 }}>
          <Radio.Group
            aria-labelledby="import-kind-label"
            optionType="button"
            buttonStyle="solid"
            value={kind}
            onChange={(e) => setKind(e.target.value as ImportKind)}
            disabled={upload.isPending}
          >
            <Radio.Button value="customers">{t('imports.kind.customers')}</Radio.Button>
            <Tooltip title={canTransactions ? undefined : t('imports.kind.transactionsDenied')}>
              <Radio.Button value="transactions" disabled={!canTransactions}>
                {t('imports.kind.transactions')}
              </Radio.Button>
            </Tooltip>
            {canFeedback ? <Radio.Button value="feedback">{t('imports.kind.feedback')}</Radio.Button> : null}
          </Radio.Group>
        </div>
      </div>
      <ErrorAlert error={upload.error} />
      <Spin spinning={upload.isPending} description={t('imports.uploading')}>
        <Upload.Dragger
          accept={ACCEPT}
          multiple={false}
          showUploadList={false}
          disabled={upload.isPending}
          beforeUpload={(file) => {
            upload.mutate(file);
            return false;
          }}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t('imports.drop')}</p>
          <p className="ant-upload-hint">{t('imports.dropHint')}</p>
        </Upload.Dragger>
      </Spin>
    </Space>
  );
}

type MappingErrors = { columns: Record<string, string[]>; general: string[] };
const NO_ERRORS: MappingErrors = { columns: {}, general: [] };

/** The server's problem for a start: `mapping.<column>` goes next to that column, the rest above the mapping. */
function mappingErrors(err: unknown): MappingErrors {
  if (!(err instanceof ApiError)) return { columns: {}, general: [err instanceof Error ? err.message : String(err)] };
  const out: MappingErrors = { columns: {}, general: [] };
  for (const e of err.problem.errors) {
    if (e.field.startsWith('mapping.')) (out.columns[e.field.slice('mapping.'.length)] ??= []).push(e.message);
    else out.general.push(e.message);
  }
  if (!err.problem.errors.length) out.general.push(err.problem.detail);
  return out;
}

type MappingOption = { value: string; label: string };

/** A row per column of the file: its name, the field it goes to (with the server's problem), sample values. */
function MappingColumns(props: {
  headers: string[];
  rows: string[][];
  mapping: Record<string, string>;
  errors: MappingErrors;
  options: MappingOption[];
  onChoose: (header: string, field: string) => void;
}) {
  const t = useT();
  const { headers, rows, mapping, errors, options, onChoose: choose } = props;
  const samples = (i: number) =>
    rows
      .map((r) => r[i] ?? '')
      .filter((v) => v.trim() !== '')
      .slice(0, 3);
  return (
    <div data-testid="mapping">
      <Row gutter={[12, 4]} style={{ paddingBottom: 4 }}>
        <Col xs={0} md={8}>
          <Typography.Text type="secondary">{t('imports.column')}</Typography.Text>
        </Col>
        <Col xs={0} md={8}>
          <Typography.Text type="secondary">{t('imports.field')}</Typography.Text>
        </Col>
        <Col xs={0} md={8}>
          <Typography.Text type="secondary">{t('imports.samples')}</Typography.Text>
        </Col>
      </Row>
      {headers.map((h, i) => {
        const columnErrors = errors.columns[h] ?? [];
        const s = samples(i);
        return (
          <div key={h} data-testid="mapping-row" data-column={h} style={{ borderTop: '1px solid rgba(5, 5, 5, 0.06)', padding: '8px 0' }}>
            <Row gutter={[12, 4]} align="middle">
              <Col xs={24} md={8}>
                <Typography.Text strong>{h}</Typography.Text>
              </Col>
              <Col xs={24} md={8}>
                <Select
                  aria-label={t('imports.selectFor', { column: h })}
                  value={mapping[h] ?? ''}
                  options={options}
                  onChange={(v: string) => choose(h, v)}
                  showSearch={{ optionFilterProp: 'label' }}
                  status={columnErrors.length ? 'error' : undefined}
                  style={{ width: '100%' }}
                />
                {columnErrors.length ? (
                  <Typography.Text type="danger" role="alert" data-testid="column-error" style={{ display: 'block', marginTop: 4 }}>
                    {columnErrors.join(t('sep.semicolon'))}
                  </Typography.Text>
                ) : null}
              </Col>
              <Col xs={24} md={8} style={{ minWidth: 0 }}>
                <Typography.Text type="secondary" ellipsis={{ tooltip: s.join(t('sep.list')) }} style={{ maxWidth: '100%' }}>
                  {s.length ? s.join(t('sep.list')) : t('common.none')}
                </Typography.Text>
              </Col>
            </Row>
          </div>
        );
      })}
    </div>
  );
}

/** The first rows of the file, each column headed by the field it is mapped to. */
function PreviewTable({ headers, rows, mapping, fields }: { headers: string[]; rows: string[][]; mapping: Record<string, string>; fields: ImportPreview['fields'] }) {
  const t = useT();
  const labelOf = useMemo(() => new Map(fields.map((f) => [f.key, f.label])), [fields]);
  return (
    <div>
      <Typography.Text strong>{t('imports.preview', { n: rows.length })}</Typography.Text>
      <Table<{ key: number; cells: string[] }>
        style={{ marginTop: 8 }}
        size="small"
        bordered
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={rows.map((cells, key) => ({ key, cells }))}
        locale={{ emptyText: t('imports.previewEmpty') }}
        data-testid="import-preview"
        columns={headers.map((h, i) => ({
          key: h,
          title: (
            <Space orientation="vertical" size={2}>
              <span>{h}</span>
              {mapping[h] ? <Tag color="blue">{labelOf.get(mapping[h]!) ?? mapping[h]}</Tag> : <Tag>{t('imports.unmapped')}</Tag>}
            </Space>
          ),
          render: (_: unknown, r: { cells: string[] }) => (
            <span style={{ display: 'inline-block', maxWidth: 220, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', verticalAlign: 'bottom' }}>
              {r.cells[i] ?? ''}
            </span>
          ),
        }))}
      />
    </div>
  );
}

/** Step 2: a field for every column (pre-filled from the suggestion), the first rows, and the options. */
function MappingStep({ preview, onBack }: { preview: ImportPreview; onBack: () => void }) {
  const t = useT();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { job, rows, fields } = preview;
  const headers = job.headers;
  const [mapping, setMapping] = useState<Record<string, string>>(() => Object.fromEntries(headers.map((h) => [h, preview.suggestedMapping[h] ?? ''])));
  const [onDuplicate, setOnDuplicate] = useState<DuplicatePolicy>(job.options.onDuplicate);
  const [createMissing, setCreateMissing] = useState(job.options.createMissingCustomers);
  const [templateName, setTemplateName] = useState('');
  const [errors, setErrors] = useState<MappingErrors>(NO_ERRORS);
  const top = useRef<HTMLDivElement>(null);
  // The start button is at the bottom: bring the server's first message into view.
  useEffect(() => {
    if (errors === NO_ERRORS) return;
    top.current?.querySelector('[role="alert"]')?.scrollIntoView({ block: 'center' });
  }, [errors]);
  const options = useMemo(
    () => [{ value: '', label: t('imports.ignore') }, ...fields.map((f) => ({ value: f.key, label: f.required ? `${f.label} *` : f.label }))],
    [fields, t],
  );
  const mapped = new Set(Object.values(mapping).filter(Boolean));

  const start = useMutation({
    mutationFn: () => {
      const body: StartImport = {
        mapping,
        options: job.kind === 'customers' ? { onDuplicate } : { createMissingCustomers: createMissing },
        saveTemplateAs: templateName.trim() || undefined,
      };
      return startImport(job.id, body);
    },
    onSuccess: (started) => {
      qc.setQueryData(importKeys.job(started.id), started);
      void qc.invalidateQueries({ queryKey: importKeys.list });
      void navigate(`/imports/${started.id}`);
    },
    onError: (err) => setErrors(mappingErrors(err)),
  });

  const choose = (header: string, field: string) => {
    setMapping((m) => ({ ...m, [header]: field }));
    // The server's messages were about the mapping as it was (a field mapped twice concerns two columns).
    setErrors(NO_ERRORS);
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} ref={top}>
      <Typography.Text type="secondary" data-testid="import-file">
        {t(`imports.kind.${job.kind}`)} · {t('imports.fileInfo', { name: job.fileName, size: formatBytes(job.fileSize) })}
      </Typography.Text>
      {preview.templateName ? <Alert type="info" showIcon title={t('imports.templateApplied', { name: preview.templateName })} data-testid="template-applied" /> : null}
      <Typography.Text>{t('imports.mappingHint')}</Typography.Text>
      <Flex gap={6} wrap align="center" data-testid="required-fields">
        <Typography.Text type="secondary">{t('imports.requiredFields')}</Typography.Text>
        {fields
          .filter((f) => f.required)
          .map((f) => (
            <Tag key={f.key} color={mapped.has(f.key) ? 'success' : 'error'}>
              {mapped.has(f.key) ? t('imports.requiredMapped', { field: f.label }) : t('imports.requiredMissing', { field: f.label })}
            </Tag>
          ))}
      </Flex>
      {errors.general.length ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="mapping-error"
          title={t('imports.mappingErrors')}
          description={
            errors.general.length === 1 ? (
              errors.general[0]
            ) : (
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {errors.general.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            )
          }
        />
      ) : null}
      <MappingColumns headers={headers} rows={rows} mapping={mapping} errors={errors} options={options} onChoose={choose} />

      <PreviewTable headers={headers} rows={rows} mapping={mapping} fields={fields} />

      <Divider style={{ margin: '4px 0' }} />
      {job.kind === 'customers' ? (
        <div>
          <Typography.Text strong id="import-dup-label">
            {t('imports.duplicates')}
          </Typography.Text>
          <Typography.Paragraph type="secondary" style={{ margin: '4px 0 8px' }}>
            {t('imports.duplicatesHint')}
          </Typography.Paragraph>
          <Radio.Group aria-labelledby="import-dup-label" value={onDuplicate} onChange={(e) => setOnDuplicate(e.target.value as DuplicatePolicy)}>
            <Space orientation="vertical" size={6}>
              {DUPLICATE_POLICIES.map((p) => (
                <Radio key={p} value={p}>
                  <Typography.Text>{t(`imports.dup.${p}`)}</Typography.Text>
                  <Typography.Text type="secondary"> — {t(`imports.dup.${p}Hint`)}</Typography.Text>
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        </div>
      ) : (
        <div>
          <Checkbox checked={createMissing} onChange={(e) => setCreateMissing(e.target.checked)}>
            {t('imports.createMissing')}
          </Checkbox>
          <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
            {t('imports.createMissingHint')}
            {t('sep.semicolon')}
            {t('imports.txDuplicatesHint')}
          </Typography.Paragraph>
        </div>
      )}
      <div>
        <label htmlFor="import-template-name" style={{ display: 'block', fontWeight: 600, marginBottom: 8 }}>
          {t('imports.saveTemplate')}
        </label>
        <Input
          id="import-template-name"
          style={{ maxWidth: 480 }}
          value={templateName}
          maxLength={100}
          allowClear
          placeholder={t('imports.saveTemplatePlaceholder')}
          onChange={(e) => setTemplateName(e.target.value)}
        />
      </div>
      <Flex gap={8} wrap justify="flex-end">
        <Button onClick={onBack} disabled={start.isPending}>
          {t('imports.chooseAnother')}
        </Button>
        <Button type="primary" loading={start.isPending} onClick={() => start.mutate()}>
          {t('imports.start')}
        </Button>
      </Flex>
    </Space>
  );
}

/** Steps 1 and 2 of the wizard; starting the import moves on to the import's own page (progress, then report). */
export function NewImport() {
  const qc = useQueryClient();
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const uploaded = (p: ImportPreview) => {
    setPreview(p);
    void qc.invalidateQueries({ queryKey: importKeys.list });
  };
  const back = () => {
    // The uploaded file is of no more use: let the server drop it.
    if (preview) {
      cancelImport(preview.job.id)
        .catch(() => undefined)
        .finally(() => void qc.invalidateQueries({ queryKey: importKeys.list }));
    }
    setPreview(null);
  };
  return (
    <>
      <ImportSteps current={preview ? 1 : 0} />
      {preview ? <MappingStep key={preview.job.id} preview={preview} onBack={back} /> : <FileStep onUploaded={uploaded} />}
    </>
  );
}
