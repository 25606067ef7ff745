/** The interactions module's personal-data hook (issue #18): the contacts logged with the person (沟通记录) and the tasks about them. */
import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { PersonalDataHook } from '../privacy/index.js';
import { interactions, tasks } from './schema.js';

export const interactionPersonalData: PersonalDataHook = {
  module: 'interactions',
  tables: ['interactions', 'tasks'],
  async export(db: DbOrTx, customerId: string) {
    const logged = await db.select().from(interactions).where(eq(interactions.customerId, customerId)).orderBy(asc(interactions.occurredAt), asc(interactions.id));
    const taskRows = await db.select().from(tasks).where(eq(tasks.customerId, customerId)).orderBy(asc(tasks.createdAt), asc(tasks.id));
    return [
      { name: 'interactions', table: 'interactions', rows: logged },
      { name: 'tasks', table: 'tasks', rows: taskRows },
    ];
  },
};
