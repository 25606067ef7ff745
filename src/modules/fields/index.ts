export { customFieldRoutes } from './fields.routes.js';
export {
  activeCustomFields,
  createCustomField,
  checkCustomValue,
  displayCustomValue,
  mergeCustomValues,
  parseCustomFilter,
  validatedCustomValues,
  type CustomCondition,
  type CustomFieldDef,
} from './fields.service.js';
export type { CustomFieldView, CustomValue, CustomValues } from './fields.contract.js';
export { customValue } from './fields.schemas.js';
