import { useState } from 'react';
import { Link } from 'react-router';
import { App, Button, Form, Select, Space, Tag, Typography } from 'antd';
import { EditOutlined } from '@ant-design/icons';
import { api } from '../../platform/api';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { TICKET_LIMITS, useTicketAction, useTicketTags, type TicketDetail } from './api';

/** A ticket's tags as chips; each opens the queue filtered by it. */
export function TagList({ tags }: { tags: string[] }) {
  return (
    <Space size={[0, 4]} wrap>
      {tags.map((x) => (
        <Tag key={x} data-testid="ticket-tag" style={{ marginInlineEnd: 4 }}>
          <Link to={`/tickets?status=all&tag=${encodeURIComponent(x)}`}>{x}</Link>
        </Tag>
      ))}
    </Space>
  );
}

/** 标签 on the ticket page: the chips and, for those who may change the ticket, 编辑标签 (the whole list, with its version). */
export function TicketTags({ ticket, write }: { ticket: TicketDetail; write: boolean }) {
  const t = useT();
  const { message } = App.useApp();
  const [editing, setEditing] = useState(false);
  const known = useTicketTags();
  const save = useTicketAction(ticket.id, (tags: string[]) => api.patch<TicketDetail>(`/api/v1/tickets/${ticket.id}`, { tags, version: ticket.version }));
  return (
    <Space wrap size={4} data-testid="ticket-tags">
      {ticket.tags.length ? <TagList tags={ticket.tags} /> : <Typography.Text type="secondary">{t('tk.tags.none')}</Typography.Text>}
      {write ? (
        <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="ticket-tags-edit">
          {t('tk.tags.edit')}
        </Button>
      ) : null}
      <FormDialog<{ tags: string[] }, TicketDetail>
        open={editing}
        title={t('tk.tags.edit')}
        cancelText={t('tk.cancel')}
        initialValues={{ tags: ticket.tags }}
        submit={(v) => save.mutateAsync([...new Set((v.tags ?? []).map((x) => x.trim()).filter(Boolean))])}
        onSaved={() => {
          message.success(t('tk.tags.saved'));
        }}
        errorFields={(f) => (f.startsWith('tags') ? 'tags' : f)}
        onClose={() => setEditing(false)}
        formProps={{ 'data-testid': 'ticket-tags-form' }}
      >
        <Form.Item name="tags" label={t('tk.field.tags')} extra={t('tk.tags.hint', { max: TICKET_LIMITS.tags })}>
          <Select
            mode="tags"
            aria-label={t('tk.field.tags')}
            autoFocus
            maxCount={TICKET_LIMITS.tags}
            tokenSeparators={[',', '，']}
            options={(known.data ?? []).map((x) => ({ value: x.tag, label: x.tag }))}
          />
        </Form.Item>
      </FormDialog>
    </Space>
  );
}
