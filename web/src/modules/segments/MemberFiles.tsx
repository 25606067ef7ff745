/**
 * A segment's members as files: 导出成员 CSV / Excel (holders of customer:export, like the customer list's export),
 * and 从文件导入 on a static list (a CSV of phones or customer numbers, one per line) with what it did.
 */
import { useState } from 'react';
import { Alert, App, Button, Form, Radio, Typography, Upload } from 'antd';
import { DownloadOutlined, FileAddOutlined, UploadOutlined } from '@ant-design/icons';
import { errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { exportMembers, importMembers, SEGMENT_IMPORT_LIMITS, type SegmentImportKey, type SegmentImportReport, type SegmentView } from './api';

/** 导出成员 CSV / 导出成员 Excel: shown only to holders of customer:export. */
export function ExportMembers({ segment }: { segment: SegmentView }) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const [exporting, setExporting] = useState<'csv' | 'xlsx' | null>(null);
  if (!can('customer:export')) return null;
  const run = async (format: 'csv' | 'xlsx') => {
    setExporting(format);
    try {
      await exportMembers(segment.id, format);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setExporting(null);
    }
  };
  return (
    <>
      <Button icon={<DownloadOutlined />} loading={exporting === 'csv'} disabled={!!exporting} onClick={() => void run('csv')} data-testid="members-export-csv">
        {t('segments.export.csv')}
      </Button>
      <Button icon={<DownloadOutlined />} loading={exporting === 'xlsx'} disabled={!!exporting} onClick={() => void run('xlsx')} data-testid="members-export-xlsx">
        {t('segments.export.xlsx')}
      </Button>
    </>
  );
}

/** The file field: one file picked (not uploaded by antd: it is sent with the form). */
function FilePicker({ value, onChange, id }: { value?: File; onChange?: (file: File | undefined) => void; id?: string }) {
  const t = useT();
  return (
    <Upload
      id={id}
      accept=".csv,.txt,text/csv,text/plain"
      maxCount={1}
      fileList={value ? [{ uid: 'picked', name: value.name, status: 'done' }] : []}
      beforeUpload={(file) => {
        onChange?.(file);
        return false;
      }}
      onRemove={() => onChange?.(undefined)}
    >
      <Button icon={<UploadOutlined />} data-testid="import-pick">
        {t('segments.import.pick')}
      </Button>
    </Upload>
  );
}

type ImportValues = { by: SegmentImportKey; file: File };

const megabytes = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/** 从文件导入: the button and its dialog (the server's messages on the file show under it). */
export function ImportMembers({ segment, onImported }: { segment: SegmentView; onImported: (r: SegmentImportReport) => void }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button icon={<FileAddOutlined />} onClick={() => setOpen(true)} data-testid="static-import">
        {t('segments.import')}
      </Button>
      <FormDialog<ImportValues, SegmentImportReport>
        open={open}
        title={t('segments.import.title')}
        okText={t('segments.import.ok')}
        initialValues={{ by: 'phone' }}
        submit={(v) => importMembers(segment.id, v.by, v.file)}
        onSaved={onImported}
        onClose={() => setOpen(false)}
        intro={
          <Typography.Paragraph type="secondary">
            {t('segments.import.hint', { max: megabytes(SEGMENT_IMPORT_LIMITS.bytes), values: SEGMENT_IMPORT_LIMITS.values })}
          </Typography.Paragraph>
        }
        formProps={{ 'data-testid': 'import-form' }}
      >
        <Form.Item name="by" label={t('segments.import.by')}>
          <Radio.Group optionType="button" buttonStyle="solid">
            <Radio.Button value="phone">{t('segments.import.byPhone')}</Radio.Button>
            <Radio.Button value="externalId">{t('segments.import.byExternalId')}</Radio.Button>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="file" label={t('segments.import.file')} rules={[{ required: true, message: t('segments.import.fileRequired') }]}>
          <FilePicker />
        </Form.Item>
      </FormDialog>
    </>
  );
}

/** The values listed (the first ones the server reports), with how many more there were. */
function valuesText(t: ReturnType<typeof useT>, values: string[], count: number): string {
  const shown = values.join(t('sep.comma'));
  return count > values.length ? t('segments.import.more', { values: shown, n: count }) : shown;
}

/** What an import did: the counts, then the values not found and those matching several customers. */
export function ImportReport({ report: r, onClose }: { report: SegmentImportReport; onClose: () => void }) {
  const t = useT();
  const problems = r.notFoundCount > 0 || r.ambiguousCount > 0;
  return (
    <Alert
      type={problems ? 'warning' : 'success'}
      showIcon
      closable={{ onClose }}
      style={{ marginBottom: 12 }}
      data-testid="import-report"
      title={t('segments.import.report', { values: r.values, added: r.added, already: r.alreadyMembers, count: r.memberCount })}
      description={
        problems ? (
          <>
            {r.notFoundCount > 0 ? <div data-testid="import-not-found">{t('segments.import.notFound', { n: r.notFoundCount, values: valuesText(t, r.notFound, r.notFoundCount) })}</div> : null}
            {r.ambiguousCount > 0 ? (
              <div data-testid="import-ambiguous">{t('segments.import.ambiguous', { n: r.ambiguousCount, values: valuesText(t, r.ambiguous, r.ambiguousCount) })}</div>
            ) : null}
          </>
        ) : undefined
      }
    />
  );
}
