import path from 'node:path';
import { z } from 'zod';

/** Everything the process reads from its environment, validated once at start. */
const boolFromEnv = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  COOKIE_SECURE: boolFromEnv.default(false),
  TRUST_PROXY: boolFromEnv.default(false),
  SESSION_IDLE_HOURS: z.coerce.number().positive().default(12),
  SESSION_MAX_DAYS: z.coerce.number().positive().default(7),
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().positive().default(15),
  LOGIN_RATE_PER_MINUTE: z.coerce.number().int().positive().default(30),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  DEFAULT_LOCALE: z.enum(['zh-CN', 'en']).default('zh-CN'),
  DISPLAY_TIMEZONE: z.string().default('Asia/Shanghai'),
  IMPORT_MAX_MB: z.coerce.number().int().positive().default(1024),
  HEARTH_SECRET_KEY: z.string().min(1).optional(),
  HEARTH_SECRET_KEY_PREVIOUS: z.string().optional(),
  /** Strict-Transport-Security: `auto` sends it on requests that arrived over HTTPS (TRUST_PROXY: as the proxy says). */
  HSTS: z.enum(['auto', 'on', 'off']).default('auto'),
  /** The key of the erased-person hashes (privacy module, issue #18); unset: DATA_DIR/privacy.key, made once. */
  HEARTH_PRIVACY_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  cookieSecure: boolean;
  trustProxy: boolean;
  sessionIdleHours: number;
  sessionMaxDays: number;
  loginMaxFailures: number;
  loginLockMinutes: number;
  loginRatePerMinute: number;
  bodyLimitBytes: number;
  defaultLocale: 'zh-CN' | 'en';
  displayTimezone: string;
  /** Largest file accepted for import (uploads are kept under DATA_DIR/imports while the job runs). */
  importMaxBytes: number;
  /** The key secrets are sealed under (platform/secrets.ts); unset: DATA_DIR/secret.key. Never printed. */
  secretKey: string | undefined;
  /** Older keys (comma-separated) still accepted to open secrets sealed before a rotation. */
  secretKeyPrevious: string | undefined;
  hsts: 'auto' | 'on' | 'off';
  /** HEARTH_PRIVACY_KEY: the erased-person hashes' key (privacy/erased-keys.ts); unset: DATA_DIR/privacy.key. Never printed. */
  privacyKey?: string;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    cookieSecure: e.COOKIE_SECURE,
    trustProxy: e.TRUST_PROXY,
    sessionIdleHours: e.SESSION_IDLE_HOURS,
    sessionMaxDays: e.SESSION_MAX_DAYS,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginLockMinutes: e.LOGIN_LOCK_MINUTES,
    loginRatePerMinute: e.LOGIN_RATE_PER_MINUTE,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    defaultLocale: e.DEFAULT_LOCALE,
    displayTimezone: e.DISPLAY_TIMEZONE,
    importMaxBytes: e.IMPORT_MAX_MB * 1024 * 1024,
    secretKey: e.HEARTH_SECRET_KEY,
    secretKeyPrevious: e.HEARTH_SECRET_KEY_PREVIOUS,
    hsts: e.HSTS,
    privacyKey: e.HEARTH_PRIVACY_KEY,
  };
}

/** A description of the configuration that is safe to print (no passwords). */
export function describeConfig(config: Config): Record<string, string | number | boolean> {
  return {
    PORT: config.port,
    HOST: config.host,
    DATA_DIR: config.dataDir,
    DATABASE_URL: config.databaseUrl ? redactUrl(config.databaseUrl) : '(not set: embedded PGlite)',
    LOG_LEVEL: config.logLevel,
    COOKIE_SECURE: config.cookieSecure,
    TRUST_PROXY: config.trustProxy,
    SESSION_IDLE_HOURS: config.sessionIdleHours,
    SESSION_MAX_DAYS: config.sessionMaxDays,
    LOGIN_MAX_FAILURES: config.loginMaxFailures,
    LOGIN_LOCK_MINUTES: config.loginLockMinutes,
    LOGIN_RATE_PER_MINUTE: config.loginRatePerMinute,
    BODY_LIMIT_BYTES: config.bodyLimitBytes,
    DEFAULT_LOCALE: config.defaultLocale,
    DISPLAY_TIMEZONE: config.displayTimezone,
    HEARTH_SECRET_KEY: config.secretKey ? '(set)' : '(not set: DATA_DIR/secret.key)',
    HEARTH_SECRET_KEY_PREVIOUS: config.secretKeyPrevious ? '(set)' : '(not set)',
    HSTS: config.hsts,
    HEARTH_PRIVACY_KEY: config.privacyKey ? '(set)' : '(not set: DATA_DIR/privacy.key)',
  };
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return '(unparseable)';
  }
}
