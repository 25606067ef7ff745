import { useState } from 'react';
import { App, Button, Empty, Flex, List, Space, Spin, Tag, Typography } from 'antd';
import { SendOutlined } from '@ant-design/icons';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert, LoadMoreFooter } from '../../platform/ui';
import { registerCustomerAction, registerCustomerTab, type CustomerActionContext, type CustomerView } from '../customers';
import { useCustomerMessages, useRefreshAfterSend } from './api';
import { MessageStatusTag } from './parts';
import { SendMessageDialog } from './SendMessageDialog';

/** 发送消息 in the customer page's header. */
function SendMessageButton({ customer, showTab }: CustomerActionContext) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const refresh = useRefreshAfterSend();
  const [open, setOpen] = useState(false);
  if (!can('customer:write')) return null;
  return (
    <>
      <Button icon={<SendOutlined />} onClick={() => setOpen(true)}>
        {t('msg.send.button')}
      </Button>
      <SendMessageDialog
        customer={customer}
        open={open}
        onClose={() => setOpen(false)}
        onSent={(m, note) => {
          if (m.status === 'suppressed') message.warning(note);
          else message.success(note);
          setOpen(false);
          refresh(customer.id);
          showTab('messages');
        }}
      />
    </>
  );
}

/** 消息 on the customer page: every message to the customer, whatever its status, newest first. */
function MessagesTab({ customer }: { customer: CustomerView }) {
  const t = useT();
  const messages = useCustomerMessages(customer.id);
  const items = messages.items;
  if (messages.isPending) {
    return (
      <Flex justify="center" style={{ padding: 24 }}>
        <Spin />
      </Flex>
    );
  }
  return (
    <div data-testid="customer-messages">
      <ErrorAlert error={messages.error} onRetry={() => void messages.refetch()} />
      {items.length ? (
        <List
          dataSource={items}
          renderItem={(m) => (
            <List.Item key={m.id} data-testid="customer-message">
              <div style={{ width: '100%' }}>
                <Space wrap size={8}>
                  <Typography.Text type="secondary">{formatDateTime(m.sentAt ?? m.createdAt)}</Typography.Text>
                  <Tag>{t(`msg.channel.${m.channel}`)}</Tag>
                  <MessageStatusTag m={m} />
                  {m.templateName ? <Typography.Text type="secondary">{m.templateName}</Typography.Text> : null}
                  <Typography.Text type="secondary">{m.recipient}</Typography.Text>
                </Space>
                {m.subject ? <div><Typography.Text strong>{m.subject}</Typography.Text></div> : null}
                <Typography.Paragraph style={{ margin: '2px 0 0', whiteSpace: 'pre-wrap' }} ellipsis={{ rows: 3, expandable: true }}>
                  {m.body}
                </Typography.Paragraph>
              </div>
            </List.Item>
          )}
        />
      ) : (
        <Empty description={t('msg.list.empty')} />
      )}
      <LoadMoreFooter shown={items.length ? t('msg.outbox.shown', { n: items.length }) : null} count={items.length} query={messages} />
    </div>
  );
}

// 消息 after 交易记录 (30); 发送消息 after 记录沟通 (10) in the header. Imported once for its effect by App.tsx.
registerCustomerTab({ key: 'messages', label: 'msg.tab', order: 40, render: (ctx) => <MessagesTab customer={ctx.customer} /> });
registerCustomerAction({ key: 'send-message', order: 20, render: (ctx) => <SendMessageButton {...ctx} /> });
