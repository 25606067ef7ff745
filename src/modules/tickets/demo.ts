/**
 * What the demo's service history (demo/activity.ts) uses to play tickets through this module's own rules: the
 * agents' and the household's services, and the heating template's categories and root causes by their stable keys.
 */
import type { DbOrTx } from '../../platform/db/client.js';
import { DEFAULT_ROOT_CAUSES, HEATING_CATEGORIES } from './tickets.contract.js';
import { addReply } from './tickets.conversation.js';
import { createTicket, ensureTicketDefaults } from './tickets.intake.js';
import { rateTicket } from './tickets.public.js';
import * as repo from './tickets.repository.js';
import { resolveTicket } from './tickets.workflow.js';

export type HeatingCategoryKey = (typeof HEATING_CATEGORIES)[number]['key'];

export const demoTicketServices = {
  createTicket,
  addReply,
  resolveTicket,
  rateTicket,
  /** The id of a heating category (by its key), or null when the installation has no such category. */
  async categoryIdOf(db: DbOrTx, key: HeatingCategoryKey): Promise<string | null> {
    await ensureTicketDefaults(db);
    const name = HEATING_CATEGORIES.find((c) => c.key === key)?.zh;
    return (await repo.listCategories(db)).find((c) => c.nameZh === name && c.active)?.id ?? null;
  },
  /** The id of a default root cause (by its index in DEFAULT_ROOT_CAUSES); the first active one when it is gone. */
  async rootCauseIdOf(db: DbOrTx, index: number): Promise<string> {
    await ensureTicketDefaults(db);
    const causes = (await repo.listRootCauses(db)).filter((c) => c.active);
    const name = DEFAULT_ROOT_CAUSES[index]?.zh;
    const cause = causes.find((c) => c.nameZh === name) ?? causes[0];
    if (!cause) throw new Error('no active ticket root cause');
    return cause.id;
  },
};
