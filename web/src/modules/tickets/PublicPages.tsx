import { useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Button, Card, Flex, Form, Image, Input, Radio, Rate, Result, Select, Space, Steps, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { formatDateTime } from '../../platform/format';
import { applyServerErrors } from '../../platform/forms';
import { useI18n, useT } from '../../platform/i18n';
import { LanguageSwitch } from '../../platform/layout/LanguageSwitch';
import { FormErrors, Loading } from '../../platform/ui';
import {
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_TYPES,
  ATTACHMENTS_PER_TICKET,
  PUBLIC_REOPEN_DAYS,
  TICKET_LIMITS,
  TICKET_TYPES,
  ticketKeys,
  usePublicCategories,
  usePublicTicket,
  type PublicSubmitResult,
  type PublicTicketView,
} from './api';
import { categoryOptions } from './parts';

/** Mobile-first frame of the public pages (no sign-in, often inside WeChat). */
function PublicFrame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Flex justify="center" style={{ minHeight: '100vh', padding: 12, background: '#f5f5f5' }}>
      <Card title={title} extra={<LanguageSwitch />} style={{ width: '100%', maxWidth: 560, alignSelf: 'flex-start' }} styles={{ body: { padding: 16 } }}>
        {children}
      </Card>
    </Flex>
  );
}

type ReportValues = { name: string; phone: string; address?: string; type: string; categoryId?: string; description: string };

/** /s/report: a household reports a problem; images are uploaded after the ticket exists, with its token. */
export function PublicReportPage() {
  const t = useT();
  const { lang } = useI18n();
  const [form] = Form.useForm<ReportValues>();
  const [errors, setErrors] = useState<string[]>([]);
  const [files, setFiles] = useState<File[]>([]);
  const [fileError, setFileError] = useState<string | null>(null);
  const [uploadErrors, setUploadErrors] = useState<string[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);
  const categories = usePublicCategories();
  const submit = useMutation({
    mutationFn: async (v: ReportValues) => {
      const made = await api.post<PublicSubmitResult>('/api/v1/public/tickets', v);
      const failed: string[] = [];
      for (const f of files) {
        try {
          await api.upload(`/api/v1/public/tickets/${made.token}/attachments`, { name: f.name }, f);
        } catch (err) {
          failed.push(t('tk.pub.uploadFailed', { name: f.name, error: errorMessage(err) }));
        }
      }
      setUploadErrors(failed);
      return made;
    },
    onError: (err) => setErrors(applyServerErrors(form, err)),
  });
  const addFile = (f: File | undefined) => {
    setFileError(null);
    if (!f) return;
    if (!(ATTACHMENT_TYPES as readonly string[]).includes(f.type)) return setFileError(t('tk.pub.imageType'));
    if (f.size > ATTACHMENT_MAX_BYTES) return setFileError(t('tk.pub.imageSize'));
    setFiles((cur) => [...cur, f].slice(0, ATTACHMENTS_PER_TICKET));
  };
  if (submit.data) {
    const url = `${window.location.origin}${submit.data.followUrl}`;
    return (
      <PublicFrame title={t('tk.pub.reportTitle')}>
        <Result
          status="success"
          title={<span data-testid="report-done">{t('tk.pub.submitted', { number: submit.data.number })}</span>}
          subTitle={
            <Space direction="vertical">
              <span>{t('tk.pub.keepLink')}</span>
              <Typography.Text copyable={{ text: url }} style={{ wordBreak: 'break-all' }}>
                {url}
              </Typography.Text>
            </Space>
          }
          extra={
            <Link to={submit.data.followUrl} data-testid="follow-link">
              <Button type="primary">{t('tk.pub.follow')}</Button>
            </Link>
          }
        />
        {uploadErrors.map((e) => (
          <Alert key={e} type="warning" showIcon title={e} style={{ marginTop: 8 }} />
        ))}
      </PublicFrame>
    );
  }
  return (
    <PublicFrame title={t('tk.pub.reportTitle')}>
      <Typography.Paragraph type="secondary">{t('tk.pub.reportIntro')}</Typography.Paragraph>
      <FormErrors errors={errors} />
      <Form<ReportValues>
        form={form}
        layout="vertical"
        initialValues={{ type: 'complaint' }}
        onFinish={(v) => {
          setErrors([]);
          submit.mutate(v);
        }}
        data-testid="report-form"
      >
        <Form.Item name="name" label={t('tk.pub.name')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={TICKET_LIMITS.name} autoComplete="name" />
        </Form.Item>
        <Form.Item name="phone" label={t('tk.pub.phone')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={30} inputMode="tel" autoComplete="tel" />
        </Form.Item>
        <Form.Item name="address" label={t('tk.pub.address')}>
          <Input maxLength={TICKET_LIMITS.address} />
        </Form.Item>
        <Form.Item name="type" label={t('tk.pub.type')}>
          <Radio.Group optionType="button" options={TICKET_TYPES.map((x) => ({ value: x, label: t(`tk.type.${x}`) }))} />
        </Form.Item>
        <Form.Item name="categoryId" label={t('tk.pub.category')}>
          <Select allowClear options={categoryOptions(categories.data ?? [], lang)} data-testid="report-category" />
        </Form.Item>
        <Form.Item name="description" label={t('tk.pub.description')} rules={[{ required: true, whitespace: true }]}>
          <Input.TextArea rows={5} maxLength={TICKET_LIMITS.description} showCount />
        </Form.Item>
        <Form.Item label={t('tk.pub.images')} validateStatus={fileError ? 'error' : undefined} help={fileError}>
          <Flex wrap gap={8}>
            {files.map((f, i) => (
              <Button key={`${f.name}-${i}`} size="small" onClick={() => setFiles((cur) => cur.filter((_, j) => j !== i))}>
                {f.name} ✕
              </Button>
            ))}
            {files.length < ATTACHMENTS_PER_TICKET ? (
              <>
                <input ref={fileInput} type="file" accept={ATTACHMENT_TYPES.join(',')} style={{ display: 'none' }} data-testid="report-file" onChange={(e) => {
                  addFile(e.target.files?.[0]);
                  e.target.value = '';
                }} />
                <Button icon={<PlusOutlined />} size="small" onClick={() => fileInput.current?.click()}>
                  {t('tk.pub.addImage')}
                </Button>
              </>
            ) : null}
          </Flex>
        </Form.Item>
        <Button type="primary" htmlType="submit" block size="large" loading={submit.isPending} data-testid="report-submit">
          {t('tk.pub.submit')}
        </Button>
      </Form>
    </PublicFrame>
  );
}

const STEPS = ['new', 'in_progress', 'resolved'] as const;
const stepOf = (s: PublicTicketView['status']) => (s === 'new' ? 0 : s === 'resolved' || s === 'closed' ? 2 : 1);

function RateForm({ token }: { token: string }) {
  const t = useT();
  const qc = useQueryClient();
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState('');
  const rate = useMutation({
    mutationFn: () => api.post<PublicTicketView>(`/api/v1/public/tickets/${encodeURIComponent(token)}/rating`, { rating, comment }),
    onSuccess: (v) => qc.setQueryData(ticketKeys.publicOne(token), v),
  });
  return (
    <Card size="small" title={t('tk.pub.rateTitle')} data-testid="rate-form">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Rate value={rating} onChange={setRating} style={{ fontSize: 32 }} data-testid="rate-stars" />
        <Input.TextArea rows={3} maxLength={TICKET_LIMITS.comment} placeholder={t('tk.pub.comment')} value={comment} onChange={(e) => setComment(e.target.value)} data-testid="rate-comment" />
        {rate.error ? <Typography.Text type="danger">{errorMessage(rate.error)}</Typography.Text> : null}
        <Button type="primary" block disabled={!rating} loading={rate.isPending} onClick={() => rate.mutate()} data-testid="rate-submit">
          {t('tk.pub.rate')}
        </Button>
      </Space>
    </Card>
  );
}

/** A message from the household (an open ticket) or, once resolved, a reopen with its reason. */
function MessageForm({ token, kind }: { token: string; kind: 'reply' | 'reopen' }) {
  const t = useT();
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const send = useMutation({
    mutationFn: () =>
      api.post<PublicTicketView>(`/api/v1/public/tickets/${encodeURIComponent(token)}/${kind === 'reply' ? 'replies' : 'reopen'}`, kind === 'reply' ? { body: text } : { reason: text }),
    onSuccess: (v) => {
      setText('');
      qc.setQueryData(ticketKeys.publicOne(token), v);
    },
  });
  return (
    <Card size="small" title={kind === 'reply' ? t('tk.pub.replyTitle') : t('tk.pub.reopenTitle')} data-testid={`follow-${kind}-form`}>
      <Space direction="vertical" style={{ width: '100%' }}>
        {kind === 'reopen' ? <Typography.Text type="secondary">{t('tk.pub.reopenHint', { days: PUBLIC_REOPEN_DAYS })}</Typography.Text> : null}
        <Input.TextArea
          rows={3}
          maxLength={kind === 'reply' ? TICKET_LIMITS.publicReply : TICKET_LIMITS.comment}
          showCount
          placeholder={kind === 'reply' ? t('tk.pub.replyPlaceholder') : t('tk.pub.reopenPlaceholder')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          data-testid={`follow-${kind}-text`}
        />
        {send.error ? <Typography.Text type="danger">{errorMessage(send.error)}</Typography.Text> : null}
        <Button type={kind === 'reply' ? 'primary' : 'default'} block disabled={!text.trim()} loading={send.isPending} onClick={() => send.mutate()} data-testid={`follow-${kind}-submit`}>
          {kind === 'reply' ? t('tk.pub.replySend') : t('tk.pub.reopen')}
        </Button>
      </Space>
    </Card>
  );
}

/** /s/t/:token: the household follows its ticket (status, replies, outcome) and rates it once resolved. */
export function PublicFollowPage() {
  const t = useT();
  const { token = '' } = useParams();
  const ticket = usePublicTicket(token);
  if (ticket.isPending) return <Loading />;
  if (ticket.isError) {
    return (
      <PublicFrame title={t('tk.pub.reportTitle')}>
        <Result status="warning" title={t('tk.pub.invalid')} />
      </PublicFrame>
    );
  }
  const tk = ticket.data;
  return (
    <PublicFrame title={t('tk.pub.followTitle', { number: tk.number })}>
      <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="follow-page" data-status={tk.status}>
        <Steps size="small" direction="horizontal" responsive={false} current={stepOf(tk.status)} items={STEPS.map((s) => ({ title: t(`tk.status.${s}`) }))} />
        <div>
          <Typography.Text type="secondary">
            {t(`tk.type.${tk.type}`)} · {tk.category ?? ''} · {formatDateTime(tk.createdAt)}
          </Typography.Text>
          <Typography.Title level={5} style={{ marginTop: 4 }}>
            {t('tk.pub.yourReport')}
          </Typography.Title>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="follow-description">
            {tk.description}
          </Typography.Paragraph>
          <Flex wrap gap={8}>
            {tk.attachments.map((a) => (
              <Image key={a.id} width={80} height={80} style={{ objectFit: 'cover' }} src={`/api/v1/public/tickets/${encodeURIComponent(token)}/attachments/${a.id}`} alt={a.fileName} />
            ))}
          </Flex>
        </div>
        <div>
          <Typography.Title level={5}>{t('tk.pub.replies')}</Typography.Title>
          {tk.replies.length ? (
            tk.replies.map((r, i) => (
              <div
                key={i}
                data-testid="follow-reply"
                data-from={r.from}
                style={{ background: r.from === 'customer' ? '#f6ffed' : '#e6f4ff', borderRadius: 6, padding: '8px 12px', marginBottom: 8, marginLeft: r.from === 'customer' ? 24 : 0 }}
              >
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {r.from === 'customer' ? t('tk.pub.you') : t('tk.pub.agent')} · {formatDateTime(r.at)}
                </Typography.Text>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{r.body}</Typography.Paragraph>
              </div>
            ))
          ) : (
            <Typography.Text type="secondary">{t('tk.pub.noReplies')}</Typography.Text>
          )}
        </div>
        {tk.solution ? (
          <div>
            <Typography.Title level={5}>{t('tk.pub.solution')}</Typography.Title>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{tk.solution}</Typography.Paragraph>
          </div>
        ) : null}
        {tk.canReply ? <MessageForm token={token} kind="reply" /> : null}
        {tk.canRate ? <RateForm token={token} /> : null}
        {tk.rating !== null ? (
          <Card size="small" title={t('tk.pub.yourRating')} data-testid="follow-rated">
            <Rate disabled value={tk.rating} />
            {tk.ratingComment ? <Typography.Paragraph style={{ margin: '8px 0 0' }}>{tk.ratingComment}</Typography.Paragraph> : null}
            <Typography.Text type="success">{t('tk.pub.thanks')}</Typography.Text>
          </Card>
        ) : null}
        {tk.canReopen ? <MessageForm token={token} kind="reopen" /> : null}
      </Space>
    </PublicFrame>
  );
}
