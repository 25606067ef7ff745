/**
 * The imports module's personal-data hook (issue #18). A rejected row keeps the file's cells as they were (the report
 * shows them), linked to no customer, so the export gives nothing; but a rejected row holding one of the person's
 * identifying strings (phone or ID number, full address, a name no one else bears) is theirs, and erasure blanks every
 * cell of it and scrubs its message parameters. (The uploaded files themselves are deleted when their job expires.)
 */
import { eq, or } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { ERASED_MARK, scrubJson, sqlHoldsAny } from '../../platform/erasure.js';
import type { ErasureContext, PersonalDataHook } from '../privacy/index.js';
import { importRejects } from './schema.js';

export const importPersonalData: PersonalDataHook = {
  module: 'imports',
  tables: ['import_rejects'],
  async export() {
    return [];
  },
  async erase(db: DbOrTx, _customerId: string, ctx: ErasureContext) {
    const rows = await db
      .select({ id: importRejects.id, cells: importRejects.cells, params: importRejects.params })
      .from(importRejects)
      .where(or(sqlHoldsAny(importRejects.cells, ctx.everywhere), sqlHoldsAny(importRejects.params, ctx.everywhere)));
    for (const r of rows)
      await db
        .update(importRejects)
        .set({ cells: r.cells.map((c) => (c ? ERASED_MARK : c)), params: scrubJson(r.params, ctx.everywhere) })
        .where(eq(importRejects.id, r.id));
    return { import_rejects: rows.length };
  },
};
