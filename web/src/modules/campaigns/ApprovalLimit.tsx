import { useState } from 'react';
import { App, Button, Form, InputNumber, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import type { CampaignSettings } from '../../../../src/modules/campaigns/campaigns.contract';
import { yuan } from './api';

const KEY = ['campaigns', 'settings'] as const;

/** 审批额度: budgets above it need a manager's approval; administrators (settings:manage) change it here. */
export function ApprovalLimit() {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const settings = useQuery({ queryKey: KEY, queryFn: ({ signal }) => api.get<CampaignSettings>('/api/v1/campaigns/settings', undefined, signal) });
  if (!settings.data) return null;
  return (
    <>
      <Typography.Text type="secondary" data-testid="approval-limit">
        {t('campaigns.approvalLimit', { amount: yuan(settings.data.approvalLimitFen) })}
      </Typography.Text>
      {can('settings:manage') ? (
        <Button type="link" size="small" onClick={() => setOpen(true)} data-testid="approval-limit-edit">
          {t('common.edit')}
        </Button>
      ) : null}
      {open ? (
        <FormDialog<{ yuan: number }, CampaignSettings>
          title={t('campaigns.approvalLimitTitle')}
          initialValues={{ yuan: settings.data.approvalLimitFen / 100 }}
          submit={(v) => api.patch<CampaignSettings>('/api/v1/campaigns/settings', { approvalLimitFen: Math.round(v.yuan * 100) })}
          onSaved={(saved) => {
            qc.setQueryData(KEY, saved);
            message.success(t('campaigns.approvalLimitSaved', { amount: yuan(saved.approvalLimitFen) }));
          }}
          errorFields={{ approvalLimitFen: 'yuan' }}
          onClose={() => setOpen(false)}
        >
          <Form.Item name="yuan" label={t('campaigns.approvalLimitLabel')} rules={[{ required: true, message: t('common.required', { field: t('campaigns.approvalLimitLabel') }) }]}>
            <InputNumber min={0} precision={2} style={{ width: 200 }} prefix="¥" data-testid="approval-limit-input" autoFocus />
          </Form.Item>
        </FormDialog>
      ) : null}
    </>
  );
}
