/** Company settings. */
export const zh = {
  'settings.title': '公司设置',
  'settings.companyName': '公司名称',
  'settings.timezone': '时区',
  'settings.timezoneHint': '界面上的日期和时间按此时区显示',
  'settings.template': '行业模板',
  'settings.currency': '币种',
  'settings.currencyHint': '金额按此币种显示（存储单位为分/美分等最小单位，改币种不换算已有金额）',
  'settings.currency.CNY': '人民币（¥）',
  'settings.currency.USD': '美元（$）',
  'settings.currency.EUR': '欧元（€）',
  'settings.currency.HKD': '港币（HK$）',
  'settings.currency.GBP': '英镑（£）',
} as const;

export const en: Record<keyof typeof zh, string> = {
  'settings.title': 'Company settings',
  'settings.companyName': 'Company name',
  'settings.timezone': 'Time zone',
  'settings.timezoneHint': 'Dates and times on screen are shown in this zone',
  'settings.template': 'Industry template',
  'settings.currency': 'Currency',
  'settings.currencyHint': 'Amounts are shown in this currency (stored in its minor unit; changing it does not convert existing amounts)',
  'settings.currency.CNY': 'Chinese yuan (¥)',
  'settings.currency.USD': 'US dollar ($)',
  'settings.currency.EUR': 'Euro (€)',
  'settings.currency.HKD': 'Hong Kong dollar (HK$)',
  'settings.currency.GBP': 'Pound sterling (£)',
};
