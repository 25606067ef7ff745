export {
  readCompanySettings,
  writeCompanySettings,
  updateCompanySettings,
  readSetting,
  writeSetting,
  TEMPLATES,
  CURRENCIES,
  type Currency,
  type Template,
  type CompanySettings,
} from './settings.service.js';
export { settingsRoutes } from './settings.routes.js';
export { companySettingsView } from './settings.schemas.js';
export type { CompanySettingsView } from './settings.contract.js';
export { writeSettingIfAbsent } from './settings.service.js';
export { companyClock } from './clock.js';
export { BRAND_SLOT, brandingHtml, brandingLine, registerBrandingSlot, companySettingsView as companySettingsWithLogo, publicBranding, type PublicBranding } from './branding.js';
export { ensureTemplateFields, HEATED_AREA_FIELD, TEMPLATE_FIELDS } from './templates.js';
export { openSettingSecret, sealedSettingStore, sealSettingSecret, settingSecretContext } from './secrets.js';
