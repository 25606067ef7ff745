const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** Chinese resident ID (GB 11643-1999): 18 characters with a valid birth date and check digit, or the old 15 digits. */
export function isValidResidentId(raw: string): boolean {
  const id = raw.toUpperCase();
  if (/^\d{15}$/.test(id)) return validDate(`19${id.slice(6, 12)}`);
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  if (!validDate(id.slice(6, 14))) return false;
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return CHECK[sum % 11] === id[17];
}

function validDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1900 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d && date <= new Date();
}

/** 110***********123X: the first three and last four characters stay. */
export function maskIdNumber(id: string): string {
  if (id.length <= 7) return '*'.repeat(id.length);
  return `${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}`;
}
