import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { isUniqueViolation, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import {
  countTeamDependents,
  findTeam,
  insertTeam,
  listTeams as listTeamRows,
  teamAndDescendants,
  updateTeam as updateTeamRow,
} from './accounts.repository.js';
import { invalidateDirectory } from './directory.js';
import { toTeamView } from './views.js';

type TeamInput = { name: string; kind: 'department' | 'group'; parentId?: string | null };

export async function listTeams(db: DbOrTx, actor: Actor | null) {
  requireAccess(actor, 'user:read');
  return (await listTeamRows(db)).map(toTeamView);
}

export async function createTeam(db: DbOrTx, actor: Actor | null, input: TeamInput) {
  requireAccess(actor, 'user:manage');
  if (input.parentId && !(await findTeam(db, input.parentId))) throw AppError.field('parentId', 'teams.not_found');
  try {
    const row = await insertTeam(db, { name: input.name, kind: input.kind, parentId: input.parentId ?? null });
    await recordAudit(db, actor, { action: 'create', entityType: 'team', entityId: row.id, changes: { name: row.name } });
    invalidateDirectory(db);
    return toTeamView(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw AppError.field('name', 'teams.name_taken', { value: input.name }, 'conflict');
    throw err;
  }
}

export async function updateTeam(db: DbOrTx, actor: Actor | null, id: string, input: Partial<TeamInput>) {
  requireAccess(actor, 'user:manage');
  const before = await findTeam(db, id);
  if (!before) throw AppError.notFound('teams.not_found');
  if (input.parentId) {
    if (!(await findTeam(db, input.parentId))) throw AppError.field('parentId', 'teams.not_found');
    if ((await teamAndDescendants(db, id)).includes(input.parentId)) throw AppError.field('parentId', 'teams.cycle');
  }
  try {
    const row = await updateTeamRow(db, id, input);
    if (!row) throw AppError.notFound('teams.not_found');
    await recordAudit(db, actor, {
      action: 'update',
      entityType: 'team',
      entityId: id,
      changes: { name: [before.name, row.name], parentId: [before.parentId, row.parentId] },
    });
    invalidateDirectory(db);
    return toTeamView(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw AppError.field('name', 'teams.name_taken', { value: input.name ?? '' }, 'conflict');
    throw err;
  }
}

/** Soft delete; refused while users or sub-teams still belong to the team. */
export async function deleteTeam(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'user:manage');
  const team = await findTeam(db, id);
  if (!team) throw AppError.notFound('teams.not_found');
  if ((await countTeamDependents(db, id)) > 0) throw AppError.conflict('teams.has_members');
  await updateTeamRow(db, id, { deletedAt: new Date() });
  await recordAudit(db, actor, { action: 'delete', entityType: 'team', entityId: id, changes: { name: team.name } });
  invalidateDirectory(db);
}
