import { Tag } from 'antd';
import { useT } from '../../platform/i18n';
import type { SurveyStatus } from './api';

const COLORS: Record<SurveyStatus, string> = { draft: 'default', active: 'processing', closed: 'green' };

/** 草稿 / 进行中 / 已结束. */
export function StatusTag({ status }: { status: SurveyStatus }) {
  const t = useT();
  return (
    <Tag color={COLORS[status]} data-testid="survey-status">
      {t(`surveys.status.${status}`)}
    </Tag>
  );
}
