/**
 * Server messages of segments (客户细分), in both locales. zh-CN first; `en` is typed against it, so a missing
 * translation fails the typecheck. Registered, with every other catalogue, by `src/messages.ts`. (The rule language's
 * messages are in fields.messages.ts.)
 */
export const zhCN = {
  'segments.not_found': '找不到该客户细分',
  'segments.deleted': '该客户细分已删除，请先恢复',
  'segments.not_deleted': '该客户细分未被删除',
  'segments.name_taken': '已有名为「{value}」的客户细分',
  'segments.stale': '该客户细分已被他人修改（当前版本 {current}，你编辑的是版本 {given}），请刷新后再改',
  'segments.static_has_no_rule': '静态名单没有规则，成员需手动添加',
  'segments.owner_unknown': '「{field}」指向的用户不存在',
  'segments.in_use': '其他客户细分的规则引用了它（{names}），不能删除',
  'segments.not_static': '只有静态名单可以手动添加或移除成员',
  'segments.static_no_refresh': '静态名单不需要刷新，成员需手动维护',
  'segments.refresh_not_found': '找不到该刷新任务',
  'segments.rule_unknown_segment': '规则引用的客户细分不存在或已删除',
  'segments.rule_cycle': '规则不能直接或间接引用它自己',
  'field.segment.name': '名称',
  'field.segment.description': '说明',
  'field.segment.kind': '类型',
  'field.segment.rule': '规则',
  'field.segment.ownerId': '负责人',
  'field.segment.version': '版本',
  'field.segment.customerIds': '客户',
  'field.segment.deleted': '回收站',
  'field.segment.days': '天数',
} as const;

export const en: Record<keyof typeof zhCN, string> = {
  'segments.not_found': 'Segment not found',
  'segments.deleted': 'The segment is deleted; restore it first',
  'segments.not_deleted': 'The segment is not deleted',
  'segments.name_taken': 'There is already a segment named "{value}"',
  'segments.stale': 'Someone else changed this segment (now version {current}, you edited version {given}); reload and try again',
  'segments.static_has_no_rule': 'A static list has no rule: its members are added by hand',
  'segments.owner_unknown': '"{field}" names a user that does not exist',
  'segments.in_use': 'The rules of other segments refer to it ({names}); it cannot be deleted',
  'segments.not_static': 'Only static lists have members added or removed by hand',
  'segments.static_no_refresh': 'A static list is not refreshed: its members are kept by hand',
  'segments.refresh_not_found': 'Refresh run not found',
  'segments.rule_unknown_segment': 'The rule refers to a segment that does not exist or is deleted',
  'segments.rule_cycle': 'A rule cannot refer to its own segment, directly or through others',
  'field.segment.name': 'Name',
  'field.segment.description': 'Description',
  'field.segment.kind': 'Kind',
  'field.segment.rule': 'Rule',
  'field.segment.ownerId': 'Owner',
  'field.segment.version': 'Version',
  'field.segment.customerIds': 'Customers',
  'field.segment.deleted': 'Trash',
  'field.segment.days': 'Days',
};
