import { useState } from 'react';
import { Alert, App, Button, Card, Col, Flex, Form, Input, InputNumber, Radio, Row, Select, Switch } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { applyServerErrors, useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert, FormErrors, Loading } from '../../platform/ui';
import { EXPIRY_POLICIES, GROWTH_BASES, loyaltyKeys, useProgramme, type Programme } from './api';
import { EarnRulesTable, TiersTable, x100 } from './ProgrammeLists';

/**
 * Errors about a whole list (a tier members still hold: 409 on `tiers`) go to the banner by the save button; errors
 * inside it (`tiers.1.threshold`) land on their cell.
 */
const listLevel = (field: string) => (field === 'tiers' || field === 'earnRules' ? `${field}:list` : field);

/** 方案设置: the whole programme in one form, saved with PUT; the server's checks are shown on the fields they name. */
export function ProgrammeTab() {
  const programme = useProgramme();
  if (programme.isPending) return <Loading />;
  if (programme.error) return <ErrorAlert error={programme.error} onRetry={() => void programme.refetch()} />;
  return <ProgrammeForm programme={programme.data} />;
}

function ProgrammeForm({ programme }: { programme: Programme }) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Programme>();
  const [banner, setBanner] = useState<string[]>([]);
  const readOnly = !can('loyalty:manage');
  const expiryPolicy = Form.useWatch('expiryPolicy', form);
  const save = useMutation({
    mutationFn: (p: Programme) => api.put<Programme>('/api/v1/loyalty/programme', p),
    onSuccess: (saved) => {
      setBanner([]);
      qc.setQueryData(loyaltyKeys.programme, saved);
      void qc.invalidateQueries({ queryKey: loyaltyKeys.all });
      message.success(t('loy.prog.saved'));
    },
    onError: (err) => setBanner(applyServerErrors(form, err, listLevel)),
  });
  const num = (name: string | string[], label: string, max: number, suffix?: string) => (
    <Form.Item name={name} label={label} rules={[{ required: true, message: t('common.required', { field: label }) }]}>
      <InputNumber min={0} max={max} precision={0} style={{ width: '100%' }} suffix={suffix} />
    </Form.Item>
  );
  return (
    <Form<Programme>
      form={form}
      layout="vertical"
      initialValues={programme}
      disabled={readOnly}
      // The whole store (list rows keep fields with no input here, e.g. a tier's English benefits).
      onFinish={() => save.mutate(form.getFieldsValue(true) as Programme)}
      data-testid="loy-programme"
    >
      {readOnly ? <Alert type="info" showIcon title={t('loy.prog.readOnly')} style={{ marginBottom: 12 }} /> : null}
      <Card size="small" title={t('loy.prog.basics')} style={{ marginBottom: 16 }}>
        <Row gutter={16}>
          <Col xs={24} md={6}>
            <Form.Item name="enabled" label={t('loy.prog.enabled')} valuePropName="checked">
              <Switch data-testid="loy-prog-enabled" />
            </Form.Item>
          </Col>
          <Col xs={24} md={10}>
            <Form.Item name="enrolment" label={t('loy.prog.enrolment')}>
              <Radio.Group options={(['all', 'manual'] as const).map((v) => ({ value: v, label: t(`loy.prog.enrolment.${v}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="growthBase" label={t('loy.prog.growthBase')}>
              <Select options={GROWTH_BASES.map((v) => ({ value: v, label: t(`loy.prog.growth.${v}`) }))} />
            </Form.Item>
          </Col>
        </Row>
      </Card>
      <Card size="small" title={t('loy.prog.tiers')} style={{ marginBottom: 16 }}>
        <TiersTable disabled={readOnly} />
      </Card>
      <Card size="small" title={t('loy.prog.rules')} style={{ marginBottom: 16 }}>
        <EarnRulesTable disabled={readOnly} />
      </Card>
      <Card size="small" title={t('loy.prog.bonus')} style={{ marginBottom: 16 }}>
        <Row gutter={16}>
          <Col xs={24} md={6}>
            <Form.Item name="birthdayMultiplierX100" label={t('loy.prog.birthdayMultiplier')} rules={[{ required: true }]} {...x100}>
              <InputNumber min={1} max={10} step={0.5} precision={2} style={{ width: '100%' }} suffix={t('loy.prog.times')} data-testid="loy-prog-birthday" />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name="birthdayCalendar" label={t('loy.prog.birthdayCalendar')}>
              <Radio.Group options={(['solar', 'lunar'] as const).map((v) => ({ value: v, label: t(`loy.prog.calendar.${v}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            {num('surveyPoints', t('loy.prog.surveyPoints'), 100_000)}
          </Col>
          <Col xs={24} md={6}>
            {num('feedbackPoints', t('loy.prog.feedbackPoints'), 100_000)}
          </Col>
        </Row>
      </Card>
      <Card size="small" title={t('loy.prog.expiry')} style={{ marginBottom: 16 }}>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="expiryPolicy" label={t('loy.prog.expiryPolicy')}>
              <Select options={EXPIRY_POLICIES.map((v) => ({ value: v, label: t(`loy.prog.expiry.${v}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={4} style={{ display: expiryPolicy === 'months' ? undefined : 'none' }}>
            <Form.Item name="expiryMonths" label={t('loy.prog.expiryMonths')}>
              <InputNumber min={1} max={120} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={4}>
            {num('pointValueFen', t('loy.prog.pointValue'), 10_000, t('loy.prog.fen'))}
          </Col>
          <Col xs={24} md={4}>
            {num('adjustApprovalLimit', t('loy.prog.approvalLimit'), 100_000_000, t('loy.prog.points'))}
          </Col>
          <Col xs={24} md={4}>
            <Form.Item name="reviewMonthDay" label={t('loy.prog.reviewDay')} rules={[{ required: true }]}>
              <Input maxLength={5} placeholder="01-01" />
            </Form.Item>
          </Col>
        </Row>
      </Card>
      <Card size="small" title={t('loy.prog.referral')} style={{ marginBottom: 16 }}>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            {num(['referral', 'referrerPoints'], t('loy.prog.referrerPoints'), 1_000_000)}
          </Col>
          <Col xs={24} md={8}>
            {num(['referral', 'refereePoints'], t('loy.prog.refereePoints'), 1_000_000)}
          </Col>
          <Col xs={24} md={8}>
            {num(['referral', 'monthlyCap'], t('loy.prog.monthlyCap'), 1000)}
          </Col>
        </Row>
      </Card>
      <FormErrors errors={banner} />
      {readOnly ? null : (
        <Flex justify="flex-end" gap={8}>
          <Button disabled={save.isPending} onClick={() => form.resetFields()}>
            {t('common.reset')}
          </Button>
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="loy-prog-save">
            {t('common.save')}
          </Button>
        </Flex>
      )}
    </Form>
  );
}
