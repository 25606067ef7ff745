import type { ServiceContext } from '../../platform/context.js';
import { noContent } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import {
  articleVersions,
  createArticle,
  createCategory,
  deleteArticle,
  deleteCategory,
  ensureKbSeed,
  getArticle,
  listArticles,
  listCategories,
  publicArticle,
  publicArticles,
  publicCategories,
  recordUse,
  restoreArticle,
  restoreVersion,
  suggestArticles,
  updateArticle,
  updateCategory,
} from './kb.service.js';
import {
  articleListQuery,
  createArticleBody,
  createCategoryBody,
  idParam,
  publicArticleQuery,
  restoreVersionBody,
  suggestionsBody,
  suggestionsQuery,
  updateArticleBody,
  updateCategoryBody,
  versionParam,
} from './kb.types.js';
import {
  kbArticle,
  kbArticlePage,
  kbArticleUseCount,
  kbArticleVersionList,
  kbCategory,
  kbCategoryList,
  kbPublicArticle,
  kbPublicArticlePage,
  kbPublicCategoryList,
  kbSuggestionList,
} from './kb.schemas.js';

export async function kbRoutes(app: App, ctx: ServiceContext): Promise<void> {
  const { db } = ctx;
  // The heating template's starter articles appear the first time the knowledge base is used.
  const seed = () => ensureKbSeed(db);
  const tags = ['knowledge base'];
  const art = { fieldLabels: 'kbArticle' };
  const cat = { fieldLabels: 'kbCategory' };

  // ---- categories ----
  app.get('/api/v1/kb/categories', { schema: { tags, summary: 'The category tree (flat, with parentId), with article counts', response: { 200: kbCategoryList } } }, async (req) => {
    await seed();
    return listCategories(db, req.actor);
  });
  app.post('/api/v1/kb/categories', { schema: { tags, summary: 'Create a category', body: createCategoryBody, response: { 201: kbCategory } }, config: cat }, async (req, reply) => {
    await seed();
    return reply.code(201).send(await db.transaction((tx) => createCategory(tx, req.actor, req.body)));
  });
  app.patch('/api/v1/kb/categories/:id', { schema: { tags, summary: 'Rename, move or reorder a category', params: idParam, body: updateCategoryBody, response: { 200: kbCategory } }, config: cat }, async (req) =>
    db.transaction((tx) => updateCategory(tx, req.actor, req.params.id, req.body)),
  );
  app.delete('/api/v1/kb/categories/:id', { schema: { tags, summary: 'Delete an empty category', params: idParam, response: { 204: noContent } }, config: cat }, async (req, reply) => {
    await db.transaction((tx) => deleteCategory(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });

  // ---- articles ----
  app.get(
    '/api/v1/kb/articles',
    { schema: { tags, summary: 'Articles: search (Chinese segmented), category subtree, status, trash; readers see published ones', querystring: articleListQuery, response: { 200: kbArticlePage } }, config: art },
    async (req) => {
      await seed();
      return listArticles(db, req.actor, req.query);
    },
  );
  app.post('/api/v1/kb/articles', { schema: { tags, summary: 'Create an article', body: createArticleBody, response: { 201: kbArticle } }, config: art }, async (req, reply) => {
    await seed();
    return reply.code(201).send(await db.transaction((tx) => createArticle(tx, req.actor, req.body)));
  });
  app.get('/api/v1/kb/articles/:id', { schema: { tags, summary: 'One article', params: idParam, response: { 200: kbArticle } } }, async (req) => getArticle(db, req.actor, req.params.id));
  app.patch(
    '/api/v1/kb/articles/:id',
    { schema: { tags, summary: 'Change an article (a new version when the text changes)', params: idParam, body: updateArticleBody, response: { 200: kbArticle } }, config: art },
    async (req) => db.transaction((tx) => updateArticle(tx, req.actor, req.params.id, req.body)),
  );
  app.delete('/api/v1/kb/articles/:id', { schema: { tags, summary: 'Move an article to the trash (restorable)', params: idParam, response: { 204: noContent } } }, async (req, reply) => {
    await db.transaction((tx) => deleteArticle(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });
  app.post('/api/v1/kb/articles/:id/restore', { schema: { tags, summary: 'Restore an article from the trash', params: idParam, response: { 200: kbArticle } } }, async (req) =>
    db.transaction((tx) => restoreArticle(tx, req.actor, req.params.id)),
  );
  app.get('/api/v1/kb/articles/:id/versions', { schema: { tags, summary: "An article's saved versions, newest first", params: idParam, response: { 200: kbArticleVersionList } } }, async (req) =>
    articleVersions(db, req.actor, req.params.id),
  );
  app.post(
    '/api/v1/kb/articles/:id/versions/:n/restore',
    {
      schema: { tags, summary: 'Make an old version the current text (a new version; 409 unless `version` is still the current one)', params: versionParam, body: restoreVersionBody, response: { 200: kbArticle } },
      config: art,
    },
    async (req) => db.transaction((tx) => restoreVersion(tx, req.actor, req.params.id, req.params.n, req.body)),
  );
  app.post('/api/v1/kb/articles/:id/uses', { schema: { tags, summary: '插入回复: count one use of the article in a reply', params: idParam, response: { 200: kbArticleUseCount } } }, async (req) =>
    db.transaction((tx) => recordUse(tx, req.actor, req.params.id)),
  );
  app.get(
    '/api/v1/kb/suggestions',
    {
      schema: {
        tags,
        summary: "Articles suggested for a short text: { items: [{ id, title, snippet, body }] }. A URL over ~1,200 Chinese characters is refused (431): POST longer texts",
        querystring: suggestionsQuery,
        response: { 200: kbSuggestionList },
      },
      config: art,
    },
    async (req) => {
      await seed();
      return suggestArticles(db, req.actor, req.query.text, req.query.limit);
    },
  );
  app.post(
    '/api/v1/kb/suggestions',
    { schema: { tags, summary: "Articles suggested for a ticket's text (up to 5,000 characters, in the body): { items: [{ id, title, snippet, body }] }", body: suggestionsBody, response: { 200: kbSuggestionList } }, config: art },
    async (req) => {
      await seed();
      return suggestArticles(db, req.actor, req.body.text, req.body.limit);
    },
  );

  // ---- the public self-service answers page (no sign-in; published and public articles only) ----
  const ptags = ['public'];
  const limited = { public: true, fieldLabels: 'kbArticle', rateLimit: { max: 120, timeWindow: '1 minute' } };
  app.get('/api/v1/public/kb/categories', { schema: { tags: ptags, summary: 'Categories with public articles', response: { 200: kbPublicCategoryList } }, config: limited }, async () => {
    await seed();
    return publicCategories(db);
  });
  app.get('/api/v1/public/kb/articles', { schema: { tags: ptags, summary: 'Search or list public articles', querystring: publicArticleQuery, response: { 200: kbPublicArticlePage } }, config: limited }, async (req) => {
    await seed();
    return publicArticles(db, req.query);
  });
  app.get('/api/v1/public/kb/articles/:id', { schema: { tags: ptags, summary: 'One public article (counts a view)', params: idParam, response: { 200: kbPublicArticle } }, config: limited }, async (req) =>
    publicArticle(db, req.params.id),
  );
}
