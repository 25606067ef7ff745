/**
 * Server messages of the audit log: the labels of the actions several modules write. A code that one module alone
 * writes is labelled in that module's own catalogue, under the same convention (`audit.action.<code>`,
 * `audit.entity.<type>`); `auditLabel()` looks a code up in every registered catalogue. Registered by `src/messages.ts`.
 */
export const zhCN = {
  'audit.action.create': '新建',
  'audit.action.update': '修改',
  'audit.action.delete': '删除',
  'audit.action.restore': '恢复',
  'audit.action.export': '导出',
} as const;

export const en: Record<keyof typeof zhCN, string> = {
  'audit.action.create': 'Create',
  'audit.action.update': 'Update',
  'audit.action.delete': 'Delete',
  'audit.action.restore': 'Restore',
  'audit.action.export': 'Export',
};
