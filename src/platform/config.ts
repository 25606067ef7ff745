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
