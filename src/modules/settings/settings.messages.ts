/**
 * Server messages of installation settings, in both locales. zh-CN first; `en` is typed against it, so a missing
 * translation fails the typecheck. Registered, with every other catalogue, by `src/messages.ts`.
 */
export const zhCN = {
  'field.companyName': '公司名称',
  'field.currency': '币种',
  // Labels of the audit codes this module writes (the audit log looks them up by code).
  'audit.entity.settings': '设置',
} as const;

export const en: Record<keyof typeof zhCN, string> = {
  'field.companyName': 'Company name',
  'field.currency': 'Currency',
  'audit.entity.settings': 'Settings',
};
