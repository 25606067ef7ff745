import { useState } from 'react';
import { App, Button, Card, Flex, Form, Input, InputNumber, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { api, errorMessage } from '../../../platform/api';
import { useAuth } from '../../../platform/auth';
import { useMutation } from '../../../platform/forms';
import { FormDialog } from '../../../platform/FormDialog';
import { useT, type Translate } from '../../../platform/i18n';
import { ErrorAlert, PageHeader } from '../../../platform/ui';
import {
  CUSTOMER_TIERS,
  TICKET_PRIORITIES,
  TICKET_TYPES,
  WEEKDAYS,
  useCalendars,
  usePolicies,
  useRefreshSla,
  type SlaCalendarDay,
  type SlaCalendarView,
  type SlaPolicyView,
  type SlaWorkingHours,
} from './api';
import { formatBusinessTime } from './SlaClock';
import { useSlaName } from './shippedNames';

type CalendarValues = {
  name: string;
  timeZone: string;
  alwaysOpen: boolean;
  hours: SlaWorkingHours[];
  holidays: SlaCalendarDay[];
  workdays: SlaCalendarDay[];
  isDefault?: boolean;
};

function DayList({ name, label, help }: { name: 'holidays' | 'workdays'; label: string; help?: string }) {
  const t = useT();
  return (
    <Form.Item label={label} help={help}>
      <Form.List name={name}>
        {(fields, { add, remove }) => (
          <>
            {fields.map((f) => (
              <Space key={f.key} align="baseline" style={{ display: 'flex', marginBottom: 4 }} data-testid={`${name}-row`}>
                <Form.Item name={[f.name, 'date']} noStyle>
                  <Input type="date" style={{ width: 160 }} aria-label={`${label} ${f.name + 1}`} />
                </Form.Item>
                <Form.Item name={[f.name, 'name']} noStyle>
                  <Input placeholder={t('sla.cal.dayName')} style={{ width: 200 }} />
                </Form.Item>
                <MinusCircleOutlined onClick={() => remove(f.name)} />
              </Space>
            ))}
            <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({ date: '', name: '' })} data-testid={`add-${name}`}>
              {t('sla.cal.addDay')}
            </Button>
          </>
        )}
      </Form.List>
    </Form.Item>
  );
}

function CalendarDialog({ calendar, onClose }: { calendar: SlaCalendarView | 'new' | null; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<CalendarValues>();
  const refresh = useRefreshSla();
  const editing = calendar && calendar !== 'new' ? calendar : null;
  const alwaysOpen = Form.useWatch('alwaysOpen', form);
  const initial: CalendarValues = editing
    ? { name: editing.name, timeZone: editing.timeZone, alwaysOpen: editing.alwaysOpen, hours: editing.hours, holidays: editing.holidays, workdays: editing.workdays }
    : { name: '', timeZone: 'Asia/Shanghai', alwaysOpen: false, hours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:30', end: '17:30' })), holidays: [], workdays: [] };
  return (
    <FormDialog
      open={!!calendar}
      title={editing ? t('sla.cal.edit') : t('sla.cal.new')}
      width={720}
      form={form}
      initialValues={initial}
      formProps={{ preserve: false }}
      // Rows of hours and dates have no room for a message under each input: their errors go to the banner.
      bannerFields={/^(hours|holidays|workdays)\./}
      submit={(v: CalendarValues) => {
        const body = {
          name: v.name,
          timeZone: v.timeZone,
          alwaysOpen: v.alwaysOpen,
          hours: v.hours ?? [],
          holidays: (v.holidays ?? []).map((d) => ({ date: d.date, name: d.name ?? '' })),
          workdays: (v.workdays ?? []).map((d) => ({ date: d.date, name: d.name ?? '' })),
          ...(v.isDefault ? { isDefault: true } : {}),
        };
        return editing ? api.patch(`/api/v1/tickets/sla/calendars/${editing.id}`, { ...body, version: editing.version }) : api.post('/api/v1/tickets/sla/calendars', body);
      }}
      onSaved={() => {
        message.success(t('sla.settings.saved'));
        void refresh();
      }}
      onClose={onClose}
    >
      <Flex gap={12} wrap>
        <Form.Item name="name" label={t('sla.cal.name')} rules={[{ required: true }]} style={{ flex: 2, minWidth: 220 }}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="timeZone" label={t('sla.cal.timeZone')} style={{ flex: 1, minWidth: 160 }}>
          <Input />
        </Form.Item>
        <Form.Item name="alwaysOpen" label={t('sla.cal.alwaysOpen')} valuePropName="checked">
          <Switch />
        </Form.Item>
        {editing && !editing.isDefault ? (
          <Form.Item name="isDefault" label={t('sla.cal.makeDefault')} valuePropName="checked">
            <Switch />
          </Form.Item>
        ) : null}
      </Flex>
      {alwaysOpen ? null : (
        <>
          <Form.Item label={t('sla.cal.hours')}>
            <Form.List name="hours">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((f) => (
                    <Space key={f.key} align="baseline" style={{ display: 'flex', marginBottom: 4 }}>
                      <Form.Item name={[f.name, 'weekday']} noStyle>
                        <Select style={{ width: 100 }} options={WEEKDAYS.map((d) => ({ value: d, label: t(`sla.weekday.${d}`) }))} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'start']} noStyle>
                        <Input style={{ width: 90 }} placeholder="08:30" />
                      </Form.Item>
                      –
                      <Form.Item name={[f.name, 'end']} noStyle>
                        <Input style={{ width: 90 }} placeholder="17:30" />
                      </Form.Item>
                      <MinusCircleOutlined onClick={() => remove(f.name)} />
                    </Space>
                  ))}
                  <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({ weekday: 6, start: '08:30', end: '17:30' })}>
                    {t('sla.cal.addHours')}
                  </Button>
                </>
              )}
            </Form.List>
          </Form.Item>
          <DayList name="holidays" label={t('sla.cal.holidays')} />
          <DayList name="workdays" label={t('sla.cal.workdays')} help={t('sla.cal.workdaysHelp')} />
        </>
      )}
    </FormDialog>
  );
}

type PolicyValues = Omit<SlaPolicyView, 'id' | 'calendarName' | 'version'>;

const minutesText = (t: Translate, m: number) => formatBusinessTime(t, m * 60_000);

function PolicyDialog({ policy, calendars, onClose }: { policy: SlaPolicyView | 'new' | null; calendars: SlaCalendarView[]; onClose: () => void }) {
  const t = useT();
  const slaName = useSlaName();
  const { message } = App.useApp();
  const [form] = Form.useForm<PolicyValues>();
  const refresh = useRefreshSla();
  const editing = policy && policy !== 'new' ? policy : null;
  const def = calendars.find((c) => c.isDefault);
  const initial: Partial<PolicyValues> = editing ?? {
    calendarId: def?.id ?? '',
    firstResponseMinutes: 240,
    resolutionMinutes: 1440,
    warnAtPercent: 80,
    level2AfterMinutes: 240,
    level3AfterMinutes: 1440,
    position: 100,
    active: true,
  };
  const any = { value: null as unknown as string, label: t('sla.pol.any') };
  return (
    <FormDialog
      open={!!policy}
      title={editing ? t('sla.pol.edit') : t('sla.pol.new')}
      width={720}
      form={form}
      initialValues={initial}
      formProps={{ preserve: false }}
      submit={(v: PolicyValues) => {
        const body = { ...v, ticketType: v.ticketType ?? null, priority: v.priority ?? null, customerTier: v.customerTier ?? null };
        return editing ? api.patch(`/api/v1/tickets/sla/policies/${editing.id}`, { ...body, version: editing.version }) : api.post('/api/v1/tickets/sla/policies', body);
      }}
      onSaved={() => {
        message.success(t('sla.settings.saved'));
        void refresh();
      }}
      onClose={onClose}
    >
      <Form.Item name="name" label={t('sla.pol.name')} rules={[{ required: true }]}>
        <Input maxLength={100} />
      </Form.Item>
      <Flex gap={12} wrap>
        <Form.Item name="ticketType" label={t('sla.pol.type')} style={{ minWidth: 150 }}>
          <Select allowClear placeholder={t('sla.pol.any')} options={[any, ...TICKET_TYPES.map((x) => ({ value: x, label: t(`sla.type.${x}`) }))]} />
        </Form.Item>
        <Form.Item name="priority" label={t('sla.pol.priority')} style={{ minWidth: 150 }}>
          <Select allowClear placeholder={t('sla.pol.any')} options={[any, ...TICKET_PRIORITIES.map((x) => ({ value: x, label: t(`sla.priority.${x}`) }))]} />
        </Form.Item>
        <Form.Item name="customerTier" label={t('sla.pol.tier')} style={{ minWidth: 150 }}>
          <Select allowClear placeholder={t('sla.pol.any')} options={[any, ...CUSTOMER_TIERS.map((x) => ({ value: x, label: t(`sla.tier.${x}`) }))]} />
        </Form.Item>
        <Form.Item name="calendarId" label={t('sla.pol.calendar')} style={{ minWidth: 240, flex: 1 }}>
          <Select options={calendars.map((c) => ({ value: c.id, label: slaName(c.name) }))} />
        </Form.Item>
      </Flex>
      <Flex gap={12} wrap>
        <Form.Item name="firstResponseMinutes" label={t('sla.pol.firstResponse')}>
          <InputNumber min={1} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="resolutionMinutes" label={t('sla.pol.resolution')}>
          <InputNumber min={1} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="warnAtPercent" label={t('sla.pol.warnAt')}>
          <InputNumber min={1} max={99} style={{ width: 160 }} />
        </Form.Item>
      </Flex>
      <Flex gap={12} wrap>
        <Form.Item name="level2AfterMinutes" label={t('sla.pol.level2')}>
          <InputNumber min={1} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="level3AfterMinutes" label={t('sla.pol.level3')}>
          <InputNumber min={1} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="position" label={t('sla.pol.position')}>
          <InputNumber min={0} style={{ width: 100 }} />
        </Form.Item>
        <Form.Item name="active" label={t('sla.pol.active')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Flex>
    </FormDialog>
  );
}

/** SLA 设置: business calendars (hours, holidays, 调休 days, 24×7) and the policies table. */
export function SlaSettingsPage() {
  const t = useT();
  const slaName = useSlaName();
  const { message } = App.useApp();
  const { can } = useAuth();
  const manage = can('ticket:manage');
  const calendars = useCalendars();
  const policies = usePolicies();
  const refresh = useRefreshSla();
  const [calendar, setCalendar] = useState<SlaCalendarView | 'new' | null>(null);
  const [policy, setPolicy] = useState<SlaPolicyView | 'new' | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/tickets/sla/calendars/${id}`),
    onSuccess: () => void refresh(),
    onError: (err) => message.error(errorMessage(err)),
  });
  const toggle = useMutation({
    mutationFn: (p: SlaPolicyView) => api.patch(`/api/v1/tickets/sla/policies/${p.id}`, { active: !p.active, version: p.version }),
    onSuccess: () => void refresh(),
    onError: (err) => message.error(errorMessage(err)),
  });
  const cond = (p: SlaPolicyView) =>
    [p.ticketType && t(`sla.type.${p.ticketType}`), p.priority && t(`sla.priority.${p.priority}`), p.customerTier && t(`sla.tier.${p.customerTier}`)].filter(Boolean) as string[];
  return (
    <>
      <PageHeader title={t('sla.settings.title')} />
      {calendars.error ? <ErrorAlert error={calendars.error} onRetry={() => void calendars.refetch()} /> : null}
      <Card
        title={t('sla.cal.title')}
        style={{ marginBottom: 16 }}
        extra={
          manage ? (
            <Button icon={<PlusOutlined />} onClick={() => setCalendar('new')}>
              {t('sla.cal.new')}
            </Button>
          ) : null
        }
      >
        <Table<SlaCalendarView>
          rowKey="id"
          size="small"
          loading={calendars.isLoading}
          dataSource={calendars.data ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          columns={[
            {
              title: t('sla.cal.name'),
              dataIndex: 'name',
              render: (name: string, c) => (
                <Space>
                  {slaName(name)}
                  {c.isDefault ? <Tag color="blue">{t('sla.cal.default')}</Tag> : null}
                  {c.alwaysOpen ? <Tag>{t('sla.cal.alwaysOpen')}</Tag> : null}
                </Space>
              ),
            },
            { title: t('sla.cal.timeZone'), dataIndex: 'timeZone' },
            {
              title: t('sla.cal.hours'),
              render: (_, c) =>
                c.alwaysOpen ? '—' : [...new Set(c.hours.map((h) => `${h.start}–${h.end}`))].join(', ') + ` (${c.hours.map((h) => t(`sla.weekday.${h.weekday as 1}`)).join(' ')})`,
            },
            { title: t('sla.cal.holidays'), render: (_, c) => (c.alwaysOpen ? '—' : t('sla.cal.daysSummary', { holidays: c.holidays.length, workdays: c.workdays.length })) },
            {
              title: '',
              width: 110,
              render: (_, c) =>
                manage ? (
                  <Space>
                    <Button size="small" icon={<EditOutlined />} aria-label={t('sla.cal.edit')} onClick={() => setCalendar(c)} data-testid="edit-calendar" />
                    {c.isDefault ? null : (
                      <Popconfirm title={t('sla.cal.deleteConfirm')} onConfirm={() => remove.mutate(c.id)}>
                        <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('sla.cal.delete')} />
                      </Popconfirm>
                    )}
                  </Space>
                ) : null,
            },
          ]}
        />
      </Card>
      <Card
        title={t('sla.pol.title')}
        extra={
          manage ? (
            <Button icon={<PlusOutlined />} onClick={() => setPolicy('new')}>
              {t('sla.pol.new')}
            </Button>
          ) : null
        }
      >
        <Typography.Paragraph type="secondary">{t('sla.pol.help')}</Typography.Paragraph>
        <Table<SlaPolicyView>
          rowKey="id"
          size="small"
          loading={policies.isLoading}
          dataSource={policies.data ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('sla.pol.name'), dataIndex: 'name', render: (name: string) => slaName(name) },
            {
              title: t('sla.pol.type'),
              render: (_, p) => {
                const c = cond(p);
                return c.length ? c.map((x) => <Tag key={x}>{x}</Tag>) : <Typography.Text type="secondary">{t('sla.pol.any')}</Typography.Text>;
              },
            },
            { title: t('sla.pol.calendar'), dataIndex: 'calendarName', render: (name: string) => slaName(name) },
            {
              title: t('sla.pol.targets'),
              render: (_, p) => t('sla.pol.targetsValue', { fr: minutesText(t, p.firstResponseMinutes), res: minutesText(t, p.resolutionMinutes) }),
            },
            { title: t('sla.pol.active'), render: (_, p) => <Switch size="small" checked={p.active} disabled={!manage} onChange={() => toggle.mutate(p)} /> },
            {
              title: '',
              width: 60,
              render: (_, p) => (manage ? <Button size="small" icon={<EditOutlined />} aria-label={t('sla.pol.edit')} onClick={() => setPolicy(p)} /> : null),
            },
          ]}
        />
      </Card>
      {/* Mounted per opening, so each dialog starts from its own values. */}
      {calendar ? <CalendarDialog key={calendar === 'new' ? 'new' : `${calendar.id}:${calendar.version}`} calendar={calendar} onClose={() => setCalendar(null)} /> : null}
      {policy ? <PolicyDialog key={policy === 'new' ? 'new' : `${policy.id}:${policy.version}`} policy={policy} calendars={calendars.data ?? []} onClose={() => setPolicy(null)} /> : null}
    </>
  );
}
