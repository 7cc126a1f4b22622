import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestTenant,
  login,
  startTestServer,
  TEST_PASSWORD,
  TEST_PINS,
  type TestServer,
  type TestTenant,
} from '../testing/test-server';

describe('authentication and authorization', () => {
  let server: TestServer;
  let tenant: TestTenant;

  beforeAll(async () => {
    server = await startTestServer();
    tenant = await createTestTenant(server.database, 3);
  });
  afterAll(async () => server.close());

  const postLogin = (email: string, password: string) =>
    server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { tenant: tenant.slug, email, password },
    });

  const auditActions = async (entityId: string) =>
    (
      await server.database.system
        .selectFrom('audit_log')
        .select('action')
        .where('tenant_id', '=', tenant.tenantId)
        .where('entity_id', '=', entityId)
        .orderBy('id')
        .execute()
    ).map((row) => row.action);

  it('logs in with a password and returns a short-lived token and a refresh token', async () => {
    const response = await postLogin(tenant.emails.managerCr, TEST_PASSWORD);
    expect(response.statusCode).toBe(200);
    const session = response.json();
    expect(session.expiresInSeconds).toBe(900);
    expect(session.principal).toEqual({
      tenantId: tenant.tenantId,
      userId: tenant.userIds.managerCr,
      role: 'MANAGER',
      storeIds: [tenant.storeIds.CR],
    });
    const me = await server.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: bearer(session.accessToken),
    });
    expect(me.json().userId).toBe(tenant.userIds.managerCr);
  });

  it('stores passwords and PINs as argon2id hashes, never in clear', async () => {
    const user = await server.database.system
      .selectFrom('users')
      .select(['password_hash', 'pin_hash'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('id', '=', tenant.userIds.managerCr)
      .executeTakeFirstOrThrow();
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(user.pin_hash).toMatch(/^\$argon2id\$/);
    expect(user.password_hash).not.toContain(TEST_PASSWORD);
  });

  it('refuses a wrong password, an unknown user and an unknown tenant alike, in Spanish by default', async () => {
    const wrong = await postLogin(tenant.emails.cashierCr, 'not-the-password');
    const unknown = await postLogin(`nobody@${tenant.slug}.test`, TEST_PASSWORD);
    const otherTenant = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'accept-language': 'en-US,en;q=0.9' },
      payload: { tenant: 'no-such-tenant', email: tenant.emails.admin, password: TEST_PASSWORD },
    });
    expect([wrong.statusCode, unknown.statusCode, otherTenant.statusCode]).toEqual([401, 401, 401]);
    expect(wrong.json().error).toEqual({
      code: 'INVALID_CREDENTIALS',
      message: 'Usuario o contraseña incorrectos.',
    });
    expect(otherTenant.json().error.message).toBe('Wrong user or password.');
  });

  it('locks the account after 5 failed attempts, even against the right password, and audits it', async () => {
    const email = tenant.emails.managerMx;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1)
      statuses.push((await postLogin(email, 'wrong-password!')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    const right = await postLogin(email, TEST_PASSWORD);
    expect(right.statusCode).toBe(423);
    expect(right.json().error.code).toBe('ACCOUNT_LOCKED');
    expect(await auditActions(tenant.userIds.managerMx)).toEqual([
      'auth.login_failed',
      'auth.login_failed',
      'auth.login_failed',
      'auth.login_failed',
      'auth.locked',
      'auth.login_refused_locked',
    ]);

    // The lock lifts after the lockout window (15 minutes by default).
    server.clock.now = new Date(server.clock.now.getTime() + 16 * 60_000);
    try {
      expect((await postLogin(email, TEST_PASSWORD)).statusCode).toBe(200);
    } finally {
      server.clock.now = new Date();
    }
  });

  it('an admin can unlock a locked user, and the unlock is audited', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1)
      await postLogin(tenant.emails.cashierCr, 'wrong-password!');
    expect((await postLogin(tenant.emails.cashierCr, TEST_PASSWORD)).statusCode).toBe(423);
    const adminToken = await login(server.app, tenant, tenant.emails.admin);
    const unlock = await server.app.inject({
      method: 'POST',
      url: `/api/v1/users/${tenant.userIds.cashierCr}/unlock`,
      headers: bearer(adminToken),
    });
    expect(unlock.statusCode).toBe(200);
    expect(unlock.json().locked).toBe(false);
    expect((await postLogin(tenant.emails.cashierCr, TEST_PASSWORD)).statusCode).toBe(200);
    expect(await auditActions(tenant.userIds.cashierCr)).toContain('user.unlocked');
  });

  it('rotates refresh tokens and ends every session when a rotated token is replayed', async () => {
    const first = (await postLogin(tenant.emails.admin, TEST_PASSWORD)).json();
    const refreshed = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: first.refreshToken },
    });
    expect(refreshed.statusCode).toBe(200);
    const second = refreshed.json();
    expect(second.refreshToken).not.toBe(first.refreshToken);

    const replay = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: first.refreshToken },
    });
    expect(replay.statusCode).toBe(401);
    const afterTheft = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: second.refreshToken },
    });
    expect(afterTheft.statusCode).toBe(401);
    expect(await auditActions(tenant.userIds.admin)).toContain('auth.refresh_token_reused');
  });

  it('refuses forged, tampered and expired access tokens', async () => {
    const token = await login(server.app, tenant, tenant.emails.admin);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const promoted = Buffer.from(
      JSON.stringify({ ...claims, tid: '01936b1c-0000-7000-8000-000000000999' }),
    ).toString('base64url');
    const forgedSignature = `${signature!.slice(0, -4)}AAAA`;
    for (const bad of [
      `${header}.${promoted}.${signature}`,
      `${header}.${payload}.${forgedSignature}`,
      'not-a-token',
    ]) {
      const response = await server.app.inject({
        method: 'GET',
        url: '/api/v1/products',
        headers: bearer(bad),
      });
      expect(response.statusCode).toBe(401);
    }
    server.clock.now = new Date(server.clock.now.getTime() + 901_000);
    try {
      const expired = await server.app.inject({
        method: 'GET',
        url: '/api/v1/products',
        headers: bearer(token),
      });
      expect(expired.statusCode).toBe(401);
      expect(expired.json().error.code).toBe('TOKEN_INVALID');
    } finally {
      server.clock.now = new Date();
    }
  });

  it('enforces the permission matrix per role', async () => {
    const cashier = await login(server.app, tenant, tenant.emails.cashierCr);
    const manager = await login(server.app, tenant, tenant.emails.managerCr);
    const admin = await login(server.app, tenant, tenant.emails.admin);
    const newCategory = (token: string) =>
      server.app.inject({
        method: 'POST',
        url: '/api/v1/categories',
        headers: bearer(token),
        payload: { name: 'Nueva' },
      });
    expect((await newCategory(cashier)).statusCode).toBe(403);
    expect((await newCategory(manager)).statusCode).toBe(403);
    expect((await newCategory(admin)).statusCode).toBe(201);
    const listUsers = (token: string) =>
      server.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(token) });
    expect((await listUsers(cashier)).statusCode).toBe(403);
    expect((await listUsers(manager)).statusCode).toBe(200);
    const readCatalog = await server.app.inject({
      method: 'GET',
      url: '/api/v1/products',
      headers: bearer(cashier),
    });
    expect(readCatalog.statusCode).toBe(200);
    const otherStore = await server.app.inject({
      method: 'GET',
      url: `/api/v1/stores/${tenant.storeIds.MX}`,
      headers: bearer(manager),
    });
    expect(otherStore.statusCode).toBe(403);
    expect(otherStore.json().error.code).toBe('STORE_NOT_ASSIGNED');
  });

  it('every route that is not public refuses a request without a token', async () => {
    const document = (await server.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const publicRoutes = new Set([
      '/health',
      '/api/v1/auth/login',
      '/api/v1/auth/refresh',
      '/api/v1/auth/logout',
    ]);
    const checked: string[] = [];
    for (const [path, methods] of Object.entries(document.paths)) {
      if (publicRoutes.has(path)) continue;
      const url = path.replace(/\{[^}]+\}/g, '01936b1c-0000-7000-8000-000000000042');
      for (const method of Object.keys(methods)) {
        const response = await server.app.inject({ method: method.toUpperCase() as 'GET', url, payload: {} });
        expect(response.statusCode, `${method} ${path}`).toBe(401);
        checked.push(`${method} ${path}`);
      }
    }
    expect(checked.length).toBeGreaterThan(25);
  });

  it("approves with a manager's PIN, refuses a cashier's PIN for a manager permission, and locks after 5 misses", async () => {
    const cashier = await login(server.app, tenant, tenant.emails.cashierCr);
    const verify = (userId: string, pin: string) =>
      server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/pin/verify',
        headers: bearer(cashier),
        payload: { userId, pin, permission: 'sale.void' },
      });
    const approved = await verify(tenant.userIds.managerCr, TEST_PINS.MANAGER);
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toEqual({ approverUserId: tenant.userIds.managerCr, permission: 'sale.void' });
    expect((await verify(tenant.userIds.cashierCr, TEST_PINS.CASHIER)).statusCode).toBe(403);
    // A manager of another store cannot approve at this one.
    expect((await verify(tenant.userIds.managerMx, TEST_PINS.MANAGER)).statusCode).toBe(403);

    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1)
      statuses.push((await verify(tenant.userIds.managerCr, '0000')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    expect((await verify(tenant.userIds.managerCr, TEST_PINS.MANAGER)).statusCode).toBe(423);
    expect(await auditActions(tenant.userIds.managerCr)).toContain('auth.pin_locked');
  });
});
