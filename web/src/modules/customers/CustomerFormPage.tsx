import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Alert, App, Button, Flex, Form, theme } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { applyServerErrors } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert, FormErrors, Loading, PageHeader } from '../../platform/ui';
import { customerKeys, useCustomer, type CustomerView, type RevealResult } from './api';
import { CustomerForm, type PiiState } from './CustomerForm';
import { DuplicateWarning } from './DuplicateWarning';
import { changedPayload, createPayload, toFormValues, type CustomerFormValues } from './payload';

export function NewCustomerPage() {
  return <CustomerEditor customer={null} />;
}

export function EditCustomerPage() {
  const { id = '' } = useParams();
  const customer = useCustomer(id);
  if (customer.isPending) return <Loading />;
  if (customer.error) return <ErrorAlert error={customer.error} onRetry={() => void customer.refetch()} />;
  // Keyed by version: after a reload the form starts again from the newest data.
  return <CustomerEditor key={customer.data.version} customer={customer.data} onReload={() => void customer.refetch()} />;
}

/** Create (customer === null) or edit. Edit sends only the changed fields with `version`; a stale edit shows the 409. */
function CustomerEditor({ customer, onReload }: { customer: CustomerView | null; onReload?: () => void }) {
  const t = useT();
  const { me, can } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [form] = Form.useForm<CustomerFormValues>();
  const [busy, setBusy] = useState(false);
  const [banner, setBanner] = useState<string[]>([]);
  const [conflict, setConflict] = useState<string | null>(null);
  const [revealed, setRevealed] = useState<CustomerView | null>(null);
  const [unlocking, setUnlocking] = useState(false);
  const { token } = theme.useToken();
  const [initialValues] = useState(() => toFormValues(customer, me?.user?.id ?? null));

  const hasPii = !!customer && (customer.phones.length > 0 || !!customer.idNumber);
  const pii: PiiState = !customer || revealed ? 'editable' : !can('customer:pii') ? 'denied' : hasPii ? 'locked' : 'editable';

  const unlockPii = async () => {
    if (!customer) return;
    setUnlocking(true);
    try {
      const r = await api.post<RevealResult>(`/api/v1/customers/${customer.id}/reveal`, { fields: ['phones', 'idNumber'] });
      const full: CustomerView = { ...customer, phones: r.phones ?? customer.phones, idNumber: r.idNumber, piiMasked: false };
      setRevealed(full);
      form.setFieldsValue({ phones: full.phones.length ? full.phones : [''], idNumber: full.idNumber, idType: full.idType });
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setUnlocking(false);
    }
  };

  const submit = async (values: CustomerFormValues) => {
    setBanner([]);
    setConflict(null);
    setBusy(true);
    try {
      if (!customer) {
        const created = await api.post<CustomerView>('/api/v1/customers', createPayload(values));
        void qc.invalidateQueries({ queryKey: customerKeys.all });
        message.success(t('customers.form.created'));
        void navigate(`/customers/${created.id}`, { replace: true });
        return;
      }
      const body = changedPayload(revealed ?? customer, values, pii === 'editable');
      if (!body) {
        message.info(t('customers.form.noChanges'));
        void navigate(`/customers/${customer.id}`);
        return;
      }
      const saved = await api.patch<CustomerView>(`/api/v1/customers/${customer.id}`, body);
      qc.setQueryData(customerKeys.one(customer.id), saved);
      void qc.invalidateQueries({ queryKey: customerKeys.all });
      message.success(t('customers.form.saved'));
      void navigate(`/customers/${customer.id}`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setConflict(err.problem.detail);
        window.scrollTo({ top: 0 });
      } else {
        const leftover = applyServerErrors(form, err);
        setBanner(leftover);
        // Errors on fields scroll to the first field; the rest are in the banner at the top.
        if (leftover.length) window.scrollTo({ top: 0 });
      }
    } finally {
      setBusy(false);
    }
  };

  const cancel = () => navigate(customer ? `/customers/${customer.id}` : '/customers');

  return (
    <>
      <PageHeader title={customer ? t('customers.form.edit', { name: customer.name }) : t('customers.form.create')} back={customer ? `/customers/${customer.id}` : '/customers'} />
      {conflict ? (
        <Alert
          type="warning"
          showIcon
          title={conflict}
          role="alert"
          data-testid="conflict"
          style={{ marginBottom: 12 }}
          action={
            onReload ? (
              <Button size="small" onClick={onReload}>
                {t('customers.form.reload')}
              </Button>
            ) : undefined
          }
        />
      ) : null}
      <FormErrors errors={banner} />
      <CustomerForm
        form={form}
        initialValues={initialValues}
        onFinish={(v) => void submit(v)}
        pii={pii}
        maskedPhones={customer?.phones}
        onUnlockPii={() => void unlockPii()}
        unlocking={unlocking}
        afterContact={customer ? null : <DuplicateWarning form={form} />}
        footer={
          <Flex
            gap={8}
            justify="end"
            style={{ position: 'sticky', bottom: 0, zIndex: 5, padding: '12px 0', background: token.colorBgLayout, borderTop: `1px solid ${token.colorBorderSecondary}` }}
          >
            <Button onClick={cancel}>{t('common.cancel')}</Button>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('common.save')}
            </Button>
          </Flex>
        }
      />
    </>
  );
}
