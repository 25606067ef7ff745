import { Alert, App, Button, Card, Flex, Typography, type ButtonProps } from 'antd';
import { DeleteOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, newIdempotencyKey } from '../../platform/api';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert } from '../../platform/ui';
import type { PrivacyErasureView } from '../../../../src/modules/privacy/erase.contract';
import { BASE, privacyKeys, type PrivacyRequestView } from './api';

type Step = 'propose' | 'approve' | 'withdraw';

/**
 * 删除个人信息 on a deletion request (issue #18): one administrator proposes it (the request in progress, its customer
 * linked), another approves — which executes it at once, irreversibly — or either withdraws the proposal. Each step asks
 * for confirmation first; the dialog's button waits for the answer and the request carries one Idempotency-Key per
 * confirmation, so a double click or a retry never sends it twice.
 */
export function ErasurePanel({ request }: { request: PrivacyRequestView }) {
  const t = useT();
  const qc = useQueryClient();
  const { modal, message } = App.useApp();
  const key = [...privacyKeys.detail(request.id), 'erasure'];
  const q = useQuery({ queryKey: key, queryFn: ({ signal }) => api.get<PrivacyErasureView>(`${BASE}/${request.id}/erasure`, undefined, signal) });
  const step = useMutation({
    mutationFn: ({ what, idempotencyKey }: { what: Step; idempotencyKey: string }) =>
      api.post<PrivacyErasureView>(`${BASE}/${request.id}/erasure${what === 'propose' ? '' : `/${what}`}`, {}, idempotencyKey),
    onSuccess: (view, { what }) => {
      qc.setQueryData(key, view);
      void qc.invalidateQueries({ queryKey: privacyKeys.all });
      void qc.invalidateQueries({ queryKey: ['customers'] });
      void message.success(t(`privacy.erasure.done.${what}`));
    },
  });
  const confirm = (what: Step) => {
    const idempotencyKey = newIdempotencyKey();
    modal.confirm({
      title: t(`privacy.erasure.confirm.${what}.title`),
      content: t(`privacy.erasure.confirm.${what}.body`, { customer: request.customerName ?? '' }),
      okText: t(`privacy.erasure.action.${what}`),
      okButtonProps: { danger: what !== 'withdraw', 'data-testid': 'erasure-confirm' } as ButtonProps,
      cancelText: t('privacy.erasure.cancel'),
      onOk: () => step.mutateAsync({ what, idempotencyKey }),
    });
  };
  const e = q.data;
  if (!e) return q.error ? <ErrorAlert error={q.error} /> : null;
  const canPropose = e.status === 'none' && request.status === 'in_progress' && !!request.customerId;
  return (
    <Card size="small" title={t('privacy.erasure.title')} style={{ marginBottom: 12 }} data-testid="erasure-panel" data-status={e.status}>
      {step.error ? <ErrorAlert error={step.error} /> : null}
      {e.status === 'executed' ? (
        <Alert
          type="success"
          showIcon
          data-testid="erasure-executed"
          data-source={e.source}
          title={t(e.source === 'retention' ? 'privacy.erasure.executedRetention' : 'privacy.erasure.executed', {
            time: formatDateTime(e.executedAt),
            proposer: e.proposedByName ?? '',
            approver: e.approvedByName ?? (e.source === 'retention' ? t('retention.trigger.cli') : ''),
            n: e.records ?? 0,
          })}
        />
      ) : e.status === 'proposed' ? (
        <Flex vertical gap={8}>
          <Typography.Text data-testid="erasure-proposed">{t('privacy.erasure.proposed', { name: e.proposedByName ?? '', time: formatDateTime(e.proposedAt) })}</Typography.Text>
          {e.canApprove ? null : <Typography.Text type="secondary">{t('privacy.erasure.needsSecond')}</Typography.Text>}
          <Flex gap={8} wrap>
            <Button danger type="primary" icon={<DeleteOutlined />} disabled={!e.canApprove} loading={step.isPending} onClick={() => confirm('approve')} data-testid="erasure-approve">
              {t('privacy.erasure.action.approve')}
            </Button>
            <Button disabled={step.isPending} onClick={() => confirm('withdraw')} data-testid="erasure-withdraw">
              {t('privacy.erasure.action.withdraw')}
            </Button>
          </Flex>
        </Flex>
      ) : (
        <Flex vertical gap={8}>
          <Typography.Text type="secondary">{t(canPropose ? 'privacy.erasure.intro' : 'privacy.erasure.notYet')}</Typography.Text>
          <div>
            <Button danger icon={<DeleteOutlined />} disabled={!canPropose} loading={step.isPending} onClick={() => confirm('propose')} data-testid="erasure-propose">
              {t('privacy.erasure.action.propose')}
            </Button>
          </div>
        </Flex>
      )}
    </Card>
  );
}
