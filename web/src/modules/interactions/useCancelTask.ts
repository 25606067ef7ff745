import { App } from 'antd';
import { api, errorMessage } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import type { TaskView } from './api';

/** 取消任务: the task stays, as cancelled (and can be reopened through the API). */
export function useCancelTask(onDone: (task: TaskView) => void) {
  const t = useT();
  const { message } = App.useApp();
  return useMutation({
    mutationFn: (task: TaskView) => api.patch<TaskView>(`/api/v1/tasks/${task.id}`, { status: 'cancelled', version: task.version }),
    onSuccess: (task) => {
      message.success(t('tasks.cancelled'));
      onDone(task);
    },
    onError: (err) => message.error(errorMessage(err)),
  });
}
