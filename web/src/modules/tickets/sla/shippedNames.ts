import { useI18n } from '../../../platform/i18n';

/**
 * English names of the SLA calendars, policies and holidays Hearth ships (drizzle/0015_sla.sql seeds them in Chinese).
 * A name an administrator changed is theirs and shows as written, in every language; only a shipped name, unchanged,
 * is shown in English to an English user. (Kept here, beside the screens that show them: the names are data, so the
 * API returns them as stored.)
 */
const SHIPPED_EN: Record<string, string> = {
  '工作日历（周一至周五 08:30–17:30，含 2026 年法定节假日）': 'Working days (Mon–Fri 08:30–17:30, 2026 public holidays included)',
  '7×24 小时': '24/7',
  '默认：1 个工作日内响应，3 个工作日内解决': 'Default: respond within 1 working day, resolve within 3',
  '投诉：24 小时内答复': 'Complaint: answer within 24 hours',
  '投诉（高价值客户）：4 小时内答复': 'Complaint (high-value customer): answer within 4 hours',
  '投诉（紧急）：2 小时内答复': 'Complaint (urgent): answer within 2 hours',
  '报修：2 小时内响应，24 小时内修复': 'Repair: respond within 2 hours, fix within 24 hours',
  '报修（紧急）：30 分钟内响应，4 小时内修复': 'Repair (urgent): respond within 30 minutes, fix within 4 hours',
  '咨询：4 个工作小时内答复': 'Inquiry: answer within 4 working hours',
  '建议：1 个工作日内答复': 'Suggestion: answer within 1 working day',
  元旦: "New Year's Day",
  春节: 'Spring Festival',
  清明节: 'Qingming Festival',
  劳动节: 'Labour Day',
  端午节: 'Dragon Boat Festival',
  中秋节: 'Mid-Autumn Festival',
  国庆节: 'National Day',
  元旦调休: "Make-up workday (New Year's Day)",
  春节调休: 'Make-up workday (Spring Festival)',
  劳动节调休: 'Make-up workday (Labour Day)',
  国庆节调休: 'Make-up workday (National Day)',
};

/** A shipped SLA name in the user's language (English only for a shipped name left unchanged). */
export function shippedSlaName(name: string, lang: string): string {
  return lang === 'en' ? (SHIPPED_EN[name] ?? name) : name;
}

/** `shippedSlaName` in the signed-in user's language. */
export function useSlaName(): (name: string) => string {
  const { lang } = useI18n();
  return (name) => shippedSlaName(name, lang);
}
