import { z } from 'zod';
import { PERMISSIONS, ROLES } from './permissions';

export const loginRequestSchema = z.strictObject({
  tenant: z.string().min(2).max(63),
  email: z.string().min(3).max(200),
  password: z.string().min(1).max(200),
});
export const refreshRequestSchema = z.strictObject({ refreshToken: z.string().min(10).max(300) });
export const pinVerifyRequestSchema = z.strictObject({
  userId: z.uuid(),
  pin: z.string().regex(/^\d{4,6}$/),
  permission: z.enum(PERMISSIONS),
});

export const principalSchema = z.object({
  tenantId: z.uuid(),
  userId: z.uuid(),
  role: z.enum(ROLES),
  storeIds: z.array(z.uuid()),
});
export type Principal = z.infer<typeof principalSchema>;

export const sessionSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresInSeconds: z.number().int(),
  principal: principalSchema,
});
export const pinVerifyResponseSchema = z.object({
  approverUserId: z.uuid(),
  permission: z.enum(PERMISSIONS),
});

/** A PIN typed at a till, sent with the till's device credential (manager views that need the server). */
export const pinLoginRequestSchema = z.strictObject({
  userId: z.uuid(),
  pin: z.string().regex(/^\d{4,6}$/),
});
export const pinLoginResponseSchema = z.object({
  accessToken: z.string(),
  expiresAt: z.iso.datetime(),
  user: z.object({ id: z.uuid(), name: z.string(), role: z.enum(ROLES) }),
});
export type PinLoginResponse = z.infer<typeof pinLoginResponseSchema>;
