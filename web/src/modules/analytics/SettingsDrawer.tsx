import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Col, Drawer, Form, Input, InputNumber, Row, Select, Space, Switch, Typography, type FormInstance } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { applyServerErrors } from '../../platform/forms';
import { useI18n } from '../../platform/i18n';
import { ErrorAlert, FormErrors, Loading } from '../../platform/ui';
import { ANALYTICS_KEY, INDICATOR_METRICS, VALUE_KINDS, saveSettings, useAnalyticsSettings, useScorecardInputs, type AnalyticsSettings } from './api';

/** The analytics settings: CLV parameters, cut-offs, segments and the weighted value scorecard. */
export function SettingsDrawer({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const q = useAnalyticsSettings();
  const [form] = Form.useForm<AnalyticsSettings>();
  const [saving, setSaving] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const qc = useQueryClient();
  const { message } = App.useApp();

  const save = async (values: AnalyticsSettings) => {
    setSaving(true);
    setErrors([]);
    try {
      const body: AnalyticsSettings = {
        ...q.data!,
        ...values,
        segments: values.segments ?? null,
        indicators: values.indicators.map((i) => ({ ...i, field: i.field || null })),
      };
      await saveSettings(body);
      await qc.invalidateQueries({ queryKey: [...ANALYTICS_KEY, 'settings'] });
      void message.success(t('analytics.saved'));
      onClose();
    } catch (err) {
      setErrors(applyServerErrors(form, err));
    } finally {
      setSaving(false);
    }
  };

  const num = (name: string | string[], label: Parameters<typeof t>[0], props: { min?: number; max?: number; step?: number } = {}) => (
    <Col xs={24} sm={12}>
      <Form.Item name={name} label={t(label)}>
        <InputNumber style={{ width: '100%' }} {...props} />
      </Form.Item>
    </Col>
  );

  return (
    <Drawer
      open
      size="large"
      title={t('analytics.settings')}
      onClose={onClose}
      extra={
        <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="analytics-settings-save">
          {t('analytics.save')}
        </Button>
      }
    >
      {q.error ? <ErrorAlert error={q.error} /> : null}
      {q.isPending ? (
        <Loading />
      ) : q.data ? (
        <Form form={form} layout="vertical" initialValues={q.data} onFinish={(v) => void save(v)}>
          <FormErrors errors={errors} />
          <Row gutter={12}>
            {num(['tierCutoffs', 'high'], 'analytics.s.tierHigh', { min: 0, max: 100 })}
            {num(['tierCutoffs', 'middle'], 'analytics.s.tierMiddle', { min: 0, max: 100 })}
            {num(['riskCutoffs', 'high'], 'analytics.s.riskHigh', { min: 0, max: 100 })}
            {num(['riskCutoffs', 'medium'], 'analytics.s.riskMedium', { min: 0, max: 100 })}
            {num('loyaltyCutoff', 'analytics.s.loyaltyCutoff', { min: 0, max: 100 })}
            {num('segments', 'analytics.s.segments', { min: 2, max: 10 })}
            {num('rfmWindowDays', 'analytics.s.rfmWindowDays', { min: 30, max: 3650 })}
            {num('margin', 'analytics.s.margin', { min: 0, max: 1, step: 0.05 })}
            {num('lifetimeYears', 'analytics.s.lifetimeYears', { min: 0.1, max: 50 })}
            {num('acquisitionCostFen', 'analytics.s.acquisitionCostFen', { min: 0 })}
            {num('horizonMonths', 'analytics.s.horizonMonths', { min: 1, max: 120 })}
            {num('discountRate', 'analytics.s.discountRate', { min: 0, max: 1, step: 0.01 })}
            {num('expectedPurchaseWeeks', 'analytics.s.expectedPurchaseWeeks', { min: 1, max: 520 })}
            {num('historyDailyDays', 'analytics.s.historyDailyDays', { min: 7, max: 3650 })}
            {num('fitSeconds', 'analytics.s.fitSeconds', { min: 1, max: 600 })}
            <Col xs={24} sm={12}>
              <Form.Item name="rfmScoring" label={t('analytics.s.rfmScoring')}>
                <Select
                  data-testid="analytics-rfm-scoring"
                  options={[
                    { value: 'quintiles', label: t('analytics.s.rfmScoring.quintiles') },
                    { value: 'thresholds', label: t('analytics.s.rfmScoring.thresholds') },
                  ]}
                />
              </Form.Item>
            </Col>
            <Form.Item noStyle shouldUpdate={(a, b) => a.rfmScoring !== b.rfmScoring}>
              {({ getFieldValue }) =>
                getFieldValue('rfmScoring') === 'thresholds'
                  ? (['r', 'f', 'm'] as const).map((dim) => (
                      <Col xs={24} key={dim}>
                        <Typography.Text type="secondary">{t(`analytics.s.rfmThresholds.${dim}`)}</Typography.Text>
                        <Space.Compact block>
                          {[0, 1, 2, 3].map((k) => (
                            <Form.Item key={k} name={['rfmThresholds', dim, k]} noStyle>
                              <InputNumber min={0} style={{ width: '25%' }} />
                            </Form.Item>
                          ))}
                        </Space.Compact>
                      </Col>
                    ))
                  : null
              }
            </Form.Item>
            <Col xs={24} sm={12}>
              <Form.Item name="nightly" label={t('analytics.s.nightly')} valuePropName="checked">
                <Switch />
              </Form.Item>
            </Col>
          </Row>
          <Typography.Title level={5}>{t('analytics.s.indicators')}</Typography.Title>
          <IndicatorList form={form} />
        </Form>
      ) : null}
    </Drawer>
  );
}

/** The scorecard's indicators: key, labels, kind, metric, field (a module's metric is picked from the registered inputs) and weight. */
function IndicatorList({ form }: { form: FormInstance<AnalyticsSettings> }) {
  const { t, lang } = useI18n();
  const inputs = useScorecardInputs();
  return (
    <Form.List name="indicators">
      {(fields, { add, remove }) => (
        <>
          {fields.map((f) => (
            <Space key={f.key} align="start" wrap style={{ marginBottom: 4 }}>
              <Form.Item name={[f.name, 'key']} label={t('analytics.ind.key')} style={{ width: 110 }}>
                <Input />
              </Form.Item>
              <Form.Item name={[f.name, 'labelZh']} label={t('analytics.ind.labelZh')} style={{ width: 130 }}>
                <Input />
              </Form.Item>
              <Form.Item name={[f.name, 'labelEn']} label={t('analytics.ind.labelEn')} style={{ width: 150 }}>
                <Input />
              </Form.Item>
              <Form.Item name={[f.name, 'kind']} label={t('analytics.ind.kind')} style={{ width: 120 }}>
                <Select options={VALUE_KINDS.map((k) => ({ value: k, label: t(`analytics.kind.${k}`) }))} />
              </Form.Item>
              <Form.Item name={[f.name, 'metric']} label={t('analytics.ind.metric')} style={{ width: 160 }}>
                <Select options={INDICATOR_METRICS.map((m) => ({ value: m, label: t(`analytics.metric.${m}`) }))} />
              </Form.Item>
              {/* A module's metric (metric `input`) is chosen from the registered inputs; other fields are typed. */}
              <Form.Item noStyle dependencies={[['indicators', f.name, 'metric']]}>
                {() =>
                  form.getFieldValue(['indicators', f.name, 'metric']) === 'input' ? (
                    <Form.Item name={[f.name, 'field']} label={t('analytics.ind.input')} style={{ width: 220 }}>
                      <Select
                        data-testid={`indicator-input-${f.name}`}
                        options={(inputs.data?.items ?? []).map((i) => ({ value: i.key, label: lang === 'en' ? i.labelEn : i.labelZh }))}
                      />
                    </Form.Item>
                  ) : (
                    <Form.Item name={[f.name, 'field']} label={t('analytics.ind.field')} style={{ width: 110 }}>
                      <Input />
                    </Form.Item>
                  )
                }
              </Form.Item>
              <Form.Item name={[f.name, 'weight']} label={t('analytics.ind.weight')} style={{ width: 80 }}>
                <InputNumber min={0} max={100} />
              </Form.Item>
              <Button type="text" aria-label="delete" icon={<DeleteOutlined />} style={{ marginTop: 30 }} onClick={() => remove(f.name)} />
            </Space>
          ))}
          <Button
            icon={<PlusOutlined />}
            onClick={() => add({ key: `ind_${fields.length + 1}`, labelZh: '', labelEn: '', kind: 'economic', metric: 'monetary', weight: 10 })}
          >
            {t('analytics.s.addIndicator')}
          </Button>
        </>
      )}
    </Form.List>
  );
}
