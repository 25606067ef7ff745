/** Response schemas of the settings API (see platform/http/response.ts), tied to settings.contract.ts. */
import { z } from 'zod';
import { responseOf } from '../../platform/http/response.js';
import type { CompanySettingsView } from './settings.contract.js';
import { CURRENCIES, TEMPLATES } from './settings.service.js';

export const companySettingsView = responseOf<CompanySettingsView>()(
  z.object({
    companyName: z.string(),
    template: z.enum(TEMPLATES),
    timezone: z.string().describe('IANA time zone, e.g. Asia/Shanghai'),
    currency: z.enum(CURRENCIES).describe('Currency of the amounts (stored in its minor unit)'),
    hotline: z.string().nullable().describe('The service hotline shown on the public pages'),
    logoUrl: z.string().nullable().describe('The company logo shown on the public pages'),
  }),
);
