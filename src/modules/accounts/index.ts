export { accountsRoutes } from './accounts.routes.js';
export { actorForUserId, actorOfUser, authenticateSession, authenticateToken, type RequestInfo } from './auth.service.js';
export { ensureBuiltinRoles } from './roles.service.js';
export { runSetup, setupStatus } from './setup.service.js';
export { createUser } from './users.service.js';
export { createToken } from './tokens.service.js';
export { findUserById, countUsers } from './accounts.repository.js';
export { setupBody, createUserBody, type SetupInput, type CreateUserInput } from './accounts.types.js';
export type { TeamView, UserView } from './accounts.contract.js';
export { findTeam } from './accounts.repository.js';
export { createTeam, listTeams } from './teams.service.js';
export { teamDirectory, userDirectory } from './schema.js';
export { teamAndDescendants } from './accounts.repository.js';
export { userNames, usersHoldingPermission } from './queries.js';
export { userDashboardTiles } from './dashboard.tiles.js';
export { userSearchSource } from './search.source.js';
export { totpSecretStore } from './twofactor.service.js'; // TOTP secrets, sealed at rest (issue #18)
