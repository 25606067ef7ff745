/**
 * Server messages of the home dashboards (issue #17), in both locales. zh-CN first; `en` is typed against it, so a
 * missing translation fails the typecheck. Registered, with every other catalogue, by `src/messages.ts`. The tiles'
 * own titles and labels are in the catalogues of the modules that register them.
 */
export const zhCN = {
  'dashboards.board_unavailable': '没有可查看的「{value}」看板',
  'field.board': '看板',
  'dashboards.tile.system.title': '系统状态',
  'dashboards.tile.system.description': '数据库大小与后台任务（导入、分析、发送等）',
  'dashboards.tile.system.size': '数据库大小',
  'dashboards.tile.system.queued': '排队任务',
  'dashboards.tile.system.active': '运行中任务',
  'dashboards.tile.system.failed': '24 小时内失败',
} as const;

export const en: Record<keyof typeof zhCN, string> = {
  'dashboards.board_unavailable': 'There is no “{value}” board for you to see',
  'field.board': 'Board',
  'dashboards.tile.system.title': 'System',
  'dashboards.tile.system.description': 'Database size and background jobs (imports, analytics, sends …)',
  'dashboards.tile.system.size': 'Database size',
  'dashboards.tile.system.queued': 'Jobs waiting',
  'dashboards.tile.system.active': 'Jobs running',
  'dashboards.tile.system.failed': 'Failed in 24 h',
};
