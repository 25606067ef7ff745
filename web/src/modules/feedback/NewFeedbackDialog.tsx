import { App, Form, Input, TreeSelect } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { FormDialog } from '../../platform/FormDialog';
import { useI18n, useT } from '../../platform/i18n';
import { CustomerPicker } from '../customers';
import { FEEDBACK_LIMITS as L, feedbackKeys, useFeedbackCategories, type FeedbackItemView } from './api';
import { categoryTree } from './parts';

type Values = { customerId?: string | null; text: string; categoryId?: string; contactName?: string; contactPhone?: string };

/** 登记反馈: what a customer said on the phone or at the counter, with the customer and, when known, the category. */
export function NewFeedbackDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated?: (item: FeedbackItemView) => void }) {
  const t = useT();
  const { lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const categories = useFeedbackCategories(open);
  return (
    <FormDialog<Values, FeedbackItemView>
      open={open}
      title={t('fb.new')}
      formProps={{ 'data-testid': 'fb-new-form' }}
      submit={(v) =>
        api.post<FeedbackItemView>('/api/v1/feedback', {
          text: v.text,
          customerId: v.customerId ?? null,
          categoryId: v.categoryId ?? null,
          contactName: v.contactName || undefined,
          contactPhone: v.contactPhone || undefined,
        })
      }
      onSaved={(item) => {
        message.success(t('fb.created', { number: item.number }));
        void qc.invalidateQueries({ queryKey: feedbackKeys.all });
        onCreated?.(item);
      }}
      onClose={onClose}
    >
      <Form.Item name="customerId" label={t('fb.form.customer')}>
        <CustomerPicker placeholder={t('fb.form.customerPlaceholder')} testId="fb-new-customer" />
      </Form.Item>
      <Form.Item name="text" label={t('fb.form.text')} rules={[{ required: true, whitespace: true }, { min: L.textMin }, { max: L.text }]}>
        <Input.TextArea rows={4} maxLength={L.text} showCount data-testid="fb-new-text" />
      </Form.Item>
      <Form.Item name="categoryId" label={t('fb.form.category')} extra={t('fb.form.categoryHint')}>
        <TreeSelect allowClear treeDefaultExpandAll treeData={categoryTree(categories.data ?? [], lang)} />
      </Form.Item>
      <Form.Item name="contactName" label={t('fb.form.contactName')} rules={[{ max: L.name }]}>
        <Input maxLength={L.name} />
      </Form.Item>
      <Form.Item name="contactPhone" label={t('fb.form.contactPhone')}>
        <Input maxLength={30} inputMode="tel" />
      </Form.Item>
    </FormDialog>
  );
}
