import { Tag } from 'antd';
import { useT } from '../../platform/i18n';
import type { CampaignStatus } from './api';

const COLORS: Record<CampaignStatus, string> = { draft: 'default', scheduled: 'gold', running: 'processing', ended: 'green', cancelled: 'red' };

/** 草稿 / 待发布 / 进行中 / 已结束 / 已取消. */
export function StatusTag({ status }: { status: CampaignStatus }) {
  const t = useT();
  return (
    <Tag color={COLORS[status]} data-testid="campaign-status">
      {t(`campaigns.status.${status}`)}
    </Tag>
  );
}
