import { useState } from 'react';
import { App, Button, Card, Flex, Form, Input, Popconfirm, Radio, Select, Space, Tag, Typography } from 'antd';
import { DeleteOutlined, DownloadOutlined, PlusOutlined, QrcodeOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, download, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { FormDialog } from '../../platform/FormDialog';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { QR_IDENTIFY, QR_PLACES, surveyKeys, useQrCodes, type QrIdentify, type QrPlace, type SurveyQrCodeView, type SurveyView } from './api';

type Values = { label: string; place: QrPlace; placeValue?: string; identify: QrIdentify };

function NewQrDialog({ survey, onClose }: { survey: SurveyView; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  return (
    <FormDialog<Values, SurveyQrCodeView>
      title={t('surveys.qr.new')}
      initialValues={{ place: 'compound', identify: 'anonymous' }}
      submit={(v) => api.post<SurveyQrCodeView>(`/api/v1/surveys/${survey.id}/qr-codes`, { ...v, placeValue: v.placeValue?.trim() || null })}
      onSaved={(qr) => {
        message.success(t('surveys.qr.created', { label: qr.label }));
        void qc.invalidateQueries({ queryKey: surveyKeys.qr(survey.id) });
      }}
      onClose={onClose}
      formProps={{ 'data-testid': 'qr-form' }}
    >
      <Form.Item name="label" label={t('surveys.qr.label')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('surveys.qr.label') }) }]}>
        <Input maxLength={100} placeholder={t('surveys.qr.labelHint')} data-testid="qr-label" />
      </Form.Item>
      <Space wrap style={{ width: '100%' }}>
        <Form.Item name="place" label={t('surveys.qr.place')}>
          <Select<QrPlace> style={{ width: 120 }} options={QR_PLACES.map((p) => ({ value: p, label: t(`surveys.place.${p}`) }))} aria-label={t('surveys.qr.place')} data-testid="qr-place" />
        </Form.Item>
        <Form.Item name="placeValue" label={t('surveys.qr.placeValue')}>
          <Input maxLength={100} style={{ width: 260 }} data-testid="qr-place-value" />
        </Form.Item>
      </Space>
      <Form.Item name="identify" label={t('surveys.qr.identify')} extra={survey.settings.anonymousAllowed ? undefined : t('surveys.qr.anonymousOff')}>
        <Radio.Group data-testid="qr-identify">
          {QR_IDENTIFY.map((i) => (
            <Radio key={i} value={i}>
              {t(`surveys.identify.${i}`)}
            </Radio>
          ))}
        </Radio.Group>
      </Form.Item>
    </FormDialog>
  );
}

function QrCard({ survey, qr }: { survey: SurveyView; qr: SurveyQrCodeView }) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const base = `/api/v1/surveys/${survey.id}/qr-codes/${qr.id}`;
  const remove = useMutation({
    mutationFn: () => api.delete(base),
    onSuccess: () => void qc.invalidateQueries({ queryKey: surveyKeys.qr(survey.id) }),
    onError: (err) => message.error(errorMessage(err)),
  });
  const png = useMutation({ mutationFn: () => download(`${base}.png`, {}, `survey-qr-${qr.id}.png`), onError: (err) => message.error(errorMessage(err)) });
  return (
    <Card size="small" style={{ width: 250 }} data-testid="qr-card" data-qr-id={qr.id}>
      <img src={`${base}.svg`} alt={qr.label} width={200} height={200} style={{ display: 'block', margin: '0 auto' }} data-testid="qr-svg" />
      <Typography.Text strong data-testid="qr-card-label">
        {qr.label}
      </Typography.Text>
      <div>
        <Tag>{t(`surveys.place.${qr.place}`)}</Tag>
        {qr.placeValue ? <Typography.Text type="secondary">{qr.placeValue}</Typography.Text> : null}
      </div>
      <div>
        <Tag color={qr.identify === 'self' ? 'blue' : 'default'}>{t(`surveys.identify.${qr.identify}`)}</Tag>
        <Typography.Text type="secondary">{t('surveys.qr.responses', { n: qr.responseCount })}</Typography.Text>
      </div>
      <Typography.Paragraph copyable={{ text: qr.url }} style={{ marginBottom: 4, fontSize: 12, wordBreak: 'break-all' }}>
        <span data-testid="qr-url">{qr.url}</span>
      </Typography.Paragraph>
      <Flex gap={4}>
        <Button size="small" icon={<DownloadOutlined />} loading={png.isPending} onClick={() => png.mutate()} data-testid="qr-png">
          PNG
        </Button>
        <Button size="small" href={`${base}.svg`} target="_blank" icon={<DownloadOutlined />}>
          SVG
        </Button>
        {can('survey:manage') ? (
          <Popconfirm title={t('surveys.qr.deleteConfirm')} onConfirm={() => remove.mutate()}>
            <Button size="small" type="text" danger icon={<DeleteOutlined />} loading={remove.isPending} aria-label={t('common.delete')} />
          </Popconfirm>
        ) : null}
      </Flex>
    </Card>
  );
}

/** 二维码: printed for a compound, a building or a service hall; each shows its image, link and responses. */
export function QrCodes({ survey }: { survey: SurveyView }) {
  const t = useT();
  const { can } = useAuth();
  const codes = useQrCodes(survey.id);
  const [creating, setCreating] = useState(false);
  return (
    <Card
      size="small"
      title={
        <Space>
          <QrcodeOutlined />
          {t('surveys.qr.title')}
        </Space>
      }
      extra={
        can('survey:manage') && !survey.deletedAt ? (
          <Button size="small" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="qr-new">
            {t('surveys.qr.new')}
          </Button>
        ) : null
      }
    >
      <Flex gap={12} wrap data-testid="qr-codes">
        {(codes.data ?? []).map((qr) => (
          <QrCard key={qr.id} survey={survey} qr={qr} />
        ))}
        {codes.data && !codes.data.length ? <Typography.Text type="secondary">{t('surveys.qr.empty')}</Typography.Text> : null}
      </Flex>
      {creating ? <NewQrDialog survey={survey} onClose={() => setCreating(false)} /> : null}
    </Card>
  );
}
