import { useEffect, useMemo, useState } from 'react';
import { App, AutoComplete, Button, Card, Checkbox, Col, Flex, Form, Input, InputNumber, Popconfirm, Row, Space, Switch, Table, Tag, Typography } from 'antd';
import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { useMutation } from '../../platform/forms';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import { txKeys, useProducts, type ProductInput, type ProductView } from './api';
import { fenToYuan, formatFen, yuanToFen } from './money';

type Values = { code: string; name: string; category?: string; price?: string | null; unit?: string; active: boolean };

const UNITS = ['次', '个', '台', '套', '米', '㎡', '月', '年'];

function ProductDialog({
  editing,
  categories,
  onClose,
  onSaved,
}: {
  editing: ProductView | 'new' | null;
  categories: string[];
  onClose: () => void;
  onSaved: (p: ProductView, created: boolean) => void;
}) {
  const t = useT();
  const submit = (v: Values) => {
    const body: ProductInput = {
      code: v.code.trim(),
      name: v.name.trim(),
      category: v.category?.trim() || null,
      priceFen: yuanToFen(v.price) ?? 0,
      unit: v.unit?.trim() || null,
      active: v.active,
    };
    return editing === 'new' || !editing ? api.post<ProductView>('/api/v1/products', body) : api.patch<ProductView>(`/api/v1/products/${editing.id}`, body);
  };
  const initial: Partial<Values> =
    editing && editing !== 'new'
      ? { code: editing.code, name: editing.name, category: editing.category ?? '', price: fenToYuan(editing.priceFen), unit: editing.unit ?? '', active: editing.active }
      : { active: true, price: '0.00' };
  const required = (field: string) => ({ required: true, whitespace: true, message: t('common.required', { field }) });

  return (
    <FormDialog<Values, ProductView>
      open={!!editing}
      title={editing === 'new' ? t('products.new') : t('products.edit')}
      initialValues={initial}
      submit={submit}
      onSaved={(p) => onSaved(p, editing === 'new')}
      errorFields={(f) => (f === 'priceFen' ? 'price' : f)}
      onClose={onClose}
    >
      <Row gutter={12}>
        <Col xs={24} sm={10}>
          <Form.Item name="code" label={t('products.code')} rules={[required(t('products.code'))]}>
            <Input maxLength={40} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={14}>
          <Form.Item name="name" label={t('products.name')} rules={[required(t('products.name'))]}>
            <Input maxLength={100} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="category" label={t('products.category')}>
            <AutoComplete options={categories.map((c) => ({ value: c }))} maxLength={50} filterOption={(input, o) => !!o?.value.toString().includes(input)} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={6}>
          <Form.Item
            name="price"
            label={t('products.priceYuan')}
            rules={[
              {
                validator: async (_, v: string | null | undefined) => {
                  if (v !== null && v !== undefined && v !== '' && yuanToFen(v) === null) throw new Error(t('transactions.invalidAmount'));
                },
              },
            ]}
          >
            <InputNumber<string> stringMode prefix="¥" min="0" precision={2} controls={false} inputMode="decimal" style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={12} sm={6}>
          <Form.Item name="unit" label={t('products.unit')}>
            <AutoComplete options={UNITS.map((u) => ({ value: u }))} maxLength={20} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="active" label={t('products.active')} valuePropName="checked">
        <Switch />
      </Form.Item>
    </FormDialog>
  );
}

/** 产品与服务: the catalogue transaction lines pick from. Everyone who reads customers sees it; product managers change it. */
export function ProductsPage() {
  const t = useT();
  const { can } = useAuth();
  const manage = can('product:manage');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [includeInactive, setIncludeInactive] = useState(false);
  const [editing, setEditing] = useState<ProductView | 'new' | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => setQ(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);
  const products = useProducts(q, includeInactive);
  const all = useProducts('', true);
  const categories = useMemo(() => [...new Set((all.data ?? []).map((p) => p.category).filter((c): c is string => !!c))].sort(), [all.data]);

  const retire = useMutation({
    mutationFn: (p: ProductView) => api.delete(`/api/v1/products/${p.id}`),
    onSuccess: () => {
      message.success(t('products.retired'));
      void qc.invalidateQueries({ queryKey: txKeys.products });
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  return (
    <>
      <PageHeader
        title={t('products.title')}
        extra={
          manage ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              {t('products.new')}
            </Button>
          ) : null
        }
      />
      <Typography.Paragraph type="secondary">{t('products.intro')}</Typography.Paragraph>
      <Card size="small">
        <Flex gap={12} wrap align="center" style={{ marginBottom: 12 }}>
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('products.search')}
            aria-label={t('products.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            style={{ maxWidth: 280 }}
          />
          <Checkbox checked={includeInactive} onChange={(e) => setIncludeInactive(e.target.checked)}>
            {t('products.showInactive')}
          </Checkbox>
        </Flex>
        <ErrorAlert error={products.error} onRetry={() => void products.refetch()} />
        <Table<ProductView>
          rowKey="id"
          size="middle"
          loading={products.isFetching}
          dataSource={products.data ?? []}
          pagination={(products.data?.length ?? 0) > 50 ? { pageSize: 50, showSizeChanger: false } : false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('products.empty') }}
          columns={[
            { title: t('products.code'), dataIndex: 'code', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
            { title: t('products.name'), dataIndex: 'name', render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
            { title: t('products.category'), dataIndex: 'category', render: (v: string | null) => v ?? t('common.none') },
            {
              title: t('products.price'),
              key: 'price',
              align: 'right',
              render: (_, p) => <span style={{ whiteSpace: 'nowrap' }}>{p.unit ? t('products.perUnit', { price: formatFen(p.priceFen), unit: p.unit }) : formatFen(p.priceFen)}</span>,
            },
            {
              title: t('products.status'),
              dataIndex: 'active',
              render: (v: boolean) => (v ? <Tag color="green">{t('products.status.active')}</Tag> : <Tag>{t('products.status.inactive')}</Tag>),
            },
            ...(manage
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, p: ProductView) => (
                      <Space size={4}>
                        <Button size="small" onClick={() => setEditing(p)}>
                          {t('common.edit')}
                        </Button>
                        <Popconfirm
                          title={t('products.retireConfirm', { name: p.name })}
                          okText={t('products.retire')}
                          okButtonProps={{ danger: true }}
                          cancelText={t('common.cancel')}
                          onConfirm={() => retire.mutate(p)}
                        >
                          <Button size="small" danger>
                            {t('products.retire')}
                          </Button>
                        </Popconfirm>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      {manage ? (
        <ProductDialog
          editing={editing}
          categories={categories}
          onClose={() => setEditing(null)}
          onSaved={(_, created) => {
            message.success(created ? t('products.created') : t('common.saved'));
            setEditing(null);
            void qc.invalidateQueries({ queryKey: txKeys.products });
          }}
        />
      ) : null}
    </>
  );
}
