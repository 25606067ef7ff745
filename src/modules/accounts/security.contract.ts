/**
 * What the accounts module's security API returns (two-factor sign-in, sessions, the company's policy), shared with
 * the web UI. Types only, and no imports.
 */

/** The second step a sign-in still needs: the authenticator's code, or (required of an administrator) enrolment. */
export type TwoFactorStep = 'code' | 'enrol';

/**
 * GET /auth/two-factor/pending: where this browser's sign-in stands — the second step its session still waits for
 * (the code, or enrolment), with the session's CSRF token for that step's writes; null when it waits for none (no
 * session, an ended or expired one, or one signed in). The sign-in page asks it after a reload: the server's pending
 * session is the only record of a half-finished sign-in.
 */
export type PendingSignInView = { step: TwoFactorStep | null; csrfToken: string | null };

/** GET /auth/two-factor: my two-factor sign-in. */
export type TwoFactorStatusView = {
  enabled: boolean;
  enabledAt: string | null;
  /** Unused recovery codes left. */
  recoveryCodesLeft: number;
  /** The company requires it of me (an administrator): it cannot be turned off. */
  required: boolean;
};

/** POST /auth/two-factor/enrol: the secret to add to an authenticator app, as a QR code and as text. */
export type TwoFactorEnrolmentView = {
  /** Base32, for typing into the app by hand. */
  secret: string;
  /** otpauth://totp/… — what the QR code holds. */
  uri: string;
  /** The QR code as a PNG data URL. */
  qr: string;
};

/** The recovery codes, shown once (after enrolment and when made anew). */
export type RecoveryCodesView = { recoveryCodes: string[] };

/** One signed-in browser of a user. */
export type SessionView = {
  /** A handle to revoke the session by (not the session's secret). */
  id: string;
  /** A short description of the browser and system from the user agent, e.g. "Chrome · Windows". */
  device: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  /** The session this request was made with. */
  current: boolean;
};

/** GET/PUT /security/settings: the company's sign-in policy. */
export type SecuritySettingsView = {
  /** Administrators (roles that manage users, roles or settings) must sign in with a second factor. */
  requireAdminTwoFactor: boolean;
};
