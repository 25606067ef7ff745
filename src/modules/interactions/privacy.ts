/**
 * The interactions module's personal-data hook (issue #18): the contacts logged with the person (沟通记录) and the tasks
 * about them. Erasure keeps each row (who called whom when: the team's workload and the return-visit figures) but not
 * what was said: an interaction's summary becomes 「[已删除]」 and its content, outcome and next step go; a task keeps its
 * type, due time and status, its title and result lose every identifying string of the person, its notes go.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { ERASED_TEXT, scrubText } from '../../platform/erasure.js';
import type { ErasureContext, PersonalDataHook } from '../privacy/index.js';
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
  async erase(db: DbOrTx, customerId: string, ctx: ErasureContext) {
    const logged = await db
      .update(interactions)
      .set({ summary: ERASED_TEXT, content: null, outcome: null, nextStep: null })
      .where(eq(interactions.customerId, customerId))
      .returning({ id: interactions.id });
    const rows = await db.select({ id: tasks.id, title: tasks.title, result: tasks.result }).from(tasks).where(eq(tasks.customerId, customerId));
    for (const r of rows)
      await db
        .update(tasks)
        .set({ title: scrubText(r.title, ctx.needles), result: scrubText(r.result, ctx.needles), notes: null })
        .where(and(eq(tasks.id, r.id), eq(tasks.customerId, customerId)));
    return { interactions: logged.length, tasks: rows.length };
  },
};
