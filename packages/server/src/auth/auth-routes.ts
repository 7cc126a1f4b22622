import {
  loginRequestSchema,
  pinLoginRequestSchema,
  pinLoginResponseSchema,
  pinVerifyRequestSchema,
  pinVerifyResponseSchema,
  principalSchema,
  refreshRequestSchema,
  sessionSchema,
} from '@mostrador/core';
import { z } from 'zod';
import type { AppInstance } from '../http/app-instance';
import { deviceOf, principalOf } from '../http/authorization';
import type { AuthService } from './auth-service';

export function registerAuthRoutes(app: AppInstance, auth: AuthService): void {
  app.post(
    '/api/v1/auth/login',
    {
      config: { public: true },
      schema: { tags: ['auth'], body: loginRequestSchema, response: { 200: sessionSchema } },
    },
    async (request) => auth.login(request.body.tenant, request.body.email, request.body.password),
  );

  app.post(
    '/api/v1/auth/refresh',
    {
      config: { public: true },
      schema: { tags: ['auth'], body: refreshRequestSchema, response: { 200: sessionSchema } },
    },
    async (request) => auth.refresh(request.body.refreshToken),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { public: true },
      schema: { tags: ['auth'], body: refreshRequestSchema, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await auth.logout(request.body.refreshToken);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      config: { permission: 'catalog.read' },
      schema: { tags: ['auth'], response: { 200: principalSchema } },
    },
    async (request) => principalOf(request),
  );

  app.post(
    '/api/v1/auth/pin/verify',
    {
      config: { permission: 'sale.create' },
      schema: { tags: ['auth'], body: pinVerifyRequestSchema, response: { 200: pinVerifyResponseSchema } },
    },
    async (request) => {
      const { userId, pin, permission } = request.body;
      const approverUserId = await auth.verifyPin(principalOf(request), userId, pin, permission);
      return { approverUserId, permission };
    },
  );

  app.post(
    '/api/v1/auth/pin-login',
    {
      config: { device: true },
      schema: {
        tags: ['auth'],
        description:
          "A user's PIN typed at a till, with the till's device credential: a short-lived access token bound to the till's store, for the manager views that need the server (conflicts, sync health). Same lockout as every PIN.",
        body: pinLoginRequestSchema,
        response: { 200: pinLoginResponseSchema },
      },
    },
    async (request) => {
      const session = await auth.pinLogin(deviceOf(request), request.body.userId, request.body.pin);
      return { accessToken: session.accessToken, expiresAt: session.expiresAt, user: session.user };
    },
  );
}
