import { useState } from 'react';
import { App, Button, Card, Empty, Flex, List, Modal, Spin, Typography } from 'antd';
import { BookOutlined, EnterOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ArticleBody } from './ArticleBody';
import { KB_LIMITS, useKbSuggestions, type KbSuggestion } from './api';
import { useDebounced } from '../../platform/useDebounced';

/** The text settles for this long before suggestions are asked for (typing does not fire a request per key). */
const DEBOUNCE_MS = 400;

/**
 * An article's Markdown as the text of a reply to a customer (SMS, WeChat, a public page): heading marks, emphasis
 * and code marks dropped, links as "text (address)", lists and line breaks kept.
 */
export function replyText(markdown: string): string {
  return markdown
    .replace(/\r\n/g, '\n')
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/\[([^\]]*)\]\(([^)]*)\)/g, '$1（$2）')
    .replace(/(\*\*|__|`)/g, '')
    .replace(/^\s{0,3}[-*+]\s+/gm, '· ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Knowledge-base articles suggested for a text (a ticket's subject and description): each with 「插入回复」, which
 * counts the use on the server and hands the article's text (Markdown marks removed, see replyText) to `onInsert`. Reusable: the ticket page embeds it.
 */
export function KbSuggestions({ text, onInsert, limit = 5 }: { text: string; onInsert: (body: string) => void; limit?: number }) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const settled = useDebounced(text.trim().slice(0, KB_LIMITS.suggestionText), DEBOUNCE_MS);
  // The whole text (up to the server's 5,000 characters), posted: a long description's point may come at its end.
  const suggestions = useKbSuggestions(settled, limit);
  const [reading, setReading] = useState<KbSuggestion | null>(null);
  const use = useMutation({
    mutationFn: (s: KbSuggestion) => api.post<{ useCount: number }>(`/api/v1/kb/articles/${s.id}/uses`),
    onSuccess: (_, s) => {
      onInsert(replyText(s.body));
      message.success(t('kb.suggest.inserted'));
      void qc.invalidateQueries({ queryKey: ['kb', 'articles'] });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const items = suggestions.data ?? [];
  return (
    <Card size="small" title={<><BookOutlined /> {t('kb.suggest.title')}</>} data-testid="kb-suggestions">
      {suggestions.isFetching && !items.length ? (
        <Flex justify="center">
          <Spin size="small" />
        </Flex>
      ) : !items.length ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('kb.suggest.none')} />
      ) : (
        <List
          size="small"
          dataSource={items}
          renderItem={(s) => (
            <List.Item
              data-testid="kb-suggestion"
              actions={[
                <Button key="insert" size="small" type="primary" ghost icon={<EnterOutlined />} loading={use.isPending && use.variables?.id === s.id} onClick={() => use.mutate(s)}>
                  {t('kb.suggest.insert')}
                </Button>,
              ]}
            >
              <List.Item.Meta
                title={
                  <Typography.Link onClick={() => setReading(s)} title={t('kb.suggest.view')}>
                    {s.title}
                  </Typography.Link>
                }
                description={<Typography.Text type="secondary" ellipsis={{ tooltip: s.snippet }}>{s.snippet}</Typography.Text>}
              />
            </List.Item>
          )}
        />
      )}
      <Modal
        open={!!reading}
        title={reading?.title}
        onCancel={() => setReading(null)}
        okText={t('kb.suggest.insert')}
        onOk={() => {
          if (reading) use.mutate(reading);
          setReading(null);
        }}
        cancelText={t('kb.cancel')}
      >
        {reading ? <ArticleBody body={reading.body} format="markdown" /> : null}
      </Modal>
    </Card>
  );
}
