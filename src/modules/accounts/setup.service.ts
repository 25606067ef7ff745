import { sql } from 'drizzle-orm';
import { systemActor, type Actor } from '../../platform/auth/permissions.js';
import type { Db, DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import type { Locale } from '../../platform/i18n/index.js';
import { ensureTemplateFields, readCompanySettings, writeCompanySettings, type Template } from '../settings/index.js';
import { recordAudit } from '../audit/index.js';
import { countUsers, insertTeam } from './accounts.repository.js';
import type { SetupInput } from './accounts.types.js';
import { invalidateDirectory } from './directory.js';
import { createUser } from './users.service.js';
import type { UserView } from './accounts.contract.js';

export async function setupStatus(db: DbOrTx): Promise<{ needed: boolean; companyName: string | null }> {
  const needed = (await countUsers(db)) === 0;
  return { needed, companyName: needed ? null : (await readCompanySettings(db)).companyName };
}

/** Teams a template starts with: the heating utility's service centre, repair crew and account managers. */
const TEMPLATE_TEAMS: Record<Template, { name: string; kind: 'department' | 'group'; children?: string[] }[]> = {
  blank: [],
  heating: [
    { name: '客服中心', kind: 'department', children: ['一线客服班组', '维修班组'] },
    { name: '客户经理部', kind: 'department', children: [] },
  ],
};

/**
 * First run: company, template and the first admin, all or nothing. Only while no user exists; the advisory lock
 * makes two concurrent attempts safe.
 */
export async function runSetup(
  db: Db,
  input: SetupInput,
  info: { ip: string | null; userAgent: string | null; locale: Locale; via?: Actor['via'] },
): Promise<UserView> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(72420001)`);
    if ((await countUsers(tx)) > 0) throw AppError.conflict('setup.done');
    const actor: Actor = { ...systemActor(info.via === 'cli' ? 'cli' : 'system', info.locale), ip: info.ip, userAgent: info.userAgent };
    await writeCompanySettings(tx, { companyName: input.companyName, template: input.template });
    for (const team of TEMPLATE_TEAMS[input.template]) {
      const parent = await insertTeam(tx, { name: team.name, kind: team.kind });
      for (const child of team.children ?? []) await insertTeam(tx, { name: child, kind: 'group', parentId: parent.id });
    }
    await ensureTemplateFields(tx, actor, input.template);
    const admin = await createUser(tx, actor, { ...input.admin, roleKey: 'admin' }, { firstAdmin: true }).catch((err: unknown) => {
      // The user's fields are under `admin` in the setup body: name them as the caller sent them (admin.password).
      if (!(err instanceof AppError) || !err.issues.length) throw err;
      throw new AppError(err.code, err.key, err.params, err.issues.map((i) => ({ ...i, field: `admin.${i.field}` })));
    });
    await recordAudit(tx, actor, {
      action: 'setup',
      entityType: 'settings',
      entityId: 'company',
      changes: { companyName: input.companyName, template: input.template, admin: admin.username },
    });
    invalidateDirectory(db);
    return admin;
  });
}
