/**
 * The registry of dashboard tiles, filled by the modules at start (src/app.ts registers each module's exported
 * tiles, as it does timeline sources): the dashboards module knows no other module's data. A tile says on which
 * boards it appears, where, which permissions it needs, and how to load its figures for an actor — within the actor's
 * data scope, which the module applies as it does for its own lists (customerAccess).
 */
import type { Actor, Permission } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import type { Locale } from '../../platform/i18n/index.js';
import type { DashboardBoard, DashboardTileView } from './dashboards.contract.js';

/** What a tile's loader is given: the database, the actor (scope, locale), now, and the company's zone and day. */
export type TileContext = { db: DbOrTx; actor: Actor; now: Date; locale: Locale; zone: string; today: string };

export type DashboardTileDef = {
  /** Stable and unique: `<module>.<name>`. */
  key: string;
  /** The boards it appears on, and its position there (ascending). */
  boards: readonly DashboardBoard[];
  order: number;
  /** All of them are needed; without them the tile is left off (never an error). */
  permissions: readonly Permission[];
  load(ctx: TileContext): Promise<Omit<DashboardTileView, 'key'>>;
};

const tiles = new Map<string, DashboardTileDef>();

export function registerDashboardTile(tile: DashboardTileDef): void {
  if (tiles.has(tile.key)) throw new Error(`dashboard tile ${tile.key} is registered twice`);
  tiles.set(tile.key, tile);
}

/** The tiles of a board that the actor may see, in order. */
export function boardTiles(board: DashboardBoard, actor: Actor): DashboardTileDef[] {
  return [...tiles.values()]
    .filter((t) => t.boards.includes(board) && t.permissions.every((p) => actor.permissions.has(p)))
    .sort((a, b) => a.order - b.order || a.key.localeCompare(b.key));
}

/** Every registered tile (tests walk them). */
export function registeredTiles(): DashboardTileDef[] {
  return [...tiles.values()];
}
