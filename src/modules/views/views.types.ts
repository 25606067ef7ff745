/** Request schemas of the saved-views API. */
import { z } from 'zod';
import { trimmedText } from '../../platform/http/validation.js';
import { VIEW_LIMITS, VIEW_PAGES } from './views.contract.js';

export const viewState = z.strictObject({
  query: z.string().max(VIEW_LIMITS.query).describe("The list's URL search string (filters and sort), e.g. `status=new&sort=-createdAt`"),
  columns: z
    .array(z.string().trim().min(1).max(VIEW_LIMITS.column))
    .max(VIEW_LIMITS.columns)
    .optional()
    .describe('The visible column keys, where the page has columns'),
});

export const createViewBody = z.strictObject({
  page: z.enum(VIEW_PAGES),
  name: trimmedText(VIEW_LIMITS.name).min(1),
  state: viewState,
  teamId: z.uuid().nullable().optional().describe('null or absent: personal; a team the user belongs to: shared with its members'),
});
export type CreateViewInput = z.infer<typeof createViewBody>;

export const updateViewBody = z.strictObject({
  name: createViewBody.shape.name.optional(),
  state: viewState.optional(),
  teamId: createViewBody.shape.teamId,
});
export type UpdateViewInput = z.infer<typeof updateViewBody>;

export const viewListQuery = z.strictObject({
  page: z.enum(VIEW_PAGES),
  order: z.enum(['newest', 'name']).default('newest'),
});
export type ViewListQuery = z.infer<typeof viewListQuery>;

export const viewIdParam = z.strictObject({ id: z.uuid() });
