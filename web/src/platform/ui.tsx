import type { ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { Alert, Button, Flex, Result, Spin, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { errorMessage } from './api';
import { useAuth, type Permission } from './auth';
import { useT } from './i18n';

/** A page's title row: optional back arrow, the title, and actions on the right (wrapping on phones). */
export function PageHeader({ title, extra, back, subtitle }: { title: ReactNode; extra?: ReactNode; back?: string | true; subtitle?: ReactNode }) {
  const navigate = useNavigate();
  const t = useT();
  return (
    <Flex align="center" justify="space-between" wrap gap={8} style={{ marginBottom: 16 }}>
      <Flex align="center" gap={8} style={{ minWidth: 0 }}>
        {back ? (
          <Button
            type="text"
            aria-label={t('common.back')}
            icon={<ArrowLeftOutlined />}
            onClick={() => (back === true ? navigate(-1) : navigate(back))}
          />
        ) : null}
        <div style={{ minWidth: 0 }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {title}
          </Typography.Title>
          {subtitle ? <Typography.Text type="secondary">{subtitle}</Typography.Text> : null}
        </div>
      </Flex>
      {extra ? (
        <Flex gap={8} wrap>
          {extra}
        </Flex>
      ) : null}
    </Flex>
  );
}

export function ErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT();
  if (!error) return null;
  return (
    <Alert
      type="error"
      showIcon
      title={errorMessage(error)}
      style={{ marginBottom: 16 }}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}

/** The server's messages that belong to no field of a form, above it. */
export function FormErrors({ errors }: { errors: string[] }) {
  const t = useT();
  if (!errors.length) return null;
  return <Alert type="error" showIcon role="alert" title={errors.join(t('sep.semicolon'))} style={{ marginBottom: 16 }} />;
}

export function Loading() {
  const t = useT();
  return (
    <Flex justify="center" align="center" style={{ padding: 48 }}>
      <Spin description={t('app.loading')} />
    </Flex>
  );
}

export function RequirePermission({ anyOf, children }: { anyOf: Permission[]; children: ReactNode }) {
  const { can } = useAuth();
  const t = useT();
  if (!anyOf.some(can)) return <Result status="403" title="403" subTitle={t('app.forbidden')} />;
  return <>{children}</>;
}

export function NotFound() {
  const t = useT();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('app.notFound')}
      extra={
        <Link to="/">
          <Button type="primary">{t('app.backHome')}</Button>
        </Link>
      }
    />
  );
}

/** The footer of a keyset-paged list: how many are shown, and "load more" while there is a next page. */
export function LoadMoreFooter({
  shown,
  count,
  query,
}: {
  shown: ReactNode;
  count: number;
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
}) {
  const t = useT();
  return (
    <Flex justify="space-between" align="center" style={{ marginTop: 12 }}>
      <Typography.Text type="secondary">{shown}</Typography.Text>
      {query.hasNextPage ? (
        <Button onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
          {t('common.loadMore')}
        </Button>
      ) : count ? (
        <Typography.Text type="secondary">{t('common.noMore')}</Typography.Text>
      ) : null}
    </Flex>
  );
}
