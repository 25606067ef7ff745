import type { ReactNode } from 'react';
import { Button, Flex, Space, Typography } from 'antd';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { useT } from './i18n';

/** What `useKeysetPages` (./usePagedList) gives the pager. */
export type KeysetPagerList = { pageNo: number; hasPrev: boolean; hasNext: boolean; prev: () => void; next: () => void };

/**
 * Under every keyset-paged list: how many items match (`total`, already worded by the list: 共 N 位客户), anything
 * the list adds (a page-size picker), and 上一页 / 第 n 页 / 下一页. `testId` prefixes the parts' test ids
 * (`<testId>-total`, `-prev`, `-page-no`, `-next`); `compact` shows the buttons' icons only (phones).
 */
export function KeysetPager({ list, total, testId, extra, compact }: { list: KeysetPagerList; total?: ReactNode; testId: string; extra?: ReactNode; compact?: boolean }) {
  const t = useT();
  return (
    <Flex justify="space-between" align="center" wrap gap={8} style={{ marginTop: 12 }}>
      <Typography.Text type="secondary" data-testid={`${testId}-total`}>
        {total ?? ''}
      </Typography.Text>
      <Space wrap>
        {extra}
        <Button icon={<LeftOutlined />} disabled={!list.hasPrev} onClick={list.prev} aria-label={compact ? t('common.prevPage') : undefined} data-testid={`${testId}-prev`}>
          {compact ? null : t('common.prevPage')}
        </Button>
        <Typography.Text data-testid={`${testId}-page-no`}>{t('common.pageNo', { n: list.pageNo })}</Typography.Text>
        <Button disabled={!list.hasNext} onClick={list.next} aria-label={compact ? t('common.nextPage') : undefined} data-testid={`${testId}-next`}>
          {compact ? null : t('common.nextPage')} <RightOutlined />
        </Button>
      </Space>
    </Flex>
  );
}
