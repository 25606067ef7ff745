import { Tag, Typography } from 'antd';
import { useT } from '../../platform/i18n';
import { signedPoints, type AdjustmentStatus, type LedgerKind, type RedemptionView, type ReferralStatus } from './api';

const KIND_COLOR: Record<LedgerKind, string> = { earn: 'green', bonus: 'gold', redeem: 'blue', expire: 'default', adjust: 'purple', reverse: 'red' };

/** A ledger entry's kind: 获得 / 奖励 / 兑换 / 过期 / 调整 / 冲回. */
export function KindTag({ kind }: { kind: LedgerKind }) {
  const t = useT();
  return (
    <Tag color={KIND_COLOR[kind]} data-testid="loy-kind" data-kind={kind}>
      {t(`loy.entry.${kind}`)}
    </Tag>
  );
}

/** Points with their sign, green when added and red when taken. */
export function PointsDelta({ value }: { value: number }) {
  return (
    <Typography.Text strong type={value < 0 ? 'danger' : 'success'} data-testid="loy-points">
      {signedPoints(value)}
    </Typography.Text>
  );
}

export function RedemptionStatus({ status }: { status: RedemptionView['status'] }) {
  const t = useT();
  return (
    <Tag color={status === 'done' ? 'green' : 'default'} data-testid="loy-redemption-status">
      {t(`loy.redemption.${status}`)}
    </Tag>
  );
}

const ADJ_COLOR: Record<AdjustmentStatus, string> = { pending: 'orange', approved: 'green', rejected: 'default' };

export function AdjustmentStatusTag({ status }: { status: AdjustmentStatus }) {
  const t = useT();
  return <Tag color={ADJ_COLOR[status]}>{t(`loy.adj.status.${status}`)}</Tag>;
}

const REF_COLOR: Record<ReferralStatus, string> = { pending: 'blue', rewarded: 'green', refused: 'red' };

export function ReferralStatusTag({ status }: { status: ReferralStatus }) {
  const t = useT();
  return <Tag color={REF_COLOR[status]}>{t(`loy.ref.status.${status}`)}</Tag>;
}

/** A tier's name as a tag (gold-ish for everything above the lowest tier). */
export function TierTag({ name, lowest }: { name: string; lowest?: boolean }) {
  return (
    <Tag color={lowest ? 'default' : 'gold'} data-testid="loy-tier">
      {name}
    </Tag>
  );
}
