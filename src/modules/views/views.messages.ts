/**
 * Server messages of the saved views (issue #21), in both locales. zh-CN first; `en` is typed against it.
 */
export const zhCN = {
  'views.name_taken': '已有同名视图「{name}」',
  'views.not_owner': '只有视图的创建者可以修改它',
  'views.not_member': '只能共享给自己所在的团队',
  'views.not_deleted': '该视图未被删除',
  'views.deleted': '该视图已删除',
  'field.view.name': '视图名称',
  'field.view.page': '页面',
  'field.view.state': '视图内容',
  'field.view.state.query': '筛选与排序',
  'field.view.state.columns': '显示的列',
  'field.view.teamId': '共享团队',
  'audit.entity.saved_view': '保存的视图',
} as const;

export const en: Record<keyof typeof zhCN, string> = {
  'views.name_taken': 'You already have a view named “{name}”',
  'views.not_owner': 'Only the view’s creator can change it',
  'views.not_member': 'You can share only with a team you belong to',
  'views.not_deleted': 'This view is not deleted',
  'views.deleted': 'This view has been deleted',
  'field.view.name': 'View name',
  'field.view.page': 'Page',
  'field.view.state': 'View',
  'field.view.state.query': 'Filters and sort',
  'field.view.state.columns': 'Visible columns',
  'field.view.teamId': 'Shared with team',
  'audit.entity.saved_view': 'Saved view',
};
