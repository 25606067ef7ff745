/**
 * Server messages of installation settings, in both locales. zh-CN first; `en` is typed against it, so a missing
 * translation fails the typecheck. Registered, with every other catalogue, by `src/messages.ts`.
 */
export const zhCN = {
  'field.companyName': '公司名称',
  'field.currency': '币种',
  'field.hotline': '服务热线',
  'field.dataUrl': '标志图片',
  'settings.logo_format': '标志须为 PNG、JPEG 或 WebP 图片',
  'settings.logo_too_large': '标志图片不能超过 {max}',
  'branding.hotline': '服务热线',
  // Labels of the audit codes this module writes (the audit log looks them up by code).
  'audit.entity.settings': '设置',
} as const;

export const en: Record<keyof typeof zhCN, string> = {
  'field.companyName': 'Company name',
  'field.currency': 'Currency',
  'field.hotline': 'Service hotline',
  'field.dataUrl': 'Logo image',
  'settings.logo_format': 'The logo must be a PNG, JPEG or WebP image',
  'settings.logo_too_large': 'The logo may be at most {max}',
  'branding.hotline': 'Hotline',
  'audit.entity.settings': 'Settings',
};
