/**
 * Server messages of return-visit plans and care automation (issue #6), in both locales. zh-CN first; `en` is typed
 * against it, so a missing translation fails the typecheck. Registered, with every other catalogue, by
 * `src/messages.ts`.
 */
export const zhCN = {
  'care.plan_not_found': '找不到该回访计划',
  'care.rule_not_found': '找不到该关怀规则',
  'care.stale': '已被他人修改（当前版本 {current}，你提交的是 {given}），请刷新后重试',
  'care.keyword_required': '按事件回访的计划需要填写匹配关键词（如“维修”）',
  'care.user_not_found': '找不到该用户，或该用户已停用',
  'care.action_empty': '每个动作至少要有一项：关怀任务或消息模板',
  'care.team_not_found': '找不到该团队，或该团队已删除',
  'care.segment_not_found': '找不到该客户细分，或该细分已删除',
  'field.care.name': '名称',
  'field.care.kind': '类型',
  'field.care.intervalDays': '间隔天数',
  'field.care.eventKeyword': '匹配关键词',
  'field.care.taskTitle': '任务标题',
  'field.care.fallbackUserId': '无负责人时分配给',
  'field.care.occasion': '关怀时机',
  'field.care.daysBefore': '提前天数',
  'field.care.actions': '动作',
  'field.care.audience': '适用客户',
} as const;

export const en: Record<keyof typeof zhCN, string> = {
  'care.plan_not_found': 'Return-visit plan not found',
  'care.rule_not_found': 'Care rule not found',
  'care.stale': 'Someone else changed it (current version {current}, yours {given}); reload and try again',
  'care.keyword_required': 'An event plan needs a keyword to match (such as 维修)',
  'care.user_not_found': 'User not found or deactivated',
  'care.action_empty': 'Each action needs a care task or a message template',
  'care.team_not_found': 'Team not found or deleted',
  'care.segment_not_found': 'Customer segment not found or deleted',
  'field.care.name': 'Name',
  'field.care.kind': 'Kind',
  'field.care.intervalDays': 'Interval (days)',
  'field.care.eventKeyword': 'Keyword',
  'field.care.taskTitle': 'Task title',
  'field.care.fallbackUserId': 'Assign to when no owner',
  'field.care.occasion': 'Occasion',
  'field.care.daysBefore': 'Days before',
  'field.care.actions': 'Actions',
  'field.care.audience': 'Audience',
};
