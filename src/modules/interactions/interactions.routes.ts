import type { ServiceContext } from '../../platform/context.js';
import { noContent } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import { assigneeList, interactionPage, interactionView, taskBulkResult, taskCounts, taskPage, taskView, timelinePage } from './interactions.schemas.js';
import { deleteInteraction, listInteractions, logInteraction, restoreInteraction, updateInteraction } from './interactions.service.js';
import {
  bulkTasksBody,
  completeTaskBody,
  createInteractionBody,
  createTaskBody,
  customerIdParam,
  idParam,
  interactionListQuery,
  myTasksQuery,
  taskListQuery,
  timelineQuery,
  updateInteractionBody,
  updateTaskBody,
} from './interactions.types.js';
import { assignableUsers, completeTask, createTask, listTasks, myTaskCounts, myTasks, updateTask } from './tasks.service.js';
import { customerTimeline } from './timeline.js';
import { bulkTasks } from './tasks.bulk.js';

export async function interactionRoutes(app: App, ctx: ServiceContext): Promise<void> {
  const { db } = ctx;
  const tags = ['interactions'];

  app.get(
    '/api/v1/customers/:id/timeline',
    {
      schema: {
        tags,
        summary: "A customer's timeline: interactions, transactions, completed tasks and other modules' events, newest first",
        params: customerIdParam,
        querystring: timelineQuery,
        response: { 200: timelinePage },
      },
      config: { fieldLabels: 'timeline' },
    },
    async (req) => customerTimeline(db, req.actor, req.params.id, req.query),
  );
  app.get(
    '/api/v1/customers/:id/interactions',
    { schema: { tags, summary: "A customer's interactions (newest first); deleted=only for the deleted ones", params: customerIdParam, querystring: interactionListQuery, response: { 200: interactionPage } } },
    async (req) => listInteractions(db, req.actor, req.params.id, req.query),
  );
  app.post(
    '/api/v1/customers/:id/interactions',
    { schema: { tags, summary: 'Log a call, visit, email, SMS, WeChat message, chat, meeting or seminar', params: customerIdParam, body: createInteractionBody, response: { 201: interactionView } } },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => logInteraction(tx, req.actor, req.params.id, req.body))),
  );
  app.patch(
    '/api/v1/interactions/:id',
    { schema: { tags, summary: 'Correct an interaction', params: idParam, body: updateInteractionBody, response: { 200: interactionView } } },
    async (req) => db.transaction((tx) => updateInteraction(tx, req.actor, req.params.id, req.body)),
  );
  app.delete('/api/v1/interactions/:id', { schema: { tags, summary: 'Delete an interaction (restorable)', params: idParam, response: { 204: noContent } } }, async (req, reply) => {
    await db.transaction((tx) => deleteInteraction(tx, req.actor, req.params.id));
    return reply.code(204).send();
  });
  app.post(
    '/api/v1/interactions/:id/restore',
    { schema: { tags, summary: 'Restore a deleted interaction', params: idParam, response: { 200: interactionView } } },
    async (req) => db.transaction((tx) => restoreInteraction(tx, req.actor, req.params.id)),
  );

  const ttags = ['tasks'];
  const labels = { fieldLabels: 'task' };
  app.get(
    '/api/v1/tasks/mine',
    { schema: { tags: ttags, summary: 'My tasks in one bucket: today, overdue, upcoming (company time zone), open, done, cancelled', querystring: myTasksQuery, response: { 200: taskPage } }, config: labels },
    async (req) => myTasks(db, req.actor, req.query),
  );
  app.get(
    '/api/v1/tasks/mine/counts',
    { schema: { tags: ttags, summary: 'How many of my open tasks are overdue, due today and upcoming', response: { 200: taskCounts } } },
    async (req) => myTaskCounts(db, req.actor),
  );
  app.get(
    '/api/v1/tasks/assignees',
    { schema: { tags: ttags, summary: 'The people I may assign tasks to (myself, or my data scope’s people)', response: { 200: assigneeList } } },
    async (req) => ({ items: await assignableUsers(db, req.actor) }),
  );
  app.get(
    '/api/v1/tasks',
    { schema: { tags: ttags, summary: "Tasks I can see: a customer's, or my own and (managers) my people's", querystring: taskListQuery, response: { 200: taskPage } }, config: labels },
    async (req) => listTasks(db, req.actor, req.query),
  );
  app.post(
    '/api/v1/tasks',
    { schema: { tags: ttags, summary: 'Create a task (回访, 关怀, 挽回, 其他) for myself or, as a manager, for someone in my scope', body: createTaskBody, response: { 201: taskView } }, config: labels },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => createTask(tx, req.actor, req.body))),
  );
  app.post(
    '/api/v1/tasks/bulk',
    {
      schema: {
        tags: ttags,
        summary: 'Reassign, move, complete or cancel up to 500 tasks: each by the rules of a single change, each reported (done, unchanged, refused and why)',
        body: bulkTasksBody,
        response: { 200: taskBulkResult },
      },
      config: labels,
    },
    async (req) => db.transaction((tx) => bulkTasks(tx, req.actor, req.body)),
  );
  app.patch(
    '/api/v1/tasks/:id',
    { schema: { tags: ttags, summary: 'Change, reassign, cancel or reopen a task', params: idParam, body: updateTaskBody, response: { 200: taskView } }, config: labels },
    async (req) => db.transaction((tx) => updateTask(tx, req.actor, req.params.id, req.body)),
  );
  app.post(
    '/api/v1/tasks/:id/complete',
    {
      schema: { tags: ttags, summary: 'Complete a task with its result; a return visit logs the interaction in the same transaction', params: idParam, body: completeTaskBody, response: { 200: taskView } },
      config: labels,
    },
    async (req) => db.transaction((tx) => completeTask(tx, req.actor, req.params.id, req.body)),
  );
}
