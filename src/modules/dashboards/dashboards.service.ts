/**
 * The home page: which board a user lands on, and its tiles loaded for them. Any signed-in user has a home page;
 * what is on it follows their permissions (a tile needs its own) and their data scope (each tile's loader applies it).
 */
import { requireAccess, type Actor, type Permission } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { companyClock } from '../settings/index.js';
import { DASHBOARD_BOARDS, type DashboardBoard, type DashboardHome } from './dashboards.contract.js';
import { boardTiles } from './tiles.js';

/** The board each built-in role lands on. */
const ROLE_BOARD: Record<string, DashboardBoard> = {
  admin: 'admin',
  manager: 'manager',
  marketer: 'manager',
  account_manager: 'account',
  viewer: 'account',
  agent: 'agent',
};

/** A custom role's board, from what it may do: administration, then management, then a customer book, else the agent's. */
function boardOf(actor: Actor): DashboardBoard {
  const byRole = ROLE_BOARD[actor.roleKey];
  if (byRole) return byRole;
  const has = (p: Parameters<typeof actor.permissions.has>[0]) => actor.permissions.has(p);
  if (has('user:manage')) return 'admin';
  if (has('ticket:manage') || has('campaign:manage') || has('survey:manage')) return 'manager';
  if (has('analytics:read') && !has('ticket:write')) return 'account';
  return 'agent';
}

/**
 * Who may open a board at all (one of these permissions), before its tiles' own: the system board is for those who
 * administer users or settings, the management board for those who manage service, campaigns or surveys. A user
 * who may import customers still has no system board for the one import tile on it.
 */
const BOARD_NEEDS: Record<DashboardBoard, readonly Permission[]> = {
  agent: ['customer:read', 'ticket:read'],
  account: ['customer:read', 'analytics:read'],
  manager: ['ticket:manage', 'campaign:manage', 'survey:manage', 'user:manage'],
  admin: ['user:manage', 'settings:manage'],
};

/** The boards the actor may open and has at least one tile on, in the fixed order. */
export function availableBoards(actor: Actor): DashboardBoard[] {
  return DASHBOARD_BOARDS.filter((b) => BOARD_NEEDS[b].some((p) => actor.permissions.has(p)) && boardTiles(b, actor).length > 0);
}

export async function homeDashboard(db: DbOrTx, actor: Actor | null, opts: { board?: DashboardBoard; now?: Date } = {}): Promise<DashboardHome> {
  requireAccess(actor);
  const now = opts.now ?? new Date();
  const boards = availableBoards(actor);
  let board: DashboardBoard;
  if (opts.board) {
    if (!boards.includes(opts.board)) throw AppError.field('board', 'dashboards.board_unavailable', { value: opts.board });
    board = opts.board;
  } else {
    const own = boardOf(actor);
    board = boards.includes(own) ? own : (boards[0] ?? own);
  }
  const clock = await companyClock(db, now);
  const ctx = { db, actor, now, locale: actor.locale, zone: clock.zone, today: clock.today };
  // One after another: on the embedded database queries queue on its one connection anyway, and a board has a
  // handful of tiles, each a few indexed queries.
  const tiles = [];
  for (const tile of boardTiles(board, actor)) tiles.push({ key: tile.key, ...(await tile.load(ctx)) });
  return { board, boards, asOf: now.toISOString(), tiles };
}
