import { useMemo, useState, type ReactNode } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { Alert, App, Button, Card, DatePicker, Descriptions, Flex, Form, Input, InputNumber, Radio, Select, Slider, Space, Steps, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../../platform/api';
import { applyServerErrors, fieldPath, useMutation } from '../../platform/forms';
import { displayCurrencySymbol } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert, FormErrors, Loading, PageHeader, RequirePermission } from '../../platform/ui';
import { useTemplates } from '../messages';
import { bpPercent, CAMPAIGN_GOALS, yuan, campaignKeys, CODE_MODES, OFFER_KINDS, useCampaign, type CampaignView } from './api';
import { useSegments } from '../segments';
import { DEFAULTS, formField, fromCampaign, goalInYuan, newOffer, STEP_OF, toBody, type WizardValues } from './model';

const CHANNELS = ['sms', 'email', 'wechat'] as const;

/** 消息: one select per channel; the field's value is the list of template ids chosen. */
function TemplatePicker({ value, onChange }: { value?: string[]; onChange?: (v: string[]) => void }) {
  const t = useT();
  const templates = useTemplates();
  const chosen = value ?? [];
  const byId = new Map((templates.data ?? []).map((x) => [x.id, x]));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {CHANNELS.map((channel) => {
        const options = (templates.data ?? []).filter((x) => x.channel === channel).map((x) => ({ value: x.id, label: x.name }));
        const current = chosen.find((id) => byId.get(id)?.channel === channel) ?? null;
        return (
          <Flex key={channel} gap={8} align="center">
            <Typography.Text style={{ width: 48 }}>{t(`campaigns.channel.${channel}`)}</Typography.Text>
            <Select
              allowClear
              style={{ flex: 1 }}
              loading={templates.isPending}
              value={current}
              aria-label={t('campaigns.templates.pick', { channel: t(`campaigns.channel.${channel}`) })}
              placeholder={t('campaigns.templates.pick', { channel: t(`campaigns.channel.${channel}`) })}
              options={options}
              data-testid={`campaign-template-${channel}`}
              onChange={(id: string | null | undefined) => {
                const rest = chosen.filter((x) => x !== current && byId.get(x)?.channel !== channel);
                onChange?.(id ? [...rest, id] : rest);
              }}
            />
          </Flex>
        );
      })}
    </Space>
  );
}

/** 优惠: the offers, each with the fields its kind needs. */
function OffersEditor() {
  const t = useT();
  return (
    <Form.List name="offers">
      {(fields, { add, remove }) => (
        <Space direction="vertical" style={{ width: '100%' }}>
          {fields.length === 0 ? <Typography.Text type="secondary">{t('campaigns.offers.none')}</Typography.Text> : null}
          {fields.map((f, i) => (
            <Card
              key={f.key}
              size="small"
              title={t('campaigns.offers.item', { n: i + 1 })}
              data-testid="offer-card"
              extra={<Button type="text" danger icon={<DeleteOutlined />} aria-label={t('campaigns.offer.remove')} onClick={() => remove(f.name)} />}
            >
              <Flex gap={12} wrap>
                <Form.Item name={[f.name, 'kind']} label={t('campaigns.offer.kind')} style={{ minWidth: 160 }}>
                  <Select data-testid="offer-kind" options={OFFER_KINDS.map((k) => ({ value: k, label: t(`campaigns.offer.kind.${k}`) }))} />
                </Form.Item>
                <Form.Item
                  name={[f.name, 'name']}
                  label={t('campaigns.offer.name')}
                  style={{ flex: 1, minWidth: 200 }}
                  rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('campaigns.offer.name') }) }]}
                >
                  <Input maxLength={80} placeholder={t('campaigns.offer.namePlaceholder')} data-testid="offer-name" />
                </Form.Item>
              </Flex>
              <Form.Item noStyle shouldUpdate={(a: WizardValues, b: WizardValues) => a.offers?.[i]?.kind !== b.offers?.[i]?.kind}>
                {({ getFieldValue }) => {
                  const kind = getFieldValue(['offers', f.name, 'kind']) as string;
                  if (kind === 'percent')
                    return (
                      <Form.Item name={[f.name, 'percentOffPct']} label={t('campaigns.offer.percentOff')}>
                        <InputNumber min={0.01} max={99.99} step={1} data-testid="offer-percent" />
                      </Form.Item>
                    );
                  if (kind === 'threshold')
                    return (
                      <Flex gap={12} wrap>
                        <Form.Item name={[f.name, 'thresholdYuan']} label={t('campaigns.offer.threshold')}>
                          <InputNumber min={0} precision={2} prefix="¥" data-testid="offer-threshold" />
                        </Form.Item>
                        <Form.Item name={[f.name, 'discountYuan']} label={t('campaigns.offer.discount')}>
                          <InputNumber min={0} precision={2} prefix="¥" data-testid="offer-discount" />
                        </Form.Item>
                      </Flex>
                    );
                  if (kind === 'gift' || kind === 'bundle')
                    return (
                      <Form.Item name={[f.name, 'detail']} label={t('campaigns.offer.detail')}>
                        <Input maxLength={200} data-testid="offer-detail" />
                      </Form.Item>
                    );
                  if (kind === 'points_multiplier')
                    return (
                      <Form.Item name={[f.name, 'multiplier']} label={t('campaigns.offer.multiplier')}>
                        <InputNumber min={1.01} max={10} step={0.5} suffix="×" data-testid="offer-multiplier" />
                      </Form.Item>
                    );
                  return null;
                }}
              </Form.Item>
              <Flex gap={12} wrap>
                <Form.Item name={[f.name, 'codeMode']} label={t('campaigns.offer.codeMode')}>
                  <Radio.Group optionType="button" data-testid="offer-code-mode" options={CODE_MODES.map((m) => ({ value: m, label: t(`campaigns.offer.code.${m}`) }))} />
                </Form.Item>
                <Form.Item noStyle shouldUpdate={(a: WizardValues, b: WizardValues) => a.offers?.[i]?.codeMode !== b.offers?.[i]?.codeMode}>
                  {({ getFieldValue }) =>
                    getFieldValue(['offers', f.name, 'codeMode']) === 'shared' ? (
                      <Form.Item name={[f.name, 'sharedCode']} label={t('campaigns.offer.sharedCode')}>
                        <Input maxLength={20} style={{ width: 180 }} data-testid="offer-shared-code" />
                      </Form.Item>
                    ) : null
                  }
                </Form.Item>
              </Flex>
              <Flex gap={12} wrap>
                <Form.Item name={[f.name, 'validFrom']} label={t('campaigns.offer.validFrom')}>
                  <DatePicker data-testid="offer-valid-from" />
                </Form.Item>
                <Form.Item name={[f.name, 'validTo']} label={t('campaigns.offer.validTo')}>
                  <DatePicker data-testid="offer-valid-to" />
                </Form.Item>
                <Form.Item name={[f.name, 'perCustomerLimit']} label={t('campaigns.offer.perCustomerLimit')}>
                  <InputNumber min={1} max={100} precision={0} />
                </Form.Item>
              </Flex>
            </Card>
          ))}
          {fields.length < 5 ? (
            <Button icon={<PlusOutlined />} onClick={() => add(newOffer())} data-testid="offer-add">
              {t('campaigns.offers.add')}
            </Button>
          ) : null}
        </Space>
      )}
    </Form.List>
  );
}

/** 目标: the name, the goal and its target (points for rates, yuan per head for spend). */
function GoalStep() {
  const t = useT();
  const form = Form.useFormInstance<WizardValues>();
  const goal = Form.useWatch('goal', form) ?? 'repeat_purchase';
  return (
    <>
      <Form.Item name="name" label={t('campaigns.field.name')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('campaigns.field.name') }) }]}>
        <Input maxLength={100} data-testid="campaign-name" />
      </Form.Item>
      <Form.Item name="description" label={t('campaigns.field.description')}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={2000} />
      </Form.Item>
      <Form.Item name="goal" label={t('campaigns.field.goal')}>
        <Select data-testid="campaign-goal" options={CAMPAIGN_GOALS.map((g) => ({ value: g, label: t(`campaigns.goal.${g}`) }))} />
      </Form.Item>
      <Form.Item name="goalTarget" label={goalInYuan(goal) ? t('campaigns.field.targetYuan') : t('campaigns.field.targetPoints')}>
        <InputNumber min={0} precision={2} prefix={goalInYuan(goal) ? '¥' : undefined} data-testid="campaign-goal-target" />
      </Form.Item>
    </>
  );
}

/** 目标客户: the segment (with its member count) and the holdout share. */
function AudienceStep() {
  const t = useT();
  const segments = useSegments({}, 100);
  return (
    <>
      <Form.Item name="segmentId" label={t('campaigns.field.segment')} extra={t('campaigns.field.segmentHint')}>
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          loading={segments.isPending}
          data-testid="campaign-segment"
          aria-label={t('campaigns.field.segment')}
          options={(segments.data?.items ?? []).map((s) => ({ value: s.id, label: t('campaigns.segmentOption', { name: s.name, n: s.memberCount }) }))}
        />
      </Form.Item>
      <Form.Item label={t('campaigns.field.holdout')} extra={t('campaigns.field.holdoutHint')}>
        <Flex gap={16} align="center">
          <Form.Item name="holdoutPct" noStyle>
            <Slider min={0} max={50} style={{ flex: 1 }} />
          </Form.Item>
          <Form.Item name="holdoutPct" noStyle>
            <InputNumber min={0} max={50} precision={2} suffix="%" data-testid="campaign-holdout" />
          </Form.Item>
        </Flex>
      </Form.Item>
    </>
  );
}

/** 排期: by hand or at a time, the attribution window, the budget and the costs. */
function ScheduleStep() {
  const t = useT();
  const form = Form.useFormInstance<WizardValues>();
  const launchMode = Form.useWatch('launchMode', form) ?? 'manual';
  return (
    <>
      <Form.Item name="launchMode" label={t('campaigns.field.launchMode')}>
        <Radio.Group
          optionType="button"
          data-testid="campaign-launch-mode"
          options={[
            { value: 'manual', label: t('campaigns.launchMode.manual') },
            { value: 'at', label: t('campaigns.launchMode.at') },
          ]}
        />
      </Form.Item>
      {launchMode === 'at' ? (
        <Form.Item name="startsAt" label={t('campaigns.field.startsAt')} rules={[{ required: true, message: t('common.required', { field: t('campaigns.field.startsAt') }) }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" data-testid="campaign-starts-at" />
        </Form.Item>
      ) : null}
      <Flex gap={12} wrap>
        <Form.Item name="attributionDays" label={t('campaigns.field.attributionDays')}>
          <InputNumber min={1} max={365} precision={0} data-testid="campaign-attribution" />
        </Form.Item>
        <Form.Item name="budgetYuan" label={t('campaigns.field.budget')}>
          <InputNumber min={0} precision={2} prefix="¥" data-testid="campaign-budget" />
        </Form.Item>
        <Form.Item name="costPerMessageYuan" label={t('campaigns.field.costPerMessage')}>
          <InputNumber min={0} precision={2} prefix="¥" data-testid="campaign-cost-message" />
        </Form.Item>
        <Form.Item name="costPerRedemptionYuan" label={t('campaigns.field.costPerRedemption')}>
          <InputNumber min={0} precision={2} prefix="¥" data-testid="campaign-cost-redemption" />
        </Form.Item>
        <Form.Item name="marginPct" label={t('campaigns.field.margin')}>
          <InputNumber min={0} max={100} precision={2} suffix="%" data-testid="campaign-margin" />
        </Form.Item>
      </Flex>
    </>
  );
}

/** 确认: what will be saved, as the campaign's page will show it. */
function Summary({ v }: { v: WizardValues }) {
  const t = useT();
  const segments = useSegments({}, 100);
  const templates = useTemplates();
  const segment = segments.data?.items.find((s) => s.id === v.segmentId);
  const names = new Map((templates.data ?? []).map((x) => [x.id, x.name]));
  const inYuan = goalInYuan(v.goal);
  const money = (y: number | null | undefined) => yuan(Math.round((y ?? 0) * 100), displayCurrencySymbol());
  return (
    <Descriptions bordered size="small" column={1} data-testid="campaign-summary">
      <Descriptions.Item label={t('campaigns.field.name')}>{v.name || '—'}</Descriptions.Item>
      <Descriptions.Item label={t('campaigns.field.goal')}>
        {t(`campaigns.goal.${v.goal}`)} · {inYuan ? `+${money(v.goalTarget)}` : t('campaigns.results.points', { n: `+${v.goalTarget ?? 0}` })}
      </Descriptions.Item>
      <Descriptions.Item label={t('campaigns.step.audience')}>
        {segment ? t('campaigns.segmentOption', { name: segment.name, n: segment.memberCount }) : '—'} · {t('campaigns.col.holdout')} {bpPercent(Math.round((v.holdoutPct ?? 0) * 100))}
      </Descriptions.Item>
      <Descriptions.Item label={t('campaigns.step.offers')}>
        {(v.offers ?? []).length ? (v.offers ?? []).map((o, i) => <div key={i}>{`${t(`campaigns.offer.kind.${o.kind}`)} · ${o.name ?? ''} · ${t(`campaigns.offer.code.${o.codeMode}`)}`}</div>) : t('campaigns.summary.none')}
      </Descriptions.Item>
      <Descriptions.Item label={t('campaigns.step.messages')}>{(v.templateIds ?? []).map((id) => names.get(id) ?? id).join('、') || t('campaigns.summary.none')}</Descriptions.Item>
      <Descriptions.Item label={t('campaigns.field.launchMode')}>
        {v.launchMode === 'at' && v.startsAt ? v.startsAt.format('YYYY-MM-DD HH:mm') : t('campaigns.summary.manual')} · {t('campaigns.field.attributionDays')} {v.attributionDays ?? 30}
      </Descriptions.Item>
      <Descriptions.Item label={t('campaigns.field.budget')}>{money(v.budgetYuan)}</Descriptions.Item>
      <Descriptions.Item label={t('campaigns.field.costPerMessage')}>{money(v.costPerMessageYuan)}</Descriptions.Item>
      <Descriptions.Item label={t('campaigns.field.costPerRedemption')}>{money(v.costPerRedemptionYuan)}</Descriptions.Item>
      <Descriptions.Item label={t('campaigns.field.margin')}>{bpPercent(Math.round((v.marginPct ?? 0) * 100))}</Descriptions.Item>
    </Descriptions>
  );
}

const STEP_FIELDS: (string | (string | number)[])[][] = [['name', 'goal', 'goalTarget'], ['segmentId', 'holdoutPct'], [], ['templateIds'], ['startsAt', 'attributionDays'], []];

function Wizard({ campaign, onReload }: { campaign: CampaignView | null; onReload: () => void }) {
  const t = useT();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<WizardValues>();
  const [step, setStep] = useState(0);
  const [banner, setBanner] = useState<string[]>([]);
  const [stale, setStale] = useState(false);
  const [summary, setSummary] = useState<WizardValues | null>(null);
  // A new campaign may start from a segment's page (/campaigns/new?segment=<id>).
  const [params] = useSearchParams();
  const fromSegment = params.get('segment');
  const initialValues = useMemo(() => (campaign ? fromCampaign(campaign) : { ...DEFAULTS, ...(fromSegment ? { segmentId: fromSegment } : {}) }), [campaign, fromSegment]);
  const save = useMutation({
    mutationFn: (v: WizardValues) => {
      const body = toBody(v);
      return campaign ? api.patch<CampaignView>(`/api/v1/campaigns/${campaign.id}`, { ...body, version: campaign.version }) : api.post<CampaignView>('/api/v1/campaigns', body);
    },
    onSuccess: (saved) => {
      message.success(t('campaigns.wizard.saved'));
      qc.setQueryData(campaignKeys.one(saved.id), saved);
      void qc.invalidateQueries({ queryKey: campaignKeys.all });
      void navigate(`/campaigns/${saved.id}`);
    },
    onError: (err) => {
      if (err instanceof ApiError && err.status === 409 && err.problem.errors.some((e) => e.field === 'version')) {
        setStale(true);
        return setBanner([]);
      }
      const left = applyServerErrors(form, err, formField);
      setBanner(left);
      // Show the first step with an error on it.
      const first = err instanceof ApiError ? err.problem.errors.map((e) => STEP_OF[String(fieldPath(formField(e.field))[0])]).find((s) => s !== undefined) : undefined;
      if (first !== undefined) setStep(first);
    },
  });
  const go = async (to: number) => {
    if (to > step) {
      try {
        await form.validateFields(step === 2 ? undefined : STEP_FIELDS[step]);
      } catch {
        return;
      }
    }
    if (to === 5) setSummary(form.getFieldsValue(true) as WizardValues);
    setStep(to);
  };
  const submit = () => {
    setBanner([]);
    save.mutate(form.getFieldsValue(true) as WizardValues);
  };
  const steps = ['goal', 'audience', 'offers', 'messages', 'schedule', 'confirm'] as const;
  const panel = (i: number, children: ReactNode) => (
    <div style={{ display: step === i ? 'block' : 'none' }} data-testid={`wizard-step-${steps[i]}`}>
      {children}
    </div>
  );
  return (
    <>
      <PageHeader back={campaign ? `/campaigns/${campaign.id}` : '/campaigns'} title={campaign ? t('campaigns.wizard.edit') : t('campaigns.wizard.new')} />
      {stale ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('campaigns.wizard.stale')}
          action={
            <Button size="small" onClick={onReload}>
              {t('campaigns.wizard.reload')}
            </Button>
          }
        />
      ) : null}
      <FormErrors errors={banner} />
      <Steps current={step} onChange={(s) => void go(s)} style={{ marginBottom: 24 }} items={steps.map((s) => ({ title: t(`campaigns.step.${s}`) }))} size="small" />
      <Form<WizardValues> form={form} layout="vertical" initialValues={initialValues} style={{ maxWidth: 860 }}>
        {panel(0, <GoalStep />)}
        {panel(1, <AudienceStep />)}
        {panel(2, <OffersEditor />)}
        {panel(
          3,
          <Form.Item name="templateIds" label={t('campaigns.step.messages')} extra={t('campaigns.templates.hint')}>
            <TemplatePicker />
          </Form.Item>,
        )}
        {panel(4, <ScheduleStep />)}
        {panel(5, summary ? <Summary v={summary} /> : null)}
      </Form>
      <Flex justify="space-between" style={{ marginTop: 16, maxWidth: 860 }}>
        <Button disabled={step === 0} onClick={() => void go(step - 1)} data-testid="wizard-prev">
          {t('campaigns.wizard.prev')}
        </Button>
        {step < 5 ? (
          <Button type="primary" onClick={() => void go(step + 1)} data-testid="wizard-next">
            {t('campaigns.wizard.next')}
          </Button>
        ) : (
          <Button type="primary" loading={save.isPending} onClick={submit} data-testid="campaign-save">
            {t('campaigns.wizard.saveDraft')}
          </Button>
        )}
      </Flex>
    </>
  );
}

/** /campaigns/new and /campaigns/:id/edit: the six-step wizard (目标 → 目标客户 → 优惠 → 消息 → 排期 → 确认). */
export function CampaignWizardPage() {
  const { id } = useParams();
  const t = useT();
  const campaign = useCampaign(id);
  const [generation, setGeneration] = useState(0);
  const body = !id ? (
    <Wizard campaign={null} onReload={() => undefined} />
  ) : campaign.error ? (
    <ErrorAlert error={campaign.error} onRetry={() => void campaign.refetch()} />
  ) : !campaign.data ? (
    <Loading />
  ) : campaign.data.status !== 'draft' && campaign.data.status !== 'scheduled' ? (
    <Alert type="warning" showIcon title={t('campaigns.wizard.notDraft')} />
  ) : (
    <Wizard
      key={`${campaign.data.version}-${generation}`}
      campaign={campaign.data}
      onReload={() => {
        void campaign.refetch().then(() => setGeneration((g) => g + 1));
      }}
    />
  );
  return <RequirePermission anyOf={['campaign:manage']}>{body}</RequirePermission>;
}
