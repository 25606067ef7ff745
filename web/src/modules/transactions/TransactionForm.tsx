import { useMemo } from 'react';
import { Alert, AutoComplete, Button, Col, DatePicker, Flex, Form, Input, InputNumber, Radio, Row, Select, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../../platform/api';
import { inZone, startOfDayIso } from '../../platform/format';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { TRANSACTION_TYPES, useProducts, type CreateTransaction, type ProductView, type TransactionType, type TransactionView } from './api';
import { fenToYuan, formatFen, lineAmountFen, yuanToFen } from './money';

type LineValues = { productId?: string; quantity?: number | null; unitPrice?: string | null };
type Values = {
  type: TransactionType;
  date: Dayjs;
  channel?: string;
  externalId?: string;
  heatingSeason?: string;
  billedAreaM2?: number | null;
  lines?: LineValues[];
  amount?: string | null;
  notes?: string;
  couponCode?: string;
};

const nowInZone = () => inZone(new Date().toISOString());

/** Heating seasons run across the new year (2024-2025); the current one starts in the autumn. */
function seasons(): string[] {
  const now = nowInZone();
  const start = now.month() >= 6 ? now.year() : now.year() - 1;
  return Array.from({ length: 7 }, (_, i) => start + 1 - i).map((y) => `${y}-${y + 1}`);
}

/**
 * The moment sent for the chosen day: now when it is today (so entries of one day keep the order they were made in),
 * otherwise the start of that day in the company's time zone.
 */
function occurredAt(day: Dayjs): string {
  const now = nowInZone();
  return day.format('YYYY-MM-DD') === now.format('YYYY-MM-DD') ? now.format('YYYY-MM-DDTHH:mm:ss.SSSZ') : startOfDayIso(day);
}

/** The server's field names → this form's (amounts are entered in yuan; a line's description comes from its product). */
function formField(field: string): string {
  if (field === 'amountFen') return 'amount';
  if (field === 'occurredAt') return 'date';
  const line = /^lines\.(\d+)\.(\w+)/.exec(field);
  if (line) {
    const [, i, f] = line;
    if (f === 'unitPriceFen') return `lines.${i}.unitPrice`;
    if (f === 'quantity') return `lines.${i}.quantity`;
    return `lines.${i}.productId`;
  }
  return field;
}

const productLabel = (p: ProductView) => `${p.code} ${p.name}`;

/** POST the entered transaction: amounts in fen, the day as a moment, season and area only for a payment. */
function createTransaction(customerId: string, v: Values) {
  const body: CreateTransaction = {
    type: v.type,
    occurredAt: occurredAt(v.date),
    channel: v.channel?.trim() || null,
    externalId: v.externalId?.trim() || null,
    notes: v.notes?.trim() || null,
    lines: (v.lines ?? []).map((l) => ({ productId: l.productId ?? null, quantity: l.quantity ?? 1, unitPriceFen: yuanToFen(l.unitPrice) ?? undefined })),
  };
  const amount = yuanToFen(v.amount);
  if (amount !== null) body.amountFen = amount;
  const couponCode = v.couponCode?.trim();
  if (v.type === 'purchase' && couponCode) body.couponCode = couponCode;
  if (v.type === 'payment') {
    body.heatingSeason = v.heatingSeason || null;
    body.billedAreaM2 = v.billedAreaM2 ?? null;
  }
  return api.post<TransactionView>(`/api/v1/customers/${customerId}/transactions`, body);
}

/** The transaction's type, date, channel, external id and, for a payment, heating season and billed area. */
function HeaderFields({ type, seasonOptions, today }: { type: TransactionType; seasonOptions: string[]; today: string }) {
  const t = useT();
  const channels = t('transactions.channelOptions').split(',');
  return (
    <Row gutter={12}>
      <Col xs={24} sm={12}>
        <Form.Item name="type" label={t('transactions.type')}>
          <Radio.Group optionType="button" buttonStyle="solid" options={TRANSACTION_TYPES.map((v) => ({ value: v, label: t(`transactions.type.${v}`) }))} />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="date" label={t('transactions.date')} rules={[{ required: true, message: t('common.required', { field: t('transactions.date') }) }]}>
          <DatePicker style={{ width: '100%' }} allowClear={false} disabledDate={(d) => d.format('YYYY-MM-DD') > today || d.isBefore(dayjs('1900-01-01'))} />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="channel" label={t('transactions.channel')}>
          <AutoComplete
            options={channels.map((c) => ({ value: c }))}
            placeholder={t('transactions.channelPlaceholder')}
            maxLength={50}
            filterOption={(input, option) => !!option?.value.toString().includes(input)}
          />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="externalId" label={t('transactions.externalId')} tooltip={t('transactions.externalIdHint')}>
          <Input maxLength={100} />
        </Form.Item>
      </Col>
      {type === 'payment' ? (
        <>
          <Col xs={24} sm={12}>
            <Form.Item name="heatingSeason" label={t('transactions.heatingSeason')}>
              <Select allowClear options={seasonOptions.map((s) => ({ value: s, label: s }))} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="billedAreaM2" label={t('transactions.billedArea')}>
              <InputNumber<number> style={{ width: '100%' }} min={0} max={1_000_000} precision={2} inputMode="decimal" />
            </Form.Item>
          </Col>
        </>
      ) : null}
    </Row>
  );
}

/** 新增交易: type, date, channel, heating season and area (payments), catalogue lines or a plain amount, notes. */
export function TransactionForm({ customerId, open, onClose, onSaved }: { customerId: string; open: boolean; onClose: () => void; onSaved: (t: TransactionView) => void }) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const products = useProducts();
  const catalogue = useMemo(() => products.data ?? [], [products.data]);
  const type = Form.useWatch('type', form) ?? 'purchase';
  const lines = Form.useWatch('lines', form) ?? [];
  const seasonOptions = useMemo(() => seasons(), []);

  const lineTotals = lines.map((l) => {
    const price = yuanToFen(l?.unitPrice);
    return l?.quantity && price !== null ? lineAmountFen(l.quantity, price) : null;
  });
  const linesTotal = lineTotals.reduce<number>((s, v) => s + (v ?? 0), 0);
  const hasLines = lines.length > 0;

  const pickProduct = (index: number, id: string | undefined) => {
    const p = catalogue.find((x) => x.id === id);
    if (!p) return;
    form.setFieldValue(['lines', index, 'unitPrice'], fenToYuan(p.priceFen));
    if (!form.getFieldValue(['lines', index, 'quantity'])) form.setFieldValue(['lines', index, 'quantity'], 1);
  };

  const amountRule = {
    validator: async (_: unknown, value: string | null | undefined) => {
      if (value === null || value === undefined || value === '') {
        if (!form.getFieldValue('lines')?.length) throw new Error(t('transactions.amountRequired'));
        return;
      }
      if (yuanToFen(value) === null) throw new Error(t('transactions.invalidAmount'));
    },
  };
  const today = nowInZone().format('YYYY-MM-DD');

  return (
    <FormDialog<Values, TransactionView>
      open={open}
      title={t('transactions.recordTitle')}
      width={780}
      form={form}
      initialValues={{ type: 'purchase', date: dayjs(today), heatingSeason: seasonOptions[1], lines: [] }}
      formProps={{ 'data-testid': 'transaction-form' }}
      submit={(v) => createTransaction(customerId, v)}
      onSaved={onSaved}
      errorFields={formField}
      onClose={onClose}
    >
      <HeaderFields type={type} seasonOptions={seasonOptions} today={today} />

      <Typography.Text strong>{t('transactions.lines')}</Typography.Text>
      {!catalogue.length && !products.isPending ? (
        <Alert type="info" showIcon title={t('transactions.noProducts')} style={{ margin: '8px 0' }} />
      ) : null}
      <Form.List name="lines">
        {(fields, { add, remove }) => (
          <div style={{ marginTop: 8 }}>
            {fields.map((field, index) => (
              <Flex key={field.key} gap={8} wrap align="start" data-testid="line" style={{ marginBottom: 4 }}>
                <Form.Item
                  name={[field.name, 'productId']}
                  rules={[{ required: true, message: t('common.required', { field: t('transactions.product') }) }]}
                  style={{ flex: '1 1 220px', minWidth: 0, marginBottom: 8 }}
                >
                  <Select
                    aria-label={`${t('transactions.product')} ${index + 1}`}
                    placeholder={t('transactions.productPlaceholder')}
                    showSearch={{ optionFilterProp: 'label' }}
                    loading={products.isPending}
                    options={catalogue.map((p) => ({ value: p.id, label: productLabel(p) }))}
                    onChange={(id: string) => pickProduct(field.name, id)}
                  />
                </Form.Item>
                <Form.Item
                  name={[field.name, 'quantity']}
                  rules={[{ required: true, message: t('common.required', { field: t('transactions.quantity') }) }]}
                  style={{ width: 96, marginBottom: 8 }}
                >
                  <InputNumber<number> aria-label={`${t('transactions.quantity')} ${index + 1}`} placeholder={t('transactions.quantity')} min={0.001} max={1_000_000} step={1} style={{ width: '100%' }} />
                </Form.Item>
                <Form.Item
                  name={[field.name, 'unitPrice']}
                  rules={[{ required: true, message: t('common.required', { field: t('transactions.unitPrice') }) }]}
                  style={{ width: 130, marginBottom: 8 }}
                >
                  <InputNumber<string>
                    stringMode
                    aria-label={`${t('transactions.unitPrice')} ${index + 1}`}
                    placeholder={t('transactions.unitPrice')}
                    prefix="¥"
                    min="0"
                    precision={2}
                    controls={false}
                    inputMode="decimal"
                    style={{ width: '100%' }}
                  />
                </Form.Item>
                <Flex align="center" justify="end" style={{ minWidth: 100, height: 32 }}>
                  <Typography.Text data-testid="line-total" aria-label={`${t('transactions.lineTotal')} ${index + 1}`}>
                    {formatFen(lineTotals[index] ?? null)}
                  </Typography.Text>
                </Flex>
                <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('transactions.removeLine')} onClick={() => remove(field.name)} />
              </Flex>
            ))}
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ quantity: 1 })} disabled={!catalogue.length} style={{ marginBottom: 12 }}>
              {t('transactions.addLine')}
            </Button>
            {fields.length ? (
              <Flex justify="end" style={{ marginBottom: 12 }}>
                <Typography.Text strong>
                  {t('transactions.linesTotal')}: <span data-testid="lines-total">{formatFen(linesTotal)}</span>
                </Typography.Text>
              </Flex>
            ) : null}
          </div>
        )}
      </Form.List>

      <Row gutter={12}>
        <Col xs={24} sm={12}>
          <Form.Item
            name="amount"
            label={hasLines ? t('transactions.amountWithLines') : t('transactions.amountYuan')}
            extra={hasLines ? t('transactions.amountWithLinesHint', { total: formatFen(linesTotal) }) : undefined}
            required={!hasLines}
            rules={[amountRule]}
            dependencies={['lines']}
          >
            <InputNumber<string> stringMode prefix="¥" min="0" precision={2} controls={false} inputMode="decimal" style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        {type === 'purchase' ? (
          <Col xs={24} sm={12}>
            <Form.Item name="couponCode" label={t('transactions.couponCode')} tooltip={t('transactions.couponCodeHint')}>
              <Input maxLength={40} allowClear autoComplete="off" data-testid="coupon-code" />
            </Form.Item>
          </Col>
        ) : null}
      </Row>
      <Form.Item name="notes" label={t('transactions.notes')}>
        <Input.TextArea rows={2} maxLength={2000} />
      </Form.Item>
    </FormDialog>
  );
}
