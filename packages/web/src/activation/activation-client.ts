import { type Store, storeSchema } from '@mostrador/core';
import { z } from 'zod';

const REQUEST_TIMEOUT_MS = 20_000;
const loginAnswerSchema = z.object({ accessToken: z.string().min(1) });
const errorAnswerSchema = z.object({ error: z.object({ code: z.string() }) });

export type ServerCallOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: string };

/** A JSON call to the server with a bearer token; refusals come back as their stable code. */
export async function callServer<T>(
  serverUrl: string,
  path: string,
  schema: z.ZodType<T>,
  options: {
    readonly method?: string;
    readonly token?: string;
    /** The till's own credential, for the routes a device calls (PIN sign-in). */
    readonly deviceCredential?: string;
    readonly body?: unknown;
    readonly language?: string;
  } = {},
): Promise<ServerCallOutcome<T>> {
  let response: Response;
  try {
    response = await fetch(new URL(path, serverUrl), {
      method: options.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        ...(options.deviceCredential === undefined
          ? {}
          : { authorization: `Device ${options.deviceCredential}` }),
        ...(options.language === undefined ? {} : { 'accept-language': options.language }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch {
    return { ok: false, code: 'SERVER_UNREACHABLE' };
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const parsed = errorAnswerSchema.safeParse(body);
    return { ok: false, code: parsed.success ? parsed.data.error.code : `HTTP_${response.status}` };
  }
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, code: 'VALIDATION_FAILED' };
}

/** A manager's sign-in, only to list the stores a new terminal may belong to. */
export async function listStoresForActivation(
  serverUrl: string,
  credentials: { readonly tenant: string; readonly email: string; readonly password: string },
): Promise<ServerCallOutcome<Store[]>> {
  const login = await callServer(serverUrl, '/api/v1/auth/login', loginAnswerSchema, {
    method: 'POST',
    body: credentials,
  });
  if (!login.ok) return login;
  return callServer(serverUrl, '/api/v1/stores', z.array(storeSchema), { token: login.value.accessToken });
}
