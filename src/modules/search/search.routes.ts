import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import { searchResult } from './search.schemas.js';
import { search } from './search.service.js';
import { searchQuery } from './search.types.js';

export async function searchRoutes(app: App, ctx: ServiceContext): Promise<void> {
  app.get(
    '/api/v1/search',
    {
      schema: {
        tags: ['search'],
        summary: 'Global search (Ctrl+K): customers, tickets, knowledge-base articles and users, each group as its own list filters it for the caller',
        querystring: searchQuery,
        response: { 200: searchResult },
      },
    },
    async (req) => search(ctx.db, req.actor, req.query),
  );
}
