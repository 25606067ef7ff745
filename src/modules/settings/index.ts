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
