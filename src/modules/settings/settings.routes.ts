import { z } from 'zod';
import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import { CURRENCIES, updateCompanySettings } from './settings.service.js';
import { companySettingsView as companySettingsOf, registerBrandingSlot, LOGO_MAX_BYTES, publicBranding, readLogo, removeLogo, setLogo } from './branding.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { companySettingsView } from './settings.schemas.js';

const settingsPatch = z.strictObject({
  companyName: z.string().trim().min(1).max(100).optional(),
  timezone: z.string().trim().min(1).max(64).optional(),
  currency: z.enum(CURRENCIES).optional().describe('Currency of the amounts (stored in its minor unit): CNY by default'),
  hotline: z
    .string()
    .trim()
    .max(32)
    .regex(/^$|^[+\d][\d\s()-]{2,31}$/)
    .nullable()
    .optional()
    .describe('The service hotline shown on the public pages (服务热线); empty or null removes it'),
});
const logoBody = z.strictObject({
  dataUrl: z.string().max(Math.ceil((LOGO_MAX_BYTES * 4) / 3) + 64).describe('The logo as a data URL: PNG, JPEG or WebP, at most 128 KB'),
});
const brandingView = z.object({ companyName: z.string(), hotline: z.string().nullable(), logoUrl: z.string().nullable() });

export async function settingsRoutes(app: App, ctx: ServiceContext): Promise<void> {
  // The branding line of every server-rendered public page (branding.ts), on the root so every module's pages get it.
  registerBrandingSlot(app, ctx.db);
  const view = (db: DbOrTx) => companySettingsOf(db);
  app.get('/api/v1/settings', { schema: { tags: ['settings'], summary: 'Company settings', response: { 200: companySettingsView } } }, async () => view(ctx.db));
  app.patch(
    '/api/v1/settings',
    { schema: { tags: ['settings'], summary: 'Change company settings', body: settingsPatch, response: { 200: companySettingsView } } },
    async (req) =>
      ctx.db.transaction(async (tx) => {
        await updateCompanySettings(tx, req.actor, { ...req.body, hotline: req.body.hotline === undefined ? undefined : req.body.hotline || null });
        return view(tx);
      }),
  );
  // Company branding on the public pages (branding.ts): the logo, and what every public page shows.
  app.put(
    '/api/v1/settings/logo',
    { bodyLimit: 256 * 1024, schema: { tags: ['settings'], summary: 'Set the company logo shown on the public pages', body: logoBody, response: { 200: z.object({ logoUrl: z.string() }) } } },
    async (req) => ({ logoUrl: await ctx.db.transaction((tx) => setLogo(tx, req.actor, req.body.dataUrl)) }),
  );
  app.delete('/api/v1/settings/logo', { schema: { tags: ['settings'], summary: 'Remove the company logo', response: { 204: z.null() } } }, async (req, reply) => {
    await ctx.db.transaction((tx) => removeLogo(tx, req.actor));
    return reply.code(204).send(null);
  });
  app.get(
    '/api/v1/public/branding',
    { config: { public: true }, schema: { tags: ['settings'], summary: 'The company name, logo and hotline every public page shows (no sign-in)', response: { 200: brandingView } } },
    async () => publicBranding(ctx.db),
  );
  app.get('/branding/logo', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
    const logo = await readLogo(ctx.db);
    if (!logo) return reply.code(404).type('text/plain').send('no logo');
    return reply.type(logo.type).header('cache-control', 'public, max-age=86400').header('x-content-type-options', 'nosniff').send(Buffer.from(logo.base64, 'base64'));
  });
}
