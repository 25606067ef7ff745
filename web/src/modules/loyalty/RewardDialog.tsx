import { App, Form, Input, InputNumber, Select, Switch } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { displayCurrencySymbol } from '../../platform/format';
import { FormDialog } from '../../platform/FormDialog';
import { useI18n, useT } from '../../platform/i18n';
import { LOYALTY_LIMITS as L, REWARD_KINDS, localText, loyaltyKeys, useProgramme, type RewardKind, type RewardView } from './api';

/** The form holds what the API takes (value in fen), shown in yuan: the server's field errors land on the same names. */
type Values = {
  name: { zh: string; en?: string };
  kind: RewardKind;
  pointsCost: number;
  valueFen?: number | null;
  stock?: number | null;
  minTier?: string | null;
  description?: { zh?: string; en?: string };
  active: boolean;
};

const fenToYuan = (fen: number | null | undefined) => ({ value: fen == null ? null : fen / 100 });
const yuanToFen = (yuan: number | null | undefined) => (yuan == null ? null : Math.round(yuan * 100));

/** 新增礼品 / 编辑礼品: name (both languages), kind, points, value (yuan on screen, fen stored), stock, lowest tier, offered. */
export function RewardDialog({ reward, onClose }: { reward: RewardView | 'new'; onClose: () => void }) {
  const t = useT();
  const { lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const programme = useProgramme();
  const editing = reward === 'new' ? null : reward;
  const initial: Values = editing
    ? { name: editing.name, kind: editing.kind, pointsCost: editing.pointsCost, valueFen: editing.valueFen, stock: editing.stock, minTier: editing.minTier, description: editing.description, active: editing.active }
    : { name: { zh: '', en: '' }, kind: 'gift', pointsCost: 100, valueFen: 0, stock: null, minTier: null, description: { zh: '', en: '' }, active: true };
  return (
    <FormDialog<Values, RewardView>
      title={editing ? t('loy.rewards.edit') : t('loy.rewards.new')}
      initialValues={initial}
      formProps={{ 'data-testid': 'loy-reward-form' }}
      submit={(v) => {
        const body = {
          name: { zh: v.name.zh, en: v.name.en ?? '' },
          kind: v.kind,
          pointsCost: v.pointsCost,
          valueFen: v.valueFen ?? 0,
          stock: v.stock ?? null,
          minTier: v.minTier ?? null,
          description: { zh: v.description?.zh ?? '', en: v.description?.en ?? '' },
          active: v.active,
        };
        return editing ? api.put<RewardView>(`/api/v1/loyalty/rewards/${editing.id}`, body) : api.post<RewardView>('/api/v1/loyalty/rewards', body);
      }}
      onSaved={(r) => {
        message.success(t(editing ? 'loy.rewards.saved' : 'loy.rewards.created', { name: localText(r.name, lang) }));
        void qc.invalidateQueries({ queryKey: loyaltyKeys.rewards });
      }}
      onClose={onClose}
    >
      <Form.Item name={['name', 'zh']} label={t('loy.reward.name')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('loy.reward.name') }) }]}>
        <Input maxLength={L.rewardName} data-testid="loy-reward-name" />
      </Form.Item>
      <Form.Item name={['name', 'en']} label={t('loy.reward.nameEn')}>
        <Input maxLength={L.rewardName} />
      </Form.Item>
      <Form.Item name="kind" label={t('loy.reward.kind')} rules={[{ required: true }]}>
        <Select options={REWARD_KINDS.map((k) => ({ value: k, label: t(`loy.kind.${k}`) }))} aria-label={t('loy.reward.kind')} data-testid="loy-reward-kind" />
      </Form.Item>
      <Form.Item name="pointsCost" label={t('loy.reward.pointsCost')} rules={[{ required: true, message: t('common.required', { field: t('loy.reward.pointsCost') }) }]}>
        <InputNumber min={1} max={L.maxPoints} precision={0} style={{ width: 200 }} data-testid="loy-reward-points" />
      </Form.Item>
      <Form.Item name="valueFen" label={t('loy.reward.value')} extra={t('loy.reward.valueHint')} getValueProps={fenToYuan} normalize={yuanToFen}>
        <InputNumber min={0} max={1_000_000} precision={2} prefix={displayCurrencySymbol()} style={{ width: 200 }} data-testid="loy-reward-value" />
      </Form.Item>
      <Form.Item name="stock" label={t('loy.reward.stock')} extra={t('loy.reward.stockHint')}>
        <InputNumber min={0} max={10_000_000} precision={0} style={{ width: 200 }} data-testid="loy-reward-stock" />
      </Form.Item>
      <Form.Item name="minTier" label={t('loy.reward.minTier')}>
        <Select
          allowClear
          placeholder={t('loy.reward.anyTier')}
          options={(programme.data?.tiers ?? []).map((x) => ({ value: x.key, label: localText(x.name, lang) }))}
          aria-label={t('loy.reward.minTier')}
        />
      </Form.Item>
      <Form.Item name={['description', 'zh']} label={t('loy.reward.description')}>
        <Input.TextArea rows={2} maxLength={L.description} />
      </Form.Item>
      <Form.Item name={['description', 'en']} label={t('loy.reward.descriptionEn')}>
        <Input.TextArea rows={2} maxLength={L.description} />
      </Form.Item>
      <Form.Item name="active" label={t('loy.reward.active')} valuePropName="checked">
        <Switch />
      </Form.Item>
    </FormDialog>
  );
}
