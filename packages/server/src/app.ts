import fastifyCompress from '@fastify/compress';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { registerAuditRoutes } from './audit/audit-routes';
import type { AccessTokens } from './auth/access-token';
import { registerAuthRoutes } from './auth/auth-routes';
import { createAuthService } from './auth/auth-service';
import { registerCatalogRoutes } from './catalog/catalog-routes';
import { registerConflictRoutes } from './conflicts/conflict-routes';
import type { Database } from './database/database';
import type { AppInstance } from './http/app-instance';
import { installAuthorization } from './http/authorization';
import { handleError } from './http/error-handler';
import { registerWebApp } from './http/web-app';
import { registerSafetyBufferRoutes } from './stock/safety-buffer-routes';
import { registerStockRoutes } from './stock/stock-routes';
import { registerStoreRoutes } from './stores/store-routes';
import { registerUserRoutes } from './stores/user-routes';
import { registerHealthRoutes } from './sync/health-routes';
import { registerPullRoutes } from './sync/pull-routes';
import { registerPushRoutes } from './sync/push-routes';
import { createDeviceAuthenticator } from './terminals/device-authentication';
import { registerTerminalRoutes } from './terminals/terminal-routes';

export interface AppDependencies {
  database: Database;
  accessTokens: AccessTokens;
  refreshTokenDays: number;
  clock: () => Date;
  logger?: FastifyServerOptions['logger'];
  /** The built web POS to serve at `/`; none when absent (API-only tests). */
  webAppDirectory?: string;
}

/** The body limit keeps a hostile client from making the server buffer megabytes of JSON. */
export const BODY_LIMIT_BYTES = 1_048_576;

/** The compression plugin's default types plus NDJSON (the bootstrap snapshot), which mime-db does not list. */
const COMPRESSIBLE_TYPES =
  /^text\/(?!event-stream)|(?:\+|\/)json(?:;|$)|(?:\+|\/)text(?:;|$)|(?:\+|\/)xml(?:;|$)|octet-stream(?:;|$)|\/x-ndjson(?:;|$)/u;

export async function buildApp(dependencies: AppDependencies): Promise<AppInstance> {
  const app = Fastify({
    logger: dependencies.logger ?? false,
    bodyLimit: BODY_LIMIT_BYTES,
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      error: {
        code: 'ROUTE_NOT_FOUND',
        message: request.headers['accept-language']?.startsWith('en')
          ? 'The route does not exist.'
          : 'La ruta no existe.',
      },
    });
  });

  // Pull pages and snapshots are large and repetitive JSON: compressed they cross a slow link in a fraction.
  await app.register(fastifyCompress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip', 'deflate'],
    customTypes: COMPRESSIBLE_TYPES,
  });
  // The API speaks JSON only; a text/plain body is refused as an unsupported media type.
  app.removeContentTypeParser('text/plain');
  installAuthorization(
    app,
    dependencies.accessTokens,
    createDeviceAuthenticator(dependencies.database.app),
    dependencies.clock,
  );

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Mostrador API',
        description: 'Offline-first point of sale: catalog, stock, stores, users and sync.',
        version: '0.1.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags: ['operations'],
        response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) }) },
      },
    },
    async () => {
      await dependencies.database.app.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
      return { status: 'ok' as const, database: dependencies.database.kind };
    },
  );

  const { database, clock } = dependencies;
  const auth = createAuthService({
    system: database.system,
    app: database.app,
    accessTokens: dependencies.accessTokens,
    refreshTokenDays: dependencies.refreshTokenDays,
    clock,
  });
  registerAuthRoutes(app, auth);
  registerStoreRoutes(app, database);
  registerUserRoutes(app, database);
  registerCatalogRoutes(app, database);
  registerStockRoutes(app, database);
  registerSafetyBufferRoutes(app, database);
  registerAuditRoutes(app, database);
  registerTerminalRoutes(app, database, clock);
  registerPullRoutes(app, database, clock);
  registerPushRoutes(app, database, clock);
  registerHealthRoutes(app, database, clock);
  registerConflictRoutes(app, database, clock);
  if (dependencies.webAppDirectory !== undefined) await registerWebApp(app, dependencies.webAppDirectory);
  await app.ready();
  return app;
}
