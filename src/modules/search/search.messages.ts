/**
 * Server messages of the global search, in both locales. zh-CN first; `en` is typed against it. Registered, with every
 * other catalogue, by `src/messages.ts`.
 */
export const zhCN = {
  'search.query_too_short': '「{field}」请至少输入 1 个汉字、2 个字母，或 1 位数字（号码）',
} as const;

export const en: Record<keyof typeof zhCN, string> = {
  'search.query_too_short': '"{field}" needs at least one Chinese character, two letters, or one digit (a number)',
};
