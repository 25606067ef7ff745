/** The heating module's personal-data hook (issue #18): the household's arrears per heating season (欠费, a read model of its transactions). Erasure: arrears are amounts per season, the read model of the kept transactions: kept (the company is still owed). */
import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { PersonalDataHook } from '../privacy/index.js';
import { heatingArrears } from './schema.js';

export const heatingPersonalData: PersonalDataHook = {
  module: 'heating',
  tables: ['heating_arrears'],
  async export(db: DbOrTx, customerId: string) {
    const rows = await db.select().from(heatingArrears).where(eq(heatingArrears.customerId, customerId)).orderBy(asc(heatingArrears.seasonYear));
    return [{ name: 'arrears', table: 'heating_arrears', rows }];
  },
  async erase() {
    return {};
  },
};
