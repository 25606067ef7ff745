import { z } from 'zod';
import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import { CURRENCIES, readCompanySettings, updateCompanySettings } from './settings.service.js';
import { companySettingsView } from './settings.schemas.js';

const settingsPatch = z.strictObject({
  companyName: z.string().trim().min(1).max(100).optional(),
  timezone: z.string().trim().min(1).max(64).optional(),
  currency: z.enum(CURRENCIES).optional().describe('Currency of the amounts (stored in its minor unit): CNY by default'),
});

export async function settingsRoutes(app: App, ctx: ServiceContext): Promise<void> {
  app.get('/api/v1/settings', { schema: { tags: ['settings'], summary: 'Company settings', response: { 200: companySettingsView } } }, async () =>
    readCompanySettings(ctx.db),
  );
  app.patch(
    '/api/v1/settings',
    { schema: { tags: ['settings'], summary: 'Change company settings', body: settingsPatch, response: { 200: companySettingsView } } },
    async (req) => ctx.db.transaction((tx) => updateCompanySettings(tx, req.actor, req.body)),
  );
}
