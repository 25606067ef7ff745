/**
 * What the accounts API returns, shared with the web UI. Types only, and no imports, so the browser build can
 * compile this file as it is.
 */

export type UserView = {
  id: string;
  username: string;
  displayName: string;
  mobile: string | null;
  email: string | null;
  roleKey: string;
  teamId: string | null;
  active: boolean;
  locale: string | null;
  locked: boolean;
  lastLoginAt: string | null;
  createdAt: string;
};

/** 部门 / 班组: departments contain groups. */
export type TeamView = { id: string; name: string; kind: 'department' | 'group'; parentId: string | null };
