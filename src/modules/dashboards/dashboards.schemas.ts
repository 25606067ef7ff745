/** Request and response schemas of the dashboards API (see platform/http/response.ts), tied to dashboards.contract.ts. */
import { z } from 'zod';
import { responseOf } from '../../platform/http/response.js';
import { DASHBOARD_BOARDS, TILE_TONES, TILE_UNITS, type DashboardHome, type DashboardTileView } from './dashboards.contract.js';

export const homeQuery = z.strictObject({
  board: z.enum(DASHBOARD_BOARDS).optional().describe('Another board than the one the role lands on (one of `boards`)'),
});

const link = z.string().nullable().describe('An app path with its filter (e.g. /tickets?view=mine): where it drills to');
const unit = z.enum(TILE_UNITS).describe('count, fen (money), percent (0–100), score, hours or bytes');
const tone = z.enum(TILE_TONES);

export const dashboardTileView = responseOf<DashboardTileView>()(
  z.strictObject({
    key: z.string().describe('<module>.<tile>'),
    title: z.string(),
    description: z.string().nullable(),
    stats: z.array(z.strictObject({ label: z.string(), value: z.number().nullable(), unit, tone, link })),
    rows: z.array(
      z.strictObject({ id: z.string(), label: z.string(), detail: z.string().nullable(), at: z.string().nullable().describe('ISO 8601 date-time'), tone, link }),
    ),
    chart: z
      .strictObject({
        kind: z.enum(['line', 'bar']),
        unit,
        x: z.array(z.string()),
        series: z.array(z.strictObject({ name: z.string(), values: z.array(z.number().nullable()), links: z.array(z.string().nullable()) })),
      })
      .nullable(),
    link,
  }),
);

export const dashboardHome = responseOf<DashboardHome>()(
  z.strictObject({
    board: z.enum(DASHBOARD_BOARDS),
    boards: z.array(z.enum(DASHBOARD_BOARDS)).describe('The boards this user may switch to'),
    asOf: z.string().describe('ISO 8601 date-time the figures were computed at'),
    tiles: z.array(dashboardTileView),
  }),
);
