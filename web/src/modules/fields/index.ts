// The custom-fields module as other modules see it: the fields' look-up, inputs, filters and display. Its settings
// page is in routes.ts.

export { fieldLabel, useCustomFields } from './api';
export { CustomFieldFilters, CustomFieldsSection, formatCustomValue, useCustomDescriptionItems } from './CustomFieldInputs';
export * as fieldsMessages from './messages';
