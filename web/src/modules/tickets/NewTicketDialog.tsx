import { useNavigate } from 'react-router';
import { App, Form, Input, Radio, Select } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { FormDialog } from '../../platform/FormDialog';
import { useI18n, useT } from '../../platform/i18n';
import { TICKET_LIMITS, TICKET_PRIORITIES, TICKET_SEVERITIES, TICKET_TYPES, ticketKeys, useTicketCategories, type TicketDetail } from './api';
import { categoryOptions } from './parts';

type Values = {
  title: string;
  type: string;
  categoryId?: string;
  priority: string;
  severity: string;
  description?: string;
  source: 'agent' | 'call';
  contactName?: string;
  contactPhone?: string;
  contactAddress?: string;
};

/** 新建工单: from the queue (a call, no customer yet) or from the customer's 360 page (customer fixed). */
export function NewTicketDialog({ open, onClose, customer }: { open: boolean; onClose: () => void; customer?: { id: string; name: string } }) {
  const t = useT();
  const { lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const categories = useTicketCategories(open);
  return (
    <FormDialog
      open={open}
      title={customer ? `${t('tk.new')} · ${customer.name}` : t('tk.new')}
      okText={t('tk.ok')}
      cancelText={t('tk.cancel')}
      initialValues={{ type: 'complaint', priority: 'normal', severity: 'minor', source: 'agent' }}
      formProps={{ 'data-testid': 'new-ticket-form' }}
      submit={(v: Values) => api.post<TicketDetail>('/api/v1/tickets', { ...v, description: v.description ?? '', customerId: customer?.id ?? null })}
      onSaved={(tk) => {
        message.success(t('tk.created'));
        void qc.invalidateQueries({ queryKey: ticketKeys.all });
        void navigate(`/tickets/${tk.id}`);
      }}
      onClose={onClose}
    >
      <Form.Item name="type" label={t('tk.field.type')} rules={[{ required: true }]}>
        <Radio.Group optionType="button" options={TICKET_TYPES.map((x) => ({ value: x, label: t(`tk.type.${x}`) }))} />
      </Form.Item>
      <Form.Item name="categoryId" label={t('tk.field.category')}>
        <Select allowClear options={categoryOptions(categories.data ?? [], lang)} />
      </Form.Item>
      <Form.Item name="title" label={t('tk.field.title')} rules={[{ required: true, whitespace: true }, { max: TICKET_LIMITS.title }]}>
        <Input maxLength={TICKET_LIMITS.title} showCount />
      </Form.Item>
      <Form.Item name="description" label={t('tk.field.description')} rules={[{ max: TICKET_LIMITS.description }]}>
        <Input.TextArea rows={4} maxLength={TICKET_LIMITS.description} />
      </Form.Item>
      <Form.Item name="priority" label={t('tk.field.priority')}>
        <Radio.Group optionType="button" options={TICKET_PRIORITIES.map((x) => ({ value: x, label: t(`tk.priority.${x}`) }))} />
      </Form.Item>
      <Form.Item name="severity" label={t('tk.field.severity')}>
        <Radio.Group optionType="button" options={TICKET_SEVERITIES.map((x) => ({ value: x, label: t(`tk.severity.${x}`) }))} />
      </Form.Item>
      <Form.Item name="source" label={t('tk.field.source')}>
        <Radio.Group options={(['agent', 'call'] as const).map((x) => ({ value: x, label: t(`tk.source.${x}`) }))} />
      </Form.Item>
      {customer ? null : (
        <>
          <Form.Item name="contactName" label={t('tk.field.contactName')}>
            <Input maxLength={TICKET_LIMITS.name} />
          </Form.Item>
          <Form.Item name="contactPhone" label={t('tk.field.contactPhone')}>
            <Input maxLength={30} inputMode="tel" />
          </Form.Item>
          <Form.Item name="contactAddress" label={t('tk.field.contactAddress')}>
            <Input maxLength={TICKET_LIMITS.address} />
          </Form.Item>
        </>
      )}
    </FormDialog>
  );
}
