/** Response schema of the global search (see platform/http/response.ts), tied to search.contract.ts. */
import { z } from 'zod';
import { responseOf } from '../../platform/http/response.js';
import { SEARCH_GROUPS, type SearchResult } from './search.contract.js';

export const searchResult = responseOf<SearchResult>()(
  z.strictObject({
    q: z.string().describe('The text searched (trimmed)'),
    groups: z
      .array(
        z.strictObject({
          group: z.enum(SEARCH_GROUPS),
          hits: z.array(
            z.strictObject({
              id: z.string(),
              title: z.string(),
              subtitle: z.string().nullable().describe('A second line: masked phone and address, ticket number and status, …'),
              link: z.string().nullable().describe('The app path the hit opens (null: no page for this caller)'),
            }),
          ),
        }),
      )
      .describe('Only the groups the caller may search, in a fixed order; each filtered by its module’s permission and data scope'),
  }),
);
