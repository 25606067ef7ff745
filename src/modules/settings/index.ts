export {
  readCompanySettings,
  writeCompanySettings,
  updateCompanySettings,
  readSetting,
  writeSetting,
  TEMPLATES,
  type Template,
  type CompanySettings,
} from './settings.service.js';
export { settingsRoutes } from './settings.routes.js';
