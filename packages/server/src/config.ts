import { z } from 'zod';

/** Server configuration, read once from the environment at start. */
const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('.data/pglite'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_APP_PASSWORD: z.string().min(1).optional(),
  JWT_SECRET: z.string().min(32).optional(),
  ACCESS_TOKEN_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  REFRESH_TOKEN_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  WEB_DIST_DIR: z.string().min(1).optional(),
  SEED_DEMO: z.enum(['true', 'false']).default('true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databaseAppPassword: string | undefined;
  jwtSecret: string | undefined;
  accessTokenSeconds: number;
  refreshTokenDays: number;
  seedDemo: boolean;
  /** The built web POS; the server serves it at `/`. */
  webDistDir: string | undefined;
  logLevel: string;
}

export function readConfig(environment: NodeJS.ProcessEnv): ServerConfig {
  const parsed = environmentSchema.parse(
    Object.fromEntries(
      Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''),
    ),
  );
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    dataDir: parsed.DATA_DIR,
    databaseUrl: parsed.DATABASE_URL,
    databaseAppPassword: parsed.DATABASE_APP_PASSWORD,
    jwtSecret: parsed.JWT_SECRET,
    accessTokenSeconds: parsed.ACCESS_TOKEN_SECONDS,
    refreshTokenDays: parsed.REFRESH_TOKEN_DAYS,
    seedDemo: parsed.SEED_DEMO === 'true',
    webDistDir: parsed.WEB_DIST_DIR,
    logLevel: parsed.LOG_LEVEL,
  };
}
