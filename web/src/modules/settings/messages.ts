/** Company settings. */
export const zh = {
  'settings.title': '公司设置',
  'settings.companyName': '公司名称',
  'settings.timezone': '时区',
  'settings.timezoneHint': '界面上的日期和时间按此时区显示',
  'settings.template': '行业模板',
} as const;

export const en: Record<keyof typeof zh, string> = {
  'settings.title': 'Company settings',
  'settings.companyName': 'Company name',
  'settings.timezone': 'Time zone',
  'settings.timezoneHint': 'Dates and times on screen are shown in this zone',
  'settings.template': 'Industry template',
};
