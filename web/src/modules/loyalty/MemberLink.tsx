import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Modal, Popconfirm, Space, Spin, Typography } from 'antd';
import { MessageOutlined, StopOutlined, WechatOutlined } from '@ant-design/icons';
import { errorMessage } from '../../platform/api';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { issueMemberLink, loyaltyKeys, revokeMemberLinks, type MemberLinkView, type MemberView } from './api';

type Channel = 'sms' | 'wechat';
type Outcome = { type: 'success' | 'info' | 'warning' | 'error'; text: string };

/** The outbox's reasons for not sending (the messages module's MESSAGE_REASONS), in the member dialog's words. */
const REASONS = {
  no_consent: 'loy.link.reason.no_consent',
  frequency_cap: 'loy.link.reason.frequency_cap',
  customer_deleted: 'loy.link.reason.customer_deleted',
  withdrawn: 'loy.link.reason.withdrawn',
} as const;

/** What became of the message that carries the link: queued or sent, waiting for quiet hours to end, or not sent and why. */
function useOutcome() {
  const t = useT();
  return (channel: Channel, m: MemberLinkView['message']): Outcome => {
    const via = t(`loy.link.via.${channel}`);
    if (!m) return { type: 'error', text: t('loy.link.notSent', { via, reason: '' }) };
    if (m.status === 'suppressed' || m.status === 'failed') {
      const key = m.reason && m.reason in REASONS ? REASONS[m.reason as keyof typeof REASONS] : null;
      const reason = key ? t(key) : t('loy.link.reason.other');
      return { type: 'warning', text: t('loy.link.notSent', { via, reason }) };
    }
    if (m.reason === 'quiet_hours') return { type: 'info', text: t('loy.link.quietHours', { via }) };
    return { type: 'success', text: t('loy.link.queued', { via }) };
  };
}

/**
 * 发送会员链接: the member's own page (no sign-in) as a link to copy — issued when the dialog opens — or sent to the
 * member by SMS or WeChat through the outbox (consent and quiet hours apply: the dialog says what became of it).
 * 作废已发出的链接 (after a confirmation) revokes every link issued so far — they then open a "no longer valid"
 * page — and shows a new link in their place.
 */
export function MemberLinkDialog({ member, onClose }: { member: MemberView; onClose: () => void }) {
  const t = useT();
  const outcomeOf = useOutcome();
  const [link, setLink] = useState<MemberLinkView | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const issue = useMutation({
    mutationFn: (send?: Channel) => issueMemberLink(member.customerId, send),
    onSuccess: (view, send) => {
      setLink(view);
      setOutcome(send ? outcomeOf(send, view.message) : null);
    },
    onError: (err) => setOutcome({ type: 'error', text: errorMessage(err) }),
  });
  const { mutate } = issue;
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    mutate(undefined);
  }, [mutate]);
  const qc = useQueryClient();
  const [revokedAt, setRevokedAt] = useState<string | null>(member.linksRevokedAt);
  // Revoke, then issue the new link in the same call (a second issue right after the first would be taken for a double click).
  const revoke = useMutation({
    mutationFn: async () => ({ revoked: await revokeMemberLinks(member.customerId), view: await issueMemberLink(member.customerId) }),
    onSuccess: ({ revoked, view }) => {
      setRevokedAt(revoked.revokedAt);
      setLink(view);
      setOutcome({ type: 'success', text: t('loy.link.revoked', { at: formatDateTime(revoked.revokedAt) }) });
      void qc.invalidateQueries({ queryKey: loyaltyKeys.member(member.customerId) });
    },
    onError: (err) => setOutcome({ type: 'error', text: errorMessage(err) }),
  });
  const busy = issue.isPending || revoke.isPending;
  const sending = issue.isPending ? issue.variables : undefined;
  return (
    <Modal open title={t('loy.link.title', { name: member.name })} onCancel={onClose} footer={<Button onClick={onClose}>{t('common.close')}</Button>} destroyOnHidden>
      <div data-testid="loy-link-dialog">
        <Typography.Paragraph type="secondary">{t('loy.link.intro')}</Typography.Paragraph>
        {link ? (
          <>
            <Typography.Paragraph copyable={{ text: link.url, tooltips: [t('loy.link.copy'), t('loy.link.copied')] }} code data-testid="loy-link-url" style={{ wordBreak: 'break-all' }}>
              {link.url}
            </Typography.Paragraph>
            <Typography.Paragraph type="secondary">{t('loy.link.expires', { at: formatDateTime(link.expiresAt) })}</Typography.Paragraph>
            {revokedAt ? (
              <Typography.Paragraph type="secondary" data-testid="loy-link-last-revoked">
                {t('loy.link.lastRevoked', { at: formatDateTime(revokedAt) })}
              </Typography.Paragraph>
            ) : null}
          </>
        ) : issue.isPending ? (
          <Spin />
        ) : null}
        {outcome ? <Alert type={outcome.type} showIcon title={outcome.text} style={{ marginBottom: 12 }} data-testid="loy-link-outcome" /> : null}
        <Space wrap>
          <Button icon={<MessageOutlined />} loading={sending === 'sms'} disabled={busy} onClick={() => issue.mutate('sms')} data-testid="loy-link-sms">
            {t('loy.link.sendSms')}
          </Button>
          <Button icon={<WechatOutlined />} loading={sending === 'wechat'} disabled={busy} onClick={() => issue.mutate('wechat')} data-testid="loy-link-wechat">
            {t('loy.link.sendWechat')}
          </Button>
          <Popconfirm title={t('loy.link.revokeConfirm')} onConfirm={() => revoke.mutate()} okButtonProps={{ danger: true }}>
            <Button danger icon={<StopOutlined />} loading={revoke.isPending} disabled={busy} data-testid="loy-link-revoke">
              {t('loy.link.revoke')}
            </Button>
          </Popconfirm>
        </Space>
      </div>
    </Modal>
  );
}
