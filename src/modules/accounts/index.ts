export { accountsRoutes } from './accounts.routes.js';
export { actorForUserId, authenticateSession, authenticateToken, type RequestInfo } from './auth.service.js';
export { ensureBuiltinRoles } from './roles.service.js';
export { runSetup, setupStatus } from './setup.service.js';
export { createUser } from './users.service.js';
export { findUserById, countUsers } from './accounts.repository.js';
export { setupBody, createUserBody, type SetupInput, type CreateUserInput } from './accounts.types.js';
export type { TeamView, UserView } from './accounts.contract.js';
export { findTeam } from './accounts.repository.js';
