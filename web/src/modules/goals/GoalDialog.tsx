import { useEffect } from 'react';
import { Col, DatePicker, Form, Input, InputNumber, Row, Select, TreeSelect, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../../platform/api';
import { inZone } from '../../platform/format';
import { FormDialog } from '../../platform/FormDialog';
import { useT, type Translate } from '../../platform/i18n';
import { teamTree, useTeams, useUsers } from '../accounts';
import {
  GOAL_LIMITS,
  GOAL_OWNER_KINDS,
  GOAL_PERIOD_KINDS,
  GOAL_TARGET_KINDS,
  goalKeys,
  useGoalMetrics,
  type GoalCatalogueMetric,
  type GoalDetail,
  type GoalMetricView,
  type GoalOwnerKind,
  type GoalPeriodKind,
  type GoalTargetKind,
  type GoalUnit,
  type GoalView,
} from './api';
import { metricText, ownerText } from './view';

type Values = {
  name: string;
  description?: string;
  metric?: string;
  metricParam?: string;
  targetKind: GoalTargetKind;
  targetValue?: number | null;
  periodKind: GoalPeriodKind;
  periodStart?: Dayjs;
  periodEnd?: Dayjs;
  ownerKind: GoalOwnerKind;
  ownerId?: string;
};

const DAY = 'YYYY-MM-DD';
const PICKER: Record<Exclude<GoalPeriodKind, 'custom'>, 'month' | 'quarter' | 'year'> = { month: 'month', quarter: 'quarter', year: 'year' };

/** Money is entered in yuan and sent in fen; every other figure as it is. */
const toWire = (v: number, unit: GoalUnit | undefined, kind: GoalTargetKind) => (kind === 'value' && unit === 'fen' ? Math.round(v * 100) : v);
const fromWire = (v: number, unit: GoalUnit, kind: GoalTargetKind) => (kind === 'value' && unit === 'fen' ? v / 100 : v);

function unitSuffix(t: Translate, unit: GoalUnit | undefined, kind: GoalTargetKind): string | undefined {
  if (kind === 'change' || unit === 'percent') return '%';
  if (unit === 'fen') return t('goals.target.yuan');
  if (unit === 'hours') return t('goals.unit.hours');
  return undefined;
}

/** The period: a month, quarter or year picked as such, or the first and last day of a custom range. */
function PeriodFields({ kind }: { kind: GoalPeriodKind }) {
  const t = useT();
  const required = (field: string) => [{ required: true, message: t('common.required', { field }) }];
  return (
    <Row gutter={12}>
      <Col xs={24} sm={8}>
        <Form.Item name="periodKind" label={t('goals.field.periodKind')}>
          <Select options={GOAL_PERIOD_KINDS.map((k) => ({ value: k, label: t(`goals.periodKind.${k}`) }))} />
        </Form.Item>
      </Col>
      {kind === 'custom' ? (
        <>
          <Col xs={12} sm={8}>
            <Form.Item name="periodStart" label={t('goals.field.periodStart')} rules={required(t('goals.field.periodStart'))}>
              <DatePicker style={{ width: '100%' }} inputReadOnly />
            </Form.Item>
          </Col>
          <Col xs={12} sm={8}>
            <Form.Item name="periodEnd" label={t('goals.field.periodEnd')} rules={required(t('goals.field.periodEnd'))}>
              <DatePicker style={{ width: '100%' }} inputReadOnly />
            </Form.Item>
          </Col>
        </>
      ) : (
        <Col xs={24} sm={16}>
          <Form.Item name="periodStart" label={t('goals.field.period')} rules={required(t('goals.field.period'))}>
            <DatePicker picker={PICKER[kind]} style={{ width: '100%' }} inputReadOnly />
          </Form.Item>
        </Col>
      )}
    </Row>
  );
}

/** The target: its kind, and the figure (in yuan for money) or the percentage change on a year earlier. */
function TargetFields({ metric, kind }: { metric: GoalMetricView | undefined; kind: GoalTargetKind }) {
  const t = useT();
  return (
    <Row gutter={12}>
      <Col xs={24} sm={12}>
        <Form.Item name="targetKind" label={t('goals.field.targetKind')}>
          <Select options={GOAL_TARGET_KINDS.map((k) => ({ value: k, label: t(`goals.targetKind.${k}`) }))} />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item
          name="targetValue"
          label={kind === 'change' ? t('goals.field.change') : t('goals.field.targetValue')}
          extra={kind === 'change' ? t('goals.target.changeHelp') : undefined}
          rules={[{ required: true, message: t('common.required', { field: t('goals.field.targetValue') }) }]}
        >
          <InputNumber
            style={{ width: '100%' }}
            min={kind === 'change' ? -GOAL_LIMITS.change : -GOAL_LIMITS.target}
            max={kind === 'change' ? GOAL_LIMITS.change : GOAL_LIMITS.target}
            precision={metric?.unit === 'count' && kind === 'value' ? 0 : 2}
            suffix={unitSuffix(t, metric?.unit, kind)}
            data-testid="goal-target"
          />
        </Form.Item>
      </Col>
    </Row>
  );
}

/**
 * What a metric with a parameter is measured for (客户细分 for 细分人数), picked from the catalogue's choices; a goal's
 * current choice stays selectable even when it is no longer offered (a removed segment).
 */
function ParamField({ param, current }: { param: NonNullable<GoalCatalogueMetric['param']>; current?: { value: string; label: string | null } }) {
  const t = useT();
  const options = param.options.map((o) => ({ value: o.value, label: o.label }));
  if (current && !options.some((o) => o.value === current.value)) options.unshift({ value: current.value, label: current.label ?? t('goals.param.removed') });
  return (
    <Form.Item name="metricParam" label={param.label} rules={[{ required: true, message: t('common.required', { field: param.label }) }]}>
      <Select showSearch optionFilterProp="label" options={options} data-testid="goal-param" />
    </Form.Item>
  );
}

/** Whose figures: the company's, a team's or a person's (only the kinds the metric can be measured for). */
function OwnerFields({ metric, kind }: { metric: GoalMetricView | undefined; kind: GoalOwnerKind }) {
  const t = useT();
  const teams = useTeams(kind === 'team');
  const users = useUsers(kind === 'user');
  const kinds = GOAL_OWNER_KINDS.filter((k) => !metric || metric.owners.includes(k));
  return (
    <Row gutter={12}>
      <Col xs={24} sm={kind === 'company' ? 24 : 10}>
        <Form.Item name="ownerKind" label={t('goals.field.ownerKind')}>
          <Select options={kinds.map((k) => ({ value: k, label: t(`goals.owner.${k}`) }))} />
        </Form.Item>
      </Col>
      {kind === 'team' ? (
        <Col xs={24} sm={14}>
          <Form.Item name="ownerId" label={t('goals.field.team')} rules={[{ required: true, message: t('common.required', { field: t('goals.field.team') }) }]}>
            <TreeSelect treeData={teamTree(teams.data ?? [])} treeDefaultExpandAll loading={teams.isPending} showSearch treeNodeFilterProp="title" />
          </Form.Item>
        </Col>
      ) : kind === 'user' ? (
        <Col xs={24} sm={14}>
          <Form.Item name="ownerId" label={t('goals.field.user')} rules={[{ required: true, message: t('common.required', { field: t('goals.field.user') }) }]}>
            <Select
              showSearch
              optionFilterProp="label"
              loading={users.isPending}
              options={(users.data ?? []).filter((u) => u.active).map((u) => ({ value: u.id, label: u.displayName }))}
            />
          </Form.Item>
        </Col>
      ) : null}
    </Row>
  );
}

/** The company's today (the default period is the one containing it). */
const today = () => dayjs(inZone(new Date().toISOString()).format(DAY));

/**
 * 新建目标 / 编辑目标 in the shared FormDialog (one write per action, the server's messages on their fields). A new goal
 * takes a metric (and, for a metric with a parameter, what it is measured for: a segment) and an owner; an existing one
 * keeps both (the API changes the name, target, period and the metric's parameter).
 */
export function GoalDialog({ goal, onClose, onSaved }: { goal?: GoalView; onClose: () => void; onSaved?: (g: GoalDetail) => void }) {
  const t = useT();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  // The catalogue: for a new goal, and for a goal whose metric has a parameter (its choices).
  const metrics = useGoalMetrics(!goal || !!goal.metric.param);
  const metricKey = Form.useWatch('metric', form);
  const targetKind = Form.useWatch('targetKind', form) ?? goal?.targetKind ?? 'value';
  const periodKind = Form.useWatch('periodKind', form) ?? goal?.periodKind ?? 'month';
  const ownerKind = Form.useWatch('ownerKind', form) ?? 'company';
  const metric = goal?.metric ?? metrics.data?.find((m) => m.key === metricKey);
  const param = metrics.data?.find((m) => m.key === (goal?.metric.key ?? metricKey))?.param ?? null;

  // Another metric: its parameter is chosen anew.
  useEffect(() => {
    if (!goal) form.setFieldsValue({ metricParam: undefined });
  }, [metricKey, goal, form]);

  // A metric that cannot be measured for the chosen kind of owner: the first kind it can.
  useEffect(() => {
    if (metric && !goal && !metric.owners.includes(ownerKind)) form.setFieldsValue({ ownerKind: metric.owners[0], ownerId: undefined });
  }, [metric, ownerKind, goal, form]);

  const initialValues: Partial<Values> = goal
    ? {
        name: goal.name,
        description: goal.description ?? '',
        metricParam: goal.metricParam ?? undefined,
        targetKind: goal.targetKind,
        targetValue: fromWire(goal.targetValue, goal.metric.unit, goal.targetKind),
        periodKind: goal.periodKind,
        periodStart: dayjs(goal.periodStart),
        periodEnd: dayjs(goal.periodEnd),
      }
    : { targetKind: 'value', periodKind: 'month', periodStart: today(), ownerKind: 'company' };

  const submit = (v: Values) => {
    const period = {
      periodKind: v.periodKind,
      periodStart: v.periodStart?.format(DAY) ?? '',
      periodEnd: v.periodKind === 'custom' ? v.periodEnd?.format(DAY) : undefined,
    };
    const target = { targetKind: v.targetKind, targetValue: v.targetValue === null || v.targetValue === undefined ? undefined : toWire(v.targetValue, metric?.unit, v.targetKind) };
    if (goal) {
      const changedParam = goal.metric.param && v.metricParam && v.metricParam !== goal.metricParam ? { metricParam: v.metricParam } : {};
      return api.patch<GoalDetail>(`/api/v1/goals/${goal.id}`, { name: v.name, description: v.description?.trim() || null, ...changedParam, ...target, ...period });
    }
    return api.post<GoalDetail>('/api/v1/goals', {
      name: v.name ?? '',
      description: v.description?.trim() || undefined,
      metric: v.metric ?? '',
      metricParam: param ? v.metricParam : undefined,
      ...target,
      ...period,
      ownerKind: v.ownerKind,
      ownerId: v.ownerKind === 'company' ? undefined : v.ownerId,
    });
  };

  return (
    <FormDialog<Values, GoalDetail>
      title={goal ? t('goals.edit') : t('goals.new')}
      form={form}
      width={600}
      initialValues={initialValues}
      submit={submit}
      onSaved={(g) => {
        void qc.invalidateQueries({ queryKey: goalKeys.all });
        qc.setQueryData(goalKeys.one(g.id), g);
        onSaved?.(g);
      }}
      onClose={onClose}
      formProps={{ 'data-testid': 'goal-form' }}
      intro={
        goal ? (
          <Typography.Paragraph type="secondary">
            {metricText(t, goal)} · {ownerText(t, goal)}
          </Typography.Paragraph>
        ) : null
      }
    >
      <Form.Item name="name" label={t('goals.field.name')} rules={[{ required: true, message: t('common.required', { field: t('goals.field.name') }) }]}>
        <Input maxLength={GOAL_LIMITS.name} data-testid="goal-name" />
      </Form.Item>
      {goal ? null : (
        <Form.Item
          name="metric"
          label={t('goals.field.metric')}
          extra={metric ? t('goals.metricHelp', { description: metric.description, better: t(`goals.better.${metric.better}`) }) : undefined}
          rules={[{ required: true, message: t('common.required', { field: t('goals.field.metric') }) }]}
        >
          <Select showSearch optionFilterProp="label" loading={metrics.isPending} options={(metrics.data ?? []).map((m) => ({ value: m.key, label: m.label }))} />
        </Form.Item>
      )}
      {param ? <ParamField param={param} current={goal?.metricParam ? { value: goal.metricParam, label: goal.metricParamLabel } : undefined} /> : null}
      <TargetFields metric={metric} kind={targetKind} />
      <PeriodFields kind={periodKind} />
      {goal ? null : <OwnerFields metric={metric} kind={ownerKind} />}
      <Form.Item name="description" label={t('goals.field.description')}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={GOAL_LIMITS.description} />
      </Form.Item>
    </FormDialog>
  );
}
