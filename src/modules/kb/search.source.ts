/**
 * The knowledge base's part of the global search (`kbSearchSource`, registered in src/app.ts): the article list's own
 * search (jieba-segmented words ranked by idf × ts_rank, synonyms, the typed fragment), published articles only for
 * readers, as `GET /kb/articles?q=` answers them.
 */
import { can, type Actor } from '../../platform/auth/permissions.js';
import type { Db } from '../../platform/db/client.js';
import type { SearchQuery, SearchSource } from '../search/index.js';
import { ensureKbSeed, listArticles } from './kb.service.js';

export const kbSearchSource: SearchSource = {
  group: 'articles',
  async search(db: Db, actor: Actor, q: SearchQuery) {
    if (!can(actor, 'kb:read')) return null;
    await ensureKbSeed(db); // the heating template's starter articles, the first time the knowledge base is used
    const page = await listArticles(db, actor, { q: q.text, deleted: 'exclude', limit: q.limit });
    return page.items.map((a) => ({
      id: a.id,
      title: a.title,
      subtitle: a.snippet ?? a.summary ?? null,
      link: `/kb?article=${a.id}`,
    }));
  },
};
