import { useState } from 'react';
import { App, Button } from 'antd';
import { PhoneOutlined } from '@ant-design/icons';
import { useAuth } from '../../platform/auth';
import { useT } from '../../platform/i18n';
import { registerCustomerAction, registerCustomerTab, type CustomerActionContext } from '../customers';
import { useRefreshAfterChange } from './api';
import { LogInteractionForm } from './LogInteractionForm';
import { TimelineTab } from './TimelineTab';

/** 记录沟通 in the customer page's header: one click opens the form, 保存 logs it and shows it atop the timeline. */
function LogInteractionButton({ customer, showTab }: CustomerActionContext) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const refresh = useRefreshAfterChange();
  const [open, setOpen] = useState(false);
  if (!can('customer:write')) return null;
  return (
    <>
      <Button icon={<PhoneOutlined />} onClick={() => setOpen(true)}>
        {t('interactions.log')}
      </Button>
      <LogInteractionForm
        customerId={customer.id}
        open={open}
        onClose={() => setOpen(false)}
        onSaved={() => {
          message.success(t('interactions.logged'));
          setOpen(false);
          refresh(customer.id);
          showTab('timeline');
        }}
      />
    </>
  );
}

// 时间线 right after 概况 (10), before 联系人 (20) and 交易记录 (30); 记录沟通 first among the header's buttons.
// Imported once for its effect by App.tsx.
registerCustomerTab({ key: 'timeline', label: 'interactions.tab', order: 15, render: (ctx) => <TimelineTab customer={ctx.customer} /> });
registerCustomerAction({ key: 'log-interaction', order: 10, render: (ctx) => <LogInteractionButton {...ctx} /> });
