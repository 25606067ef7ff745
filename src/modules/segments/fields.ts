/**
 * The field registry of segment rules: what a condition may name (`customer.city`, `tx.count`, `analytics.churnLevel`,
 * `custom.<key>` …), its type, the operators it takes, its options and parameters, and how it becomes SQL over the
 * customer directory (alias `c`). Built-in fields are registered by fields.customer.ts and fields.behaviour.ts; later
 * modules (surveys, loyalty …) add theirs with `registerSegmentField`, the way timeline sources are registered.
 *
 * Custom fields (`custom.<key>`) are not registered: they are made per rule from the active custom-field definitions
 * the caller passes in (`loadFieldContext(db)` reads them, with whether analytics results exist yet).
 */
import './fields.customer.js';
import './fields.behaviour.js';
import './fields.custom.js';

export {
  hasSegmentField,
  listSegmentFields,
  loadFieldContext,
  registerSegmentField,
  unregisterSegmentField,
  segmentField,
  type CheckedCondition,
  type CompileContext,
  type FieldContext,
  type OptionsSource,
  type SegmentFieldDef,
  type SegmentFieldGroup,
  type SegmentFieldOption,
  type SegmentFieldType,
  type SegmentFieldView,
  type SegmentParamInfo,
} from './fields.registry.js';
