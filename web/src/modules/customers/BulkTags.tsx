import { useState } from 'react';
import { App, Button, Flex, Form, Select, Space, Tag, Typography } from 'antd';
import { CloseOutlined, TagsOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { customerKeys, type CustomerView } from './api';
import { AddToListDialog } from './BulkSegment';
import { Swatch, TAG_MAX, useTagRegistry } from './tags';

type Mode = 'add' | 'remove';
type BulkResult = { matched: number; changed: number; notFound: string[] };

/** Adds tags to, or removes them from, the selected customers (POST /api/v1/customers/bulk/tags). */
function BulkTagDialog({ mode, customers, onClose, onDone }: { mode: Mode; customers: CustomerView[]; onClose: () => void; onDone: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const registry = useTagRegistry();
  const colorOf = (name: string) => registry.data?.find((x) => x.name === name)?.color ?? null;

  // Adding: any registered or used tag, or a new one. Removing: the tags the selected customers carry.
  const names =
    mode === 'add'
      ? (registry.data ?? []).map((x) => x.name)
      : [...new Set(customers.flatMap((c) => c.tags))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
  const options = names.map((name) => ({
    value: name,
    title: name,
    label: (
      <Space size={6}>
        <Swatch color={colorOf(name)} size={10} />
        {name}
      </Space>
    ),
  }));

  const chosen = (v: { tags: string[] }) => [...new Set(v.tags.map((x) => x.trim()).filter(Boolean))];
  const submit = (v: { tags: string[] }) => {
    const tags = chosen(v);
    return api.post<BulkResult>('/api/v1/customers/bulk/tags', { ids: customers.map((c) => c.id), add: mode === 'add' ? tags : [], remove: mode === 'remove' ? tags : [] });
  };
  const saved = (r: BulkResult, v: { tags: string[] }) => {
    const tags = chosen(v);
    const list = tags.map((x) => `「${x}」`).join('');
    const notes = [
      r.matched > r.changed ? t('tags.bulk.unchanged', { n: r.matched - r.changed }) : '',
      r.notFound.length ? t('tags.bulk.notFound', { n: r.notFound.length }) : '',
    ].filter(Boolean);
    const text = t(mode === 'add' ? 'tags.bulk.added' : 'tags.bulk.removed', { n: r.changed, tags: list });
    const content = <span data-testid="bulk-result">{[text, ...notes].join(t('sep.semicolon'))}</span>;
    if (r.notFound.length) message.warning(content, 6);
    else message.success(content, 5);
    void qc.invalidateQueries({ queryKey: customerKeys.all });
    onDone();
  };

  return (
    <FormDialog
      title={t(mode === 'add' ? 'tags.bulk.addTitle' : 'tags.bulk.removeTitle', { n: customers.length })}
      okText={t('common.confirm')}
      okButtonProps={{ danger: mode === 'remove' }}
      submit={submit}
      onSaved={saved}
      errorFields={(f) => (f === 'add' || f === 'remove' || /^(add|remove)\./.test(f) ? 'tags' : f)}
      onClose={onClose}
    >
      <Form.Item
        name="tags"
        label={t('tags.bulk.tags')}
        extra={t(mode === 'add' ? 'tags.bulk.addHint' : 'tags.bulk.removeHint')}
        rules={[
          { required: true, type: 'array', min: 1, message: t('common.required', { field: t('tags.bulk.tags') }) },
          {
            validator: async (_, v?: string[]) => {
              const long = (v ?? []).find((x) => x.trim().length > TAG_MAX);
              if (long) throw new Error(t('tags.bulk.tooLong', { name: long, max: TAG_MAX }));
            },
          },
        ]}
      >
        <Select
          mode={mode === 'add' ? 'tags' : 'multiple'}
          aria-label={t('tags.bulk.tags')}
          options={options}
          maxCount={20}
          tokenSeparators={[',', '，']}
          optionFilterProp="value"
          autoFocus
          tagRender={({ value, closable, onClose: close }) => {
            const color = colorOf(String(value));
            return (
              <Tag color={color ?? undefined} closable={closable} onClose={close} data-testid="bulk-chosen" data-color={color ?? ''} style={{ marginInlineEnd: 4 }}>
                {String(value)}
              </Tag>
            );
          }}
        />
      </Form.Item>
    </FormDialog>
  );
}

/**
 * The bar above the customer list while customers are selected: how many, add tags, remove tags (customer:write or
 * tag:manage), add to a static list (segment:manage), clear.
 */
export function BulkTagBar({ selected, onClear, canTag = true, canList = false }: { selected: CustomerView[]; onClear: () => void; canTag?: boolean; canList?: boolean }) {
  const t = useT();
  const [mode, setMode] = useState<Mode | 'list' | null>(null);
  if (!selected.length && !mode) return null;
  const done = () => {
    setMode(null);
    onClear();
  };
  return (
    <>
      {selected.length ? (
        <Flex gap={8} wrap align="center" data-testid="bulk-bar" style={{ marginBottom: 12 }}>
          <Typography.Text strong>{t('tags.bulk.selected', { n: selected.length })}</Typography.Text>
          {canTag ? (
            <>
              <Button type="primary" icon={<TagsOutlined />} onClick={() => setMode('add')}>
                {t('tags.bulk.add')}
              </Button>
              <Button icon={<CloseOutlined />} onClick={() => setMode('remove')}>
                {t('tags.bulk.remove')}
              </Button>
            </>
          ) : null}
          {canList ? (
            <Button icon={<UnorderedListOutlined />} onClick={() => setMode('list')}>
              {t('customers.toList.action')}
            </Button>
          ) : null}
          <Button type="link" onClick={onClear}>
            {t('tags.bulk.clear')}
          </Button>
        </Flex>
      ) : null}
      {mode === 'list' ? <AddToListDialog customers={selected} onClose={() => setMode(null)} onDone={done} /> : null}
      {mode === 'add' || mode === 'remove' ? <BulkTagDialog mode={mode} customers={selected} onClose={() => setMode(null)} onDone={done} /> : null}
    </>
  );
}
