/**
 * Company branding (企业标识) on the households' public pages: the company name, a logo and the service hotline, the
 * same on each (the report, follow and help pages through GET /public/branding; the feedback, survey, member and join
 * pages through BRAND_SLOT), so a household opening a link in WeChat sees who is asking.
 *
 * The logo is a small PNG, JPEG or WebP (at most 128 KB), checked by its first bytes, not by what the upload claims.
 * SVG is refused: served from this origin it could carry script. It is kept in the settings table (one row, base64)
 * and served at /branding/logo with a version in the URL, so phones cache it for a day and see a new one at once.
 */
import { createHash } from 'node:crypto';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import type { App } from '../../platform/http/server.js';
import { AppError } from '../../platform/errors.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import { recordAudit } from '../audit/index.js';
import { deleteSetting, readCompanySettings, readSetting, writeSetting, type CompanySettings } from './settings.service.js';

export const LOGO_MAX_BYTES = 128 * 1024;
const LOGO_KEY = 'brandingLogo';

type StoredLogo = { type: 'image/png' | 'image/jpeg' | 'image/webp'; base64: string; version: string };

/** What every public page shows about the company. */
export type PublicBranding = { companyName: string; hotline: string | null; logoUrl: string | null };

/** The image type by its first bytes (null: not a PNG, JPEG or WebP). */
function sniff(bytes: Buffer): StoredLogo['type'] | null {
  if (bytes.length > 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length > 12 && bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}

export const logoUrlOf = (logo: StoredLogo | null): string | null => (logo ? `/branding/logo?v=${logo.version}` : null);

export async function readLogo(db: DbOrTx): Promise<StoredLogo | null> {
  return readSetting<StoredLogo>(db, LOGO_KEY);
}

/** Sets the logo from a data URL (`data:image/png;base64,…`); 400 on `dataUrl` for anything else. */
export async function setLogo(db: DbOrTx, actor: Actor | null, dataUrl: string): Promise<string> {
  requireAccess(actor, 'settings:manage');
  const m = /^data:[\w/+.-]+;base64,([A-Za-z0-9+/=\s]+)$/.exec(dataUrl);
  if (!m) throw AppError.field('dataUrl', 'settings.logo_format');
  const bytes = Buffer.from(m[1]!, 'base64');
  if (bytes.length > LOGO_MAX_BYTES) throw AppError.field('dataUrl', 'settings.logo_too_large', { max: `${LOGO_MAX_BYTES / 1024} KB` });
  const type = sniff(bytes);
  if (!type) throw AppError.field('dataUrl', 'settings.logo_format');
  const version = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  await writeSetting(db, LOGO_KEY, { type, base64: bytes.toString('base64'), version } satisfies StoredLogo);
  await recordAudit(db, actor, { action: 'update', entityType: 'settings', entityId: 'company', changes: { logo: [null, `${type}, ${bytes.length} B`] } });
  return logoUrlOf({ type, base64: '', version })!;
}

export async function removeLogo(db: DbOrTx, actor: Actor | null): Promise<void> {
  requireAccess(actor, 'settings:manage');
  if (!(await readLogo(db))) return;
  await deleteSetting(db, LOGO_KEY);
  await recordAudit(db, actor, { action: 'update', entityType: 'settings', entityId: 'company', changes: { logo: ['logo', null] } });
}

/** The company's settings as the API shows them: the stored values and the logo's address. */
export async function companySettingsView(db: DbOrTx): Promise<CompanySettings & { logoUrl: string | null }> {
  const [s, logo] = await Promise.all([readCompanySettings(db), readLogo(db)]);
  return { ...s, logoUrl: logoUrlOf(logo) };
}

/** The company as its public pages show it. */
export async function publicBranding(db: DbOrTx): Promise<PublicBranding> {
  const { companyName, hotline, logoUrl } = await companySettingsView(db);
  return { companyName, hotline, logoUrl };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The branding as a line of HTML for the server-rendered public pages (their own CSS may style `.brand`; the inline
 * styles keep it tidy where none does): the logo, the name, and the hotline as a tel: link.
 */
export function brandingHtml(b: PublicBranding, hotlineLabel: string): string {
  const logo = b.logoUrl ? `<img src="${esc(b.logoUrl)}" alt="" width="28" height="28" style="object-fit:contain;border-radius:4px">` : '';
  const hotline = b.hotline
    ? `<a href="tel:${esc(b.hotline.replace(/[^\d+]/g, ''))}" style="margin-left:auto;white-space:nowrap;color:inherit">${esc(hotlineLabel)} ${esc(b.hotline)}</a>`
    : '';
  return (
    `<div class="brand" data-testid="branding" style="display:flex;align-items:center;gap:8px;margin:0 0 12px;font-size:14px;color:#595959">` +
    `${logo}<strong style="color:#262626">${esc(b.companyName)}</strong>${hotline}</div>`
  );
}

/**
 * The branding line of a server-rendered public page in the household's language; '' when it cannot be read (a page
 * that explains a failure must not fail for its header).
 */
export async function brandingLine(db: DbOrTx, lang: Locale): Promise<string> {
  try {
    return brandingHtml(await publicBranding(db), t(lang, 'branding.hotline'));
  } catch {
    return '';
  }
}

/**
 * Where a server-rendered public page wants the branding line: its layout writes this comment, and the hook below
 * puts the line there as the page is sent, in the page's language (its <html lang>). One place for every module's
 * pages, and a page that has no slot is sent untouched.
 */
export const BRAND_SLOT = '<!--hearth:brand-->';

export function registerBrandingSlot(app: App, db: DbOrTx): void {
  app.addHook('onSend', async (_req, reply, payload) => {
    // Only HTML pages are looked into: the JSON answers (exports included) pass untouched and unscanned.
    if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('text/html') || !payload.includes(BRAND_SLOT)) return payload;
    const lang: Locale = payload.includes('<html lang="en"') ? 'en' : 'zh-CN';
    return payload.replace(BRAND_SLOT, await brandingLine(db, lang));
  });
}
