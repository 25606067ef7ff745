import { useMemo } from 'react';
import { Button, Card, Checkbox, Flex, Radio, Select, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined, SubnodeOutlined } from '@ant-design/icons';
import { displayCurrencySymbol } from '../../platform/format';
import { useT, type MessageKey, type Translate } from '../../platform/i18n';
import type { FieldMap, SegmentFieldItem } from './api';
import { defaultParams, newCondition, newGroup, shapeOf, type CondNode, type GroupNode, type RuleNode } from './model';
import { ParamsInput, ValueInput } from './ValueInput';

const GROUPS = ['customer', 'custom', 'purchase', 'analytics', 'service', 'segment', 'loyalty'];
export const groupLabel = (t: Translate, g: string) => (GROUPS.includes(g) ? t(`segments.group.${g}` as MessageKey) : g);

/** The field select's options: grouped by the field's group, in the server's order. */
function useFieldOptions(fields: SegmentFieldItem[]) {
  const t = useT();
  return useMemo(() => {
    const groups = new Map<string, { value: string; label: string }[]>();
    for (const f of fields) groups.set(f.group, [...(groups.get(f.group) ?? []), { value: f.key, label: f.label }]);
    return [...groups.entries()].map(([g, options]) => ({ label: groupLabel(t, g), title: groupLabel(t, g), options }));
  }, [fields, t]);
}

type Ctx = { fields: SegmentFieldItem[]; fieldMap: FieldMap; errors: Map<string, string[]>; onChange: (node: RuleNode) => void; onRemove: (id: string) => void };

function Errors({ messages }: { messages: string[] | undefined }) {
  if (!messages?.length) return null;
  return (
    <Typography.Text type="danger" role="alert" data-testid="cond-error" style={{ display: 'block', fontSize: 12 }}>
      {messages.join('；')}
    </Typography.Text>
  );
}

/** One condition: NOT, field (grouped), operator, value by type, params, remove. */
function ConditionRow({ node, ctx, removable }: { node: CondNode; ctx: Ctx; removable: boolean }) {
  const t = useT();
  const fieldOptions = useFieldOptions(ctx.fields);
  const field = node.field ? ctx.fieldMap.get(node.field) : undefined;
  const errors = ctx.errors.get(node.id);
  const chooseField = (key: string) => {
    const f = ctx.fieldMap.get(key);
    ctx.onChange({ ...node, field: key, op: f?.ops[0], value: undefined, params: f ? defaultParams(f) : {} });
  };
  const chooseOp = (op: string) => ctx.onChange({ ...node, op, value: shapeOf(op) === shapeOf(node.op) ? node.value : undefined });
  return (
    <div data-testid="cond-row" style={{ padding: '6px 0' }}>
      <Flex gap={4} align="start">
        <Flex gap={8} wrap align="center" style={{ flex: 1, minWidth: 0 }}>
          <Checkbox checked={node.not} onChange={(e) => ctx.onChange({ ...node, not: e.target.checked })}>
            {t('segments.builder.not')}
          </Checkbox>
          <Select
            style={{ minWidth: 180, flex: '1 1 180px' }}
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('segments.builder.field')}
            options={fieldOptions}
            value={node.field}
            onChange={chooseField}
            status={errors ? 'error' : undefined}
            aria-label={t('segments.builder.field')}
            data-testid="cond-field"
          />
          {field ? (
            <Select
              style={{ minWidth: 130, flex: '0 1 150px' }}
              options={field.ops.map((op) => ({ value: op, label: field.opLabels[op] ?? op }))}
              value={node.op}
              onChange={chooseOp}
              aria-label={t('segments.builder.op')}
              data-testid="cond-op"
            />
          ) : null}
          {field && node.op ? <ValueInput field={field} op={node.op} value={node.value} onChange={(value) => ctx.onChange({ ...node, value })} /> : null}
          {field ? <ParamsInput field={field} params={node.params} onChange={(params) => ctx.onChange({ ...node, params })} /> : null}
        </Flex>
        {removable ? <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('segments.builder.remove')} onClick={() => ctx.onRemove(node.id)} data-testid="cond-remove" /> : null}
      </Flex>
      <Errors messages={errors} />
    </div>
  );
}

/** A group: 全部满足 / 任一满足, NOT, its conditions and groups, add condition / add group, remove (not the root). */
export function GroupEditor({ node, ctx, depth = 0 }: { node: GroupNode; ctx: Ctx; depth?: number }) {
  const t = useT();
  const set = (children: RuleNode[]) => ctx.onChange({ ...node, children });
  return (
    <Card
      size="small"
      data-testid={depth === 0 ? 'rule-root' : 'rule-group'}
      style={{ background: depth % 2 ? '#fafafa' : undefined }}
      styles={{ body: { padding: 10 } }}
    >
      <Flex gap={8} wrap align="center" justify="space-between">
        <Flex gap={8} wrap align="center">
          <Radio.Group
            size="small"
            optionType="button"
            value={node.mode}
            onChange={(e) => ctx.onChange({ ...node, mode: e.target.value as 'all' | 'any' })}
            options={[
              { value: 'all', label: t('segments.builder.all') },
              { value: 'any', label: t('segments.builder.any') },
            ]}
            data-testid="group-mode"
          />
          <Checkbox checked={node.not} onChange={(e) => ctx.onChange({ ...node, not: e.target.checked })} data-testid="group-not">
            {t('segments.builder.not')}
          </Checkbox>
        </Flex>
        {depth > 0 ? <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('segments.builder.remove')} onClick={() => ctx.onRemove(node.id)} /> : null}
      </Flex>
      <Errors messages={ctx.errors.get(node.id)} />
      <div style={{ paddingLeft: depth < 4 ? 8 : 0, marginTop: 6 }}>
        {node.children.map((child) =>
          child.kind === 'cond' ? (
            <ConditionRow key={child.id} node={child} ctx={ctx} removable={node.children.length > 1 || depth > 0} />
          ) : (
            <div key={child.id} style={{ margin: '6px 0' }}>
              <GroupEditor node={child} ctx={ctx} depth={depth + 1} />
            </div>
          ),
        )}
      </div>
      <Flex gap={8} wrap style={{ marginTop: 6 }}>
        <Button size="small" icon={<PlusOutlined />} onClick={() => set([...node.children, newCondition()])} data-testid="add-condition">
          {t('segments.builder.addCondition')}
        </Button>
        {depth < 5 ? (
          <Button size="small" icon={<SubnodeOutlined />} onClick={() => set([...node.children, newGroup(node.mode === 'all' ? 'any' : 'all')])} data-testid="add-group">
            {t('segments.builder.addGroup')}
          </Button>
        ) : null}
      </Flex>
    </Card>
  );
}

/** A rule read aloud, for the segment page: 小区 等于 幸福小区 且 标签 含任一 重点. */
export function ruleText(node: RuleNode, fieldMap: FieldMap, t: Translate, choices: (v: unknown) => string = String): string {
  if (node.kind === 'group') {
    const sep = ` ${node.mode === 'all' ? t('segments.and') : t('segments.or')} `;
    const inner = node.children.map((c) => (c.kind === 'group' && c.children.length > 1 ? `(${ruleText(c, fieldMap, t, choices)})` : ruleText(c, fieldMap, t, choices))).join(sep);
    return node.not ? `${t('segments.builder.not')} (${inner})` : inner;
  }
  const f = node.field ? fieldMap.get(node.field) : undefined;
  const label = f?.label ?? node.field ?? '';
  const op = (node.op && f?.opLabels[node.op]) ?? node.op ?? '';
  const optionLabel = (v: unknown) => f?.options?.find((o) => o.value === v)?.label ?? (f?.type === 'money' && typeof v === 'number' ? `${displayCurrencySymbol()}${(v / 100).toFixed(2)}` : choices(v));
  const value = node.value === undefined ? '' : Array.isArray(node.value) ? node.value.map(optionLabel).join(node.op === 'between' ? ' ~ ' : t('sep.list')) : optionLabel(node.value);
  const params = Object.entries(node.params)
    .map(([k, v]) => `${k === 'days' ? t('segments.param.days') : k === 'type' ? t('segments.param.type') : k}: ${f?.params?.find((p) => p.name === k)?.options?.find((o) => o.value === v)?.label ?? String(v)}`)
    .join('，');
  const text = [label, op, value].filter(Boolean).join(' ') + (params ? `（${params}）` : '');
  return node.not ? `${t('segments.builder.not')} ${text}` : text;
}
