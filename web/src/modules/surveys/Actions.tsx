import { App, Button, Popconfirm, Space } from 'antd';
import { CheckCircleOutlined, DeleteOutlined, RollbackOutlined, StopOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { surveyKeys, type SurveyListItem, type SurveyView } from './api';

type Verb = 'activate' | 'close' | 'delete' | 'restore';

/**
 * 启用 / 结束 / 删除 / 恢复 of one survey. The state changes send the row's version (409 when it moved): a list row does
 * not carry it, so it is read first. Each button is busy while its request runs, so a double click changes once.
 */
export function SurveyActions({ survey, size, onDeleted }: { survey: SurveyListItem | SurveyView; size?: 'small'; onDeleted?: () => void }) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const action = useMutation({
    mutationFn: async ({ verb }: { verb: Verb; id: string }) => {
      const path = `/api/v1/surveys/${survey.id}`;
      if (verb === 'delete') return api.delete(path);
      if (verb === 'restore') return api.post<SurveyView>(`${path}/restore`);
      const version = 'version' in survey ? survey.version : (await api.get<SurveyView>(path)).version;
      return api.post<SurveyView>(`${path}/${verb}`, { version });
    },
    onSuccess: (saved, { verb }) => {
      message.success(t(`surveys.done.${verb}`, { name: survey.name }));
      if (saved) qc.setQueryData(surveyKeys.one(survey.id), saved);
      void qc.invalidateQueries({ queryKey: surveyKeys.all });
      if (verb === 'delete') onDeleted?.();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  if (!can('survey:manage')) return null;
  const run = (verb: Verb) => action.mutate({ verb, id: survey.id });
  const busy = action.isPending;
  const pending = (verb: Verb) => busy && action.variables?.verb === verb;
  if (survey.deletedAt) {
    return (
      <Button size={size} icon={<RollbackOutlined />} loading={pending('restore')} disabled={busy} onClick={() => run('restore')} data-testid="survey-restore">
        {t('surveys.restore')}
      </Button>
    );
  }
  return (
    <Space size={4} wrap>
      {survey.status !== 'active' ? (
        <Button size={size} type={size ? 'default' : 'primary'} icon={<CheckCircleOutlined />} loading={pending('activate')} disabled={busy} onClick={() => run('activate')} data-testid="survey-activate">
          {t('surveys.activate')}
        </Button>
      ) : (
        <Popconfirm title={t('surveys.closeConfirm')} onConfirm={() => run('close')}>
          <Button size={size} icon={<StopOutlined />} loading={pending('close')} disabled={busy} data-testid="survey-close">
            {t('surveys.close')}
          </Button>
        </Popconfirm>
      )}
      {survey.status !== 'active' ? (
        <Popconfirm title={t('surveys.deleteConfirm')} onConfirm={() => run('delete')}>
          <Button size={size} type="text" danger icon={<DeleteOutlined />} loading={pending('delete')} disabled={busy} aria-label={t('surveys.delete')} data-testid="survey-delete" />
        </Popconfirm>
      ) : null}
    </Space>
  );
}
