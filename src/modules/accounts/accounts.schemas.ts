/** Response schemas of the accounts API (see platform/http/response.ts), tied to accounts.contract.ts. */
import { z } from 'zod';
import { itemsOf, responseOf } from '../../platform/http/response.js';
import { companySettingsView, type CompanySettingsView } from '../settings/index.js';
import type {
  CreatedTokenView,
  LoginView,
  MeView,
  RoleView,
  SetupResultView,
  SetupStatusView,
  TeamView,
  TokenView,
  UserView,
} from './accounts.contract.js';

const instant = z.string().describe('ISO 8601 date-time');
const scope = z.enum(['own', 'team', 'all']).describe('Data scope: own customers, the team (and teams below), or all');

export const userView = responseOf<UserView>()(
  z.object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    mobile: z.string().nullable(),
    email: z.string().nullable(),
    roleKey: z.string(),
    teamId: z.uuid().nullable(),
    active: z.boolean(),
    locale: z.string().nullable().describe('zh-CN or en; null: the browser decides'),
    locked: z.boolean().describe('Locked after too many failed sign-ins'),
    lastLoginAt: instant.nullable(),
    createdAt: instant,
    twoFactor: z.boolean().optional().describe("The user admins' list only: two-factor sign-in is on"),
  }),
);
export const userList = responseOf<{ items: UserView[] }>()(itemsOf(userView));

export const teamView = responseOf<TeamView>()(
  z.object({ id: z.uuid(), name: z.string(), kind: z.enum(['department', 'group']), parentId: z.uuid().nullable() }),
);
export const teamList = responseOf<{ items: TeamView[] }>()(itemsOf(teamView));

export const roleView = responseOf<RoleView>()(
  z.object({ key: z.string(), scope, permissions: z.array(z.string()), builtin: z.boolean(), customized: z.boolean() }),
);
export const roleList = responseOf<{ items: RoleView[] }>()(itemsOf(roleView));

const tokenFields = {
  id: z.uuid(),
  userId: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the token, to recognise it'),
  permissions: z.array(z.string()),
  createdAt: instant,
  lastUsedAt: instant.nullable(),
  expiresAt: instant.nullable(),
  revokedAt: instant.nullable(),
};
export const tokenView = responseOf<TokenView>()(z.object(tokenFields));
export const tokenList = responseOf<{ items: TokenView[] }>()(itemsOf(tokenView));
export const createdTokenView = responseOf<CreatedTokenView>()(
  z.object({ ...tokenFields, token: z.string().describe('The secret: shown only this once') }),
);

export const setupStatusView = responseOf<SetupStatusView>()(z.object({ needed: z.boolean(), companyName: z.string().nullable() }));
export const setupResultView = responseOf<SetupResultView>()(z.object({ admin: userView }));
export const loginView = responseOf<LoginView>()(
  z.object({
    user: userView,
    csrfToken: z.string().describe('Send it in the x-csrf-token header with every write'),
    twoFactor: z
      .enum(['code', 'enrol'])
      .nullable()
      .describe('The second step this sign-in still needs (POST /auth/two-factor/verify, or enrolment); null: signed in'),
  }),
);
export const meView = responseOf<MeView<CompanySettingsView>>()(
  z.object({
    user: userView.nullable(),
    permissions: z.array(z.string()),
    scope,
    via: z.enum(['session', 'token', 'cli', 'system']),
    csrfToken: z.string().nullable(),
    company: companySettingsView,
  }),
);
