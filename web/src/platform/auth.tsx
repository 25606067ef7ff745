import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useLocation } from 'react-router';
import { api, ApiError, onSessionLost, setCsrfToken } from './api';
import { setDisplayCurrency, setDisplayZone } from './format';
// The server's own definitions (plain constants and types, no imports): one source for both sides.
import type { Permission, Scope } from '../../../src/platform/auth/catalog';
import type { UserView } from '../../../src/modules/accounts/accounts.contract';

export { PERMISSIONS, type Permission, type Scope } from '../../../src/platform/auth/catalog';
export type { UserView };

export type Company = { companyName: string; template: 'blank' | 'heating'; timezone: string; currency?: 'CNY' | 'USD' | 'EUR' | 'HKD' | 'GBP'; hotline?: string | null; logoUrl?: string | null };

export type Me = {
  user: UserView | null;
  permissions: Permission[];
  scope: Scope;
  via: string;
  csrfToken: string | null;
  company: Company;
};

type Auth = {
  me: Me | null;
  loading: boolean;
  can: (p: Permission) => boolean;
  /** Signs in with the password: null when signed in, else the second step the sign-in still needs (two-factor). */
  signIn: (login: string, password: string) => Promise<'code' | 'enrol' | null>;
  /** After the second step: the signed-in user. */
  completeSignIn: () => Promise<void>;
  signOut: () => Promise<void>;
  /**
   * The session ended by the user's own sign-out (not lost): the sign-in page then says 你已退出登录 and keeps no page to
   * return to. The guard reads it, because the guard's redirect (a sync update when the user goes to null) and the
   * menu's navigation (a router transition) race: under load either may land last, and both must say the same.
   */
  signedOut: boolean;
  refresh: () => Promise<void>;
};

const AuthContext = createContext<Auth | null>(null);
export const ME_KEY = ['auth', 'me'] as const;
export const SETUP_KEY = ['setup'] as const;

async function fetchMe(): Promise<Me | null> {
  try {
    const me = await api.get<Me>('/api/v1/auth/me');
    setCsrfToken(me.csrfToken);
    setDisplayZone(me.company.timezone);
    setDisplayCurrency(me.company.currency);
    return me.user ? me : null;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

/**
 * The signed-in user for the app. Pages under `publicPaths` (e.g. the unsubscribe page a household opens from a
 * message) need no session: there the session is not asked for (no /auth/me and no 401 in the household's console).
 */
export function AuthProvider({ children, publicPaths = [] }: { children: ReactNode; publicPaths?: string[] }) {
  const qc = useQueryClient();
  const { pathname } = useLocation();
  const needed = !publicPaths.some((p) => pathname.startsWith(p));
  const meQuery = useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 60_000, retry: false, enabled: needed });
  const [signedOut, setSignedOut] = useState(false);

  useEffect(
    () =>
      onSessionLost(() => {
        setCsrfToken(null);
        sessionStorage.setItem('hearth.sessionLost', '1');
        qc.setQueryData(ME_KEY, null);
      }),
    [qc],
  );

  const completeSignIn = useCallback(async () => {
    setSignedOut(false);
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
    await qc.fetchQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 0 });
  }, [qc]);

  const signIn = useCallback(
    async (login: string, password: string) => {
      const res = await api.post<{ csrfToken: string; twoFactor: 'code' | 'enrol' | null }>('/api/v1/auth/login', { login, password });
      setCsrfToken(res.csrfToken);
      // A second step (the authenticator's code, or enrolling one) comes before the session is signed in.
      if (res.twoFactor) return res.twoFactor;
      await completeSignIn();
      return null;
    },
    [completeSignIn],
  );

  const signOut = useCallback(async () => {
    try {
      await api.post('/api/v1/auth/logout');
    } finally {
      setCsrfToken(null);
      setSignedOut(true);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
      qc.setQueryData(ME_KEY, null);
    }
  }, [qc]);

  const refresh = useCallback(async () => {
    await qc.invalidateQueries({ queryKey: ME_KEY });
  }, [qc]);

  const me = meQuery.data ?? null;
  const value = useMemo<Auth>(
    () => ({
      me,
      loading: needed && meQuery.isPending,
      can: (p) => !!me?.permissions.includes(p),
      signIn,
      completeSignIn,
      signOut,
      signedOut,
      refresh,
    }),
    [me, needed, meQuery.isPending, signIn, completeSignIn, signOut, signedOut, refresh],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

export function useSetupStatus() {
  return useQuery({
    queryKey: SETUP_KEY,
    queryFn: () => api.get<{ needed: boolean; companyName: string | null }>('/api/v1/setup'),
    staleTime: 5 * 60_000,
  });
}
