/** Response schemas of the saved-views API. */
import { z } from 'zod';
import { itemsOf, responseOf } from '../../platform/http/response.js';
import { VIEW_PAGES, type SavedViewItem, type SavedViewList } from './views.contract.js';

export const savedViewItem = responseOf<SavedViewItem>()(
  z.object({
    id: z.string(),
    page: z.enum(VIEW_PAGES),
    name: z.string(),
    state: z.object({ query: z.string(), columns: z.array(z.string()).optional() }),
    teamId: z.string().nullable(),
    teamName: z.string().nullable(),
    ownerId: z.string(),
    ownerName: z.string(),
    mine: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);
export const savedViewList = responseOf<SavedViewList>()(itemsOf(savedViewItem));
