import { useEffect } from 'react';
import { Col, Form, InputNumber, Row, Slider, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { PERFORMANCE_KPIS, performanceKeys, usePerformanceWeights, type PerformanceKpi, type PerformanceWeights } from './api';

/** A weight 0–100: a slider and the same figure typed (the form's value is the one number). */
function WeightInput({ kpi, value, onChange, disabled }: { kpi: PerformanceKpi; value?: number; onChange?: (v: number) => void; disabled?: boolean }) {
  return (
    <Row gutter={12} align="middle" wrap={false}>
      <Col flex="auto">
        <Slider min={0} max={100} value={value ?? 0} onChange={(v) => onChange?.(v)} disabled={disabled} />
      </Col>
      <Col flex="80px">
        <InputNumber
          min={0}
          max={100}
          precision={0}
          value={value}
          onChange={(v) => onChange?.(typeof v === 'number' ? v : 0)}
          disabled={disabled}
          style={{ width: '100%' }}
          data-testid={`weight-${kpi}`}
        />
      </Col>
    </Row>
  );
}

/** 权重设置: the six weights of the incentive score (integers 0–100; they need not add up to 100). */
export function WeightsDialog({ onClose, onSaved }: { onClose: () => void; onSaved?: (w: PerformanceWeights) => void }) {
  const t = useT();
  const qc = useQueryClient();
  const [form] = Form.useForm<PerformanceWeights>();
  const weights = usePerformanceWeights();
  const watched = Form.useWatch([], form) as Partial<PerformanceWeights> | undefined;
  const sum = PERFORMANCE_KPIS.reduce((s, k) => s + (watched?.[k] ?? 0), 0);
  // First opened: the weights arrive after the form is drawn.
  useEffect(() => {
    if (weights.data && !form.isFieldsTouched()) form.setFieldsValue(weights.data);
  }, [weights.data, form]);
  return (
    <FormDialog<PerformanceWeights, PerformanceWeights>
      title={t('performance.weights')}
      form={form}
      width={520}
      initialValues={weights.data}
      okButtonProps={{ disabled: !weights.data }}
      submit={(v) => api.put<PerformanceWeights>('/api/v1/performance/weights', Object.fromEntries(PERFORMANCE_KPIS.map((k) => [k, v[k] ?? 0])))}
      onSaved={(w) => {
        qc.setQueryData(performanceKeys.weights, w);
        void qc.invalidateQueries({ queryKey: performanceKeys.all });
        onSaved?.(w);
      }}
      onClose={onClose}
      formProps={{ 'data-testid': 'weights-form' }}
      intro={<Typography.Paragraph type="secondary">{t('performance.weights.help')}</Typography.Paragraph>}
      after={
        <Typography.Text type="secondary" data-testid="weights-sum">
          {t('performance.weights.sum', { sum })}
        </Typography.Text>
      }
    >
      {PERFORMANCE_KPIS.map((k) => (
        <Form.Item key={k} name={k} label={t(`performance.kpi.${k}`)} style={{ marginBottom: 8 }}>
          <WeightInput kpi={k} disabled={!weights.data} />
        </Form.Item>
      ))}
    </FormDialog>
  );
}
