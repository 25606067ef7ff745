import { App, Form, Input, InputNumber, Select, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { FormDialog } from '../../platform/FormDialog';
import { formatDateTime } from '../../platform/format';
import { useI18n, useT } from '../../platform/i18n';
import { formatFen } from '../transactions';
import {
  LOYALTY_LIMITS as L,
  localText,
  loyaltyKeys,
  memberPath,
  points,
  tierLabel,
  useProgramme,
  useRecentBills,
  useRewards,
  type AdjustmentView,
  type MemberView,
  type RedemptionView,
} from './api';

type DialogProps = { member: MemberView; onClose: () => void };

type RedeemValues = { rewardId: string; quantity: number; transactionId?: string };

/** 抵扣账单: a fee deduction may name the bill it was spent on — the customer's recent payments and purchases. */
function BillPicker({ customerId }: { customerId: string }) {
  const t = useT();
  const bills = useRecentBills(customerId, true);
  return (
    <Form.Item name="transactionId" label={t('loy.redeem.bill')} extra={t('loy.redeem.billHint')}>
      <Select
        allowClear
        loading={bills.isPending}
        aria-label={t('loy.redeem.bill')}
        placeholder={t('loy.redeem.billNone')}
        data-testid="loy-redeem-bill"
        notFoundContent={bills.error ? t('loy.redeem.billError') : t('loy.redeem.billEmpty')}
        options={(bills.data ?? []).map((b) => ({
          value: b.id,
          label: t('loy.redeem.billOption', {
            date: formatDateTime(b.occurredAt).slice(0, 10),
            type: t(`loy.redeem.billType.${b.type === 'payment' ? 'payment' : 'purchase'}`),
            amount: formatFen(b.amountFen),
            season: b.heatingSeason ? ` · ${b.heatingSeason}` : '',
          }),
        }))}
      />
    </Form.Item>
  );
}

/**
 * 兑换 at the desk: a reward and a quantity, and for a fee deduction optionally the bill it is spent on (a refund of
 * that bill gives the points back); the server's 409 (not enough points, out of stock) is shown in the dialog.
 */
export function RedeemDialog({ member, onClose }: DialogProps) {
  const t = useT();
  const { lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const rewards = useRewards();
  const [form] = Form.useForm<RedeemValues>();
  const rewardId = Form.useWatch('rewardId', form);
  const offered = (rewards.data ?? []).filter((r) => r.active);
  const isFee = (id: string | undefined) => offered.find((r) => r.id === id)?.kind === 'fee_deduction';
  return (
    <FormDialog<RedeemValues, RedemptionView>
      form={form}
      title={t('loy.redeem.title', { name: member.name })}
      okText={t('loy.redeem')}
      initialValues={{ quantity: 1 }}
      formProps={{ 'data-testid': 'loy-redeem-form' }}
      intro={<Typography.Paragraph type="secondary">{t('loy.redeem.available', { n: points(member.balance) })}</Typography.Paragraph>}
      submit={(v) =>
        api.post<RedemptionView>(`${memberPath(member.customerId)}/redemptions`, {
          rewardId: v.rewardId,
          quantity: v.quantity,
          ...(isFee(v.rewardId) && v.transactionId ? { transactionId: v.transactionId } : {}),
        })
      }
      onSaved={(r) => {
        message.success(t('loy.redeem.done', { reward: r.rewardName, quantity: r.quantity, points: points(r.points) }));
        void qc.invalidateQueries({ queryKey: loyaltyKeys.all });
      }}
      onClose={onClose}
    >
      <Form.Item name="rewardId" label={t('loy.redeem.reward')} rules={[{ required: true, message: t('common.required', { field: t('loy.redeem.reward') }) }]}>
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          loading={rewards.isPending}
          aria-label={t('loy.redeem.reward')}
          data-testid="loy-redeem-reward"
          options={offered.map((r) => ({
            value: r.id,
            label: t('loy.redeem.option', { name: localText(r.name, lang), points: points(r.pointsCost) }),
          }))}
        />
      </Form.Item>
      <Form.Item name="quantity" label={t('loy.redeem.quantity')} rules={[{ required: true }]}>
        <InputNumber min={1} max={100} precision={0} style={{ width: 160 }} data-testid="loy-redeem-quantity" />
      </Form.Item>
      {isFee(rewardId) ? <BillPicker customerId={member.customerId} /> : null}
    </FormDialog>
  );
}

/** 调整积分: points (negative takes) and a reason; above the approval limit the answer is pending (待审批). */
export function AdjustDialog({ member, onClose }: DialogProps) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  return (
    <FormDialog<{ points: number; reason: string }, AdjustmentView>
      title={t('loy.adjust.title', { name: member.name })}
      formProps={{ 'data-testid': 'loy-adjust-form' }}
      submit={(v) => api.post<AdjustmentView>(`${memberPath(member.customerId)}/adjustments`, v)}
      onSaved={(a) => {
        if (a.status === 'pending') message.info(t('loy.adjust.pending'));
        else message.success(t('loy.adjust.done'));
        void qc.invalidateQueries({ queryKey: loyaltyKeys.all });
      }}
      onClose={onClose}
    >
      <Form.Item name="points" label={t('loy.adjust.points')} rules={[{ required: true, message: t('common.required', { field: t('loy.adjust.points') }) }]}>
        <InputNumber min={-L.maxPoints} max={L.maxPoints} precision={0} style={{ width: 200 }} data-testid="loy-adjust-points" />
      </Form.Item>
      <Form.Item name="reason" label={t('loy.adjust.reason')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('loy.adjust.reason') }) }]}>
        <Input maxLength={L.reason} data-testid="loy-adjust-reason" />
      </Form.Item>
    </FormDialog>
  );
}

/** 设置等级 (loyalty:manage): a manager's decision, recorded as a manual tier change. */
export function SetTierDialog({ member, onClose }: DialogProps) {
  const t = useT();
  const { lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const programme = useProgramme();
  return (
    <FormDialog<{ tier: string }, MemberView>
      title={t('loy.setTier.title')}
      initialValues={{ tier: member.tier }}
      submit={(v) => api.put<MemberView>(`${memberPath(member.customerId)}/tier`, v)}
      onSaved={(m) => {
        message.success(t('loy.setTier.done', { tier: tierLabel(programme.data, m.tier, lang) }));
        void qc.invalidateQueries({ queryKey: loyaltyKeys.all });
      }}
      onClose={onClose}
    >
      <Form.Item name="tier" label={t('loy.card.tier')} rules={[{ required: true }]}>
        <Select options={(programme.data?.tiers ?? []).map((x) => ({ value: x.key, label: localText(x.name, lang) }))} aria-label={t('loy.card.tier')} />
      </Form.Item>
    </FormDialog>
  );
}
