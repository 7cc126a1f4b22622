import type { TransportResponse } from '@mostrador/terminal';
import type { ServerCluster, ServerRequest } from '../server/server-cluster';

/** Access tokens live 15 minutes; the back office signs in again well before that. */
const TOKEN_REUSE_MS = 10 * 60_000;

export const SIMULATION_PASSWORD = 'simulator-password-2031';

/**
 * The managers and the admin at the back office: they reach the server directly (their office
 * link is not the store's), through whichever instance is up, with the real HTTP API.
 */
export class BackOffice {
  private readonly tokens = new Map<string, { token: string; issuedAtMs: number }>();

  constructor(
    private readonly cluster: ServerCluster,
    private readonly clock: { epochMs(): number },
    private readonly tenantSlug: string,
  ) {}

  async call(
    email: string,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    path: string,
    body?: unknown,
  ): Promise<TransportResponse> {
    const token = await this.token(email);
    return this.send({
      method,
      path,
      headers: { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { body }),
    });
  }

  /** Like call, but a non-2xx answer is a bug in the simulator or the server. */
  async expectOk(
    email: string,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    path: string,
    body?: unknown,
  ): Promise<unknown> {
    const response = await this.call(email, method, path, body);
    if (response.status < 200 || response.status >= 300) {
      throw new Error(
        `back office ${method} ${path} answered ${response.status}: ${JSON.stringify(response.body)}`,
      );
    }
    return response.body;
  }

  private async token(email: string): Promise<string> {
    const cached = this.tokens.get(email);
    if (cached !== undefined && this.clock.epochMs() - cached.issuedAtMs < TOKEN_REUSE_MS)
      return cached.token;
    const response = await this.send({
      method: 'POST',
      path: '/api/v1/auth/login',
      headers: {},
      body: { tenant: this.tenantSlug, email, password: SIMULATION_PASSWORD },
    });
    const token = (response.body as { accessToken?: unknown } | undefined)?.accessToken;
    if (response.status !== 200 || typeof token !== 'string') {
      throw new Error(`back office login of ${email} failed: ${response.status}`);
    }
    this.tokens.set(email, { token, issuedAtMs: this.clock.epochMs() });
    return token;
  }

  private async send(request: ServerRequest): Promise<TransportResponse> {
    let up = this.cluster.upInstances();
    if (up.length === 0) {
      await this.cluster.restart(0);
      up = this.cluster.upInstances();
    }
    return this.cluster.deliver(up[0]!, request);
  }
}
