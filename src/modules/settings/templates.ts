/**
 * What a company template starts with in the custom fields: the heating template's 供暖面积(㎡) (`heated_area`, a
 * number), made at first-run setup (accounts/setup.service.ts). One definition: the heating demo (demo.service.ts)
 * calls the same function and so finds the field setup made instead of making a second one (and makes it on an
 * installation set up blank). The import's header matching maps 「供暖面积」 to it by its labels.
 */
import type { Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { activeCustomFields, createCustomField } from '../fields/index.js';
import type { Template } from './settings.service.js';

type FieldDefinition = Parameters<typeof createCustomField>[2];

export const HEATED_AREA_FIELD: FieldDefinition = { key: 'heated_area', labelZh: '供暖面积(㎡)', labelEn: 'Heated area (m²)', type: 'number', options: [], required: false };

export const TEMPLATE_FIELDS: Record<Template, readonly FieldDefinition[]> = {
  blank: [],
  heating: [HEATED_AREA_FIELD],
};

/** Makes the template's custom fields that are not there yet (by key, among the active fields); audited as any field. */
export async function ensureTemplateFields(db: DbOrTx, actor: Actor | null, template: Template): Promise<void> {
  const have = new Set((await activeCustomFields(db)).map((f) => f.key));
  for (const field of TEMPLATE_FIELDS[template]) {
    if (!have.has(field.key)) await createCustomField(db, actor, field);
  }
}
