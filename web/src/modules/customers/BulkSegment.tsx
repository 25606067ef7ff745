import { App, Form, Select } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { SEGMENT_LIMITS, type SegmentAddReport, type SegmentPage } from '../../../../src/modules/segments/segments.contract';
import type { CustomerView } from './api';

type Values = { segmentId: string };
type Report = Omit<SegmentAddReport, 'memberCount'> & { name: string };

/** The static lists (静态名单) to add customers to: read over HTTP (the segments module imports this one, not the reverse). */
function useStaticLists() {
  return useQuery({
    queryKey: ['customers', 'static-lists'],
    queryFn: async ({ signal }) => (await api.get<SegmentPage>('/api/v1/segments', { kind: 'static', limit: 100 }, signal)).items,
    staleTime: 0,
  });
}

/**
 * Adds the selected customers to a static list (POST /api/v1/segments/:id/members, in batches of the server's limit)
 * and reports how many were added, were members already and were not found.
 */
export function AddToListDialog({ customers, onClose, onDone }: { customers: CustomerView[]; onClose: () => void; onDone: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const lists = useStaticLists();
  const options = (lists.data ?? []).map((s) => ({ value: s.id, label: s.name, title: s.name }));

  const submit = async (v: Values): Promise<Report> => {
    const ids = customers.map((c) => c.id);
    const out: Report = { added: 0, alreadyMembers: 0, notFound: [], name: options.find((o) => o.value === v.segmentId)?.label ?? '' };
    for (let i = 0; i < ids.length; i += SEGMENT_LIMITS.members) {
      const r = await api.post<SegmentAddReport>(`/api/v1/segments/${v.segmentId}/members`, { customerIds: ids.slice(i, i + SEGMENT_LIMITS.members) });
      out.added += r.added;
      out.alreadyMembers += r.alreadyMembers;
      out.notFound.push(...r.notFound);
    }
    return out;
  };
  const saved = (r: Report) => {
    const parts = [
      t('customers.toList.added', { name: r.name, n: r.added }),
      r.alreadyMembers ? t('customers.toList.already', { n: r.alreadyMembers }) : '',
      r.notFound.length ? t('customers.toList.notFound', { n: r.notFound.length }) : '',
    ].filter(Boolean);
    const content = <span data-testid="list-result">{parts.join(t('sep.semicolon'))}</span>;
    if (r.notFound.length) message.warning(content, 6);
    else message.success(content, 5);
    onDone();
  };

  return (
    <FormDialog<Values, Report>
      title={t('customers.toList.title', { n: customers.length })}
      okText={t('common.confirm')}
      submit={submit}
      onSaved={saved}
      errorFields={(f) => (f === 'customerIds' || f.startsWith('customerIds.') ? 'segmentId' : f)}
      onClose={onClose}
      formProps={{ 'data-testid': 'add-to-list-form' }}
    >
      <Form.Item
        name="segmentId"
        label={t('customers.toList.list')}
        extra={lists.isSuccess && !options.length ? t('customers.toList.none') : undefined}
        rules={[{ required: true, message: t('common.required', { field: t('customers.toList.list') }) }]}
      >
        <Select
          showSearch
          optionFilterProp="title"
          loading={lists.isPending}
          options={options}
          aria-label={t('customers.toList.list')}
          data-testid="add-to-list-select"
          autoFocus
        />
      </Form.Item>
    </FormDialog>
  );
}
