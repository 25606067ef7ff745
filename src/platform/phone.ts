import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Phone numbers are stored in E.164; +86 is assumed when no country code is given. */
export function normalizePhone(input: string): string | null {
  const cleaned = input.trim().replace(/[\s\-()（）]/g, '');
  if (!cleaned || cleaned.length > 20) return null;
  const parsed = parsePhoneNumberFromString(cleaned.replace(/^00/, '+'), 'CN');
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
}

/** How a stored number is shown: Chinese numbers as national digits (13812345678, 045188886666), others international. */
const CN_MOBILE = /^\+861[3-9]\d{9}$/;

export function displayPhone(e164: string): string {
  // A Chinese mobile (the common case, on every list row and 360 page) needs no metadata: its national form is
  // the eleven digits.
  if (CN_MOBILE.test(e164)) return e164.slice(3);
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  if (parsed.country === 'CN' || parsed.countryCallingCode === '86') return parsed.formatNational().replace(/\D/g, '');
  return parsed.formatInternational();
}

/** 138****5678: the first three and last four digits stay. */
export function maskPhone(e164: string): string {
  const shown = displayPhone(e164);
  const prefix = shown.startsWith('+') ? shown.slice(0, shown.indexOf(' ') + 1) : '';
  const digits = shown.slice(prefix.length).replace(/\D/g, '');
  if (digits.length < 7) return prefix + '*'.repeat(digits.length);
  return `${prefix}${digits.slice(0, 3)}****${digits.slice(-4)}`;
}
