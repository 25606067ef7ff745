import { Button, Form, Input, InputNumber, Select, Table, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { FormListFieldData } from 'antd';
import { useT } from '../../platform/i18n';
import type { EarnRule, TierDef } from './api';

/** ×100 integers (150) shown as multipliers or rates (1.5): the form keeps the API's value, so errors find their field. */
export const x100 = { getValueProps: (v: number | null | undefined) => ({ value: v == null ? null : v / 100 }), normalize: (v: number | null) => (v == null ? v : Math.round(v * 100)) };
/** An empty text input is null (a rule without a cut-off day). */
const emptyIsNull = (v: string | null | undefined) => (v ? v : null);

const cell = { style: { marginBottom: 0 } };

/** The tiers, lowest first, as an editable table (each cell a form field named like the API's: tiers.1.threshold). */
export function TiersTable({ disabled }: { disabled: boolean }) {
  const t = useT();
  return (
    <Form.List name="tiers">
      {(fields, { add, remove }) => (
        <>
          <Table<FormListFieldData>
            rowKey="key"
            size="small"
            pagination={false}
            dataSource={fields}
            scroll={{ x: 980 }}
            data-testid="loy-prog-tiers"
            columns={[
              { title: t('loy.prog.tier.key'), width: 110, render: (_, f) => <Form.Item {...cell} name={[f.name, 'key']} rules={[{ required: true }]}><Input maxLength={30} /></Form.Item> },
              { title: t('loy.prog.tier.name'), width: 130, render: (_, f) => <Form.Item {...cell} name={[f.name, 'name', 'zh']} rules={[{ required: true }]}><Input maxLength={30} /></Form.Item> },
              { title: t('loy.prog.tier.nameEn'), width: 120, render: (_, f) => <Form.Item {...cell} name={[f.name, 'name', 'en']}><Input maxLength={30} /></Form.Item> },
              {
                title: t('loy.prog.tier.threshold'),
                width: 120,
                render: (_, f) => (
                  <Form.Item {...cell} name={[f.name, 'threshold']} rules={[{ required: true }]}>
                    <InputNumber min={0} precision={0} style={{ width: '100%' }} aria-label={`${t('loy.prog.tier.threshold')} ${f.name + 1}`} />
                  </Form.Item>
                ),
              },
              {
                title: t('loy.prog.tier.keep'),
                width: 120,
                render: (_, f) => (
                  <Form.Item {...cell} name={[f.name, 'keepThreshold']} rules={[{ required: true }]}>
                    <InputNumber min={0} precision={0} style={{ width: '100%' }} />
                  </Form.Item>
                ),
              },
              {
                title: t('loy.prog.tier.multiplier'),
                width: 100,
                render: (_, f) => (
                  <Form.Item {...cell} name={[f.name, 'earnMultiplierX100']} rules={[{ required: true }]} {...x100}>
                    <InputNumber min={0} max={10} step={0.1} precision={2} style={{ width: '100%' }} />
                  </Form.Item>
                ),
              },
              { title: t('loy.prog.tier.benefits'), render: (_, f) => <Form.Item {...cell} name={[f.name, 'benefits', 'zh']}><Input maxLength={500} /></Form.Item> },
              {
                title: '',
                width: 48,
                render: (_, f) => <Button type="text" danger icon={<DeleteOutlined />} disabled={disabled || fields.length <= 1} onClick={() => remove(f.name)} aria-label={t('common.remove')} />,
              },
            ]}
          />
          {disabled ? null : (
            <Button
              type="dashed"
              icon={<PlusOutlined />}
              style={{ marginTop: 8 }}
              onClick={() => {
                const tier: TierDef = { key: `tier${fields.length + 1}`, name: { zh: '', en: '' }, threshold: 0, keepThreshold: 0, earnMultiplierX100: 100, benefits: { zh: '', en: '' } };
                add(tier);
              }}
            >
              {t('loy.prog.tier.add')}
            </Button>
          )}
          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
            {t('loy.prog.tiersHint')}
          </Typography.Paragraph>
        </>
      )}
    </Form.List>
  );
}

/** Earn rules by transaction type: points per yuan, optionally only up to a day of the season (heating fee paid early). */
export function EarnRulesTable({ disabled }: { disabled: boolean }) {
  const t = useT();
  return (
    <Form.List name="earnRules">
      {(fields, { add, remove }) => (
        <>
          <Table<FormListFieldData>
            rowKey="key"
            size="small"
            pagination={false}
            dataSource={fields}
            scroll={{ x: 900 }}
            data-testid="loy-prog-rules"
            columns={[
              { title: t('loy.prog.rule.id'), width: 150, render: (_, f) => <Form.Item {...cell} name={[f.name, 'id']} rules={[{ required: true }]}><Input maxLength={40} /></Form.Item> },
              { title: t('loy.prog.rule.name'), render: (_, f) => <Form.Item {...cell} name={[f.name, 'name', 'zh']} rules={[{ required: true }]}><Input maxLength={40} /></Form.Item> },
              { title: t('loy.prog.rule.nameEn'), width: 150, render: (_, f) => <Form.Item {...cell} name={[f.name, 'name', 'en']}><Input maxLength={40} /></Form.Item> },
              {
                title: t('loy.prog.rule.type'),
                width: 110,
                render: (_, f) => (
                  <Form.Item {...cell} name={[f.name, 'transactionType']}>
                    <Select options={(['payment', 'purchase'] as const).map((v) => ({ value: v, label: t(`loy.prog.rule.type.${v}`) }))} />
                  </Form.Item>
                ),
              },
              {
                title: t('loy.prog.rule.perYuan'),
                width: 110,
                render: (_, f) => (
                  <Form.Item {...cell} name={[f.name, 'pointsPerYuanX100']} rules={[{ required: true }]} {...x100}>
                    <InputNumber min={0} max={1000} step={0.5} precision={2} style={{ width: '100%' }} />
                  </Form.Item>
                ),
              },
              {
                title: t('loy.prog.rule.before'),
                width: 130,
                render: (_, f) => (
                  <Form.Item {...cell} name={[f.name, 'beforeMonthDay']} normalize={emptyIsNull}>
                    <Input maxLength={5} placeholder={t('loy.prog.rule.beforeHint')} />
                  </Form.Item>
                ),
              },
              { title: '', width: 48, render: (_, f) => <Button type="text" danger icon={<DeleteOutlined />} disabled={disabled} onClick={() => remove(f.name)} aria-label={t('common.remove')} /> },
            ]}
          />
          {disabled ? null : (
            <Button
              type="dashed"
              icon={<PlusOutlined />}
              style={{ marginTop: 8 }}
              onClick={() => {
                const rule: EarnRule = { id: `rule-${fields.length + 1}`, name: { zh: '', en: '' }, transactionType: 'purchase', pointsPerYuanX100: 100, beforeMonthDay: null };
                add(rule);
              }}
            >
              {t('loy.prog.rule.add')}
            </Button>
          )}
        </>
      )}
    </Form.List>
  );
}
