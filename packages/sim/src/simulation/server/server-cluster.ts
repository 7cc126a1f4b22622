import { buildApp, createAccessTokens, type Database } from '@mostrador/server';
import type { TransportRequest, TransportResponse } from '@mostrador/terminal';
import type { KyselyPlugin } from 'kysely';
import { CrashSwitch } from './crash-switch';

type AppInstance = Awaited<ReturnType<typeof buildApp>>;

/** An HTTP request to one instance: a terminal's (GET, POST) or the back office's (also PUT, PATCH). */
export interface ServerRequest extends Omit<TransportRequest, 'method'> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH';
}

/** The request never got an answer: the instance is down, or died while handling it. */
export class ConnectionLost extends Error {
  override readonly name = 'ConnectionLost';
}

interface ServerInstance {
  app: AppInstance;
  crashSwitch: CrashSwitch;
  up: boolean;
}

export interface ServerClusterOptions {
  readonly database: Database;
  readonly clock: () => Date;
  readonly instanceCount: number;
  /** Extra Kysely plugins for each instance's request connection (planted bugs use this). */
  readonly plugins?: readonly KyselyPlugin[];
}

const ACCESS_TOKEN_SECONDS = 900;
const REFRESH_TOKEN_DAYS = 30;
const TOKEN_SECRET = new TextEncoder().encode('simulator-token-secret-simulator-token-secret');

/**
 * N real server instances (Fastify apps from buildApp) over one database, reached in process with
 * `inject`. An instance can be crashed in the middle of a request's transaction (its connection
 * starts failing every query, so the transaction rolls back and no answer leaves) and restarted
 * as a fresh buildApp over the same database, the way a process restart would.
 */
export class ServerCluster {
  private constructor(
    private readonly options: ServerClusterOptions,
    private readonly instances: ServerInstance[],
  ) {}

  static async start(options: ServerClusterOptions): Promise<ServerCluster> {
    const cluster = new ServerCluster(options, []);
    for (let index = 0; index < options.instanceCount; index += 1) {
      cluster.instances.push(await cluster.buildInstance());
    }
    return cluster;
  }

  get instanceCount(): number {
    return this.instances.length;
  }

  upInstances(): number[] {
    return this.instances.flatMap((instance, index) => (instance.up ? [index] : []));
  }

  /** Makes the next push on this instance die after `queriesBeforeCrash` queries. */
  armCrash(instanceIndex: number, queriesBeforeCrash: number): void {
    this.instance(instanceIndex).crashSwitch.arm(queriesBeforeCrash);
  }

  async deliver(instanceIndex: number, request: ServerRequest): Promise<TransportResponse> {
    const instance = this.instance(instanceIndex);
    if (!instance.up) throw new ConnectionLost(`instance ${instanceIndex} is down`);
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    const response = await instance.app.inject({
      method: request.method,
      url: request.path,
      headers,
      ...(request.body === undefined ? {} : { payload: request.body as object }),
    });
    if (instance.crashSwitch.crashed) {
      instance.up = false;
      throw new ConnectionLost(`instance ${instanceIndex} crashed during ${request.path}`);
    }
    instance.crashSwitch.disarm();
    if (request.responseFormat === 'ndjson' && response.statusCode >= 200 && response.statusCode < 300) {
      // inject hands over the whole streamed answer at once; the terminal reads it line by line.
      return { status: response.statusCode, body: undefined, lines: ndjsonLines(response.body) };
    }
    return { status: response.statusCode, body: parseBody(response.body) };
  }

  /** True when the instance died during the last request and is waiting to be restarted. */
  isUp(instanceIndex: number): boolean {
    return this.instance(instanceIndex).up;
  }

  async restart(instanceIndex: number): Promise<void> {
    const old = this.instance(instanceIndex);
    await old.app.close();
    this.instances[instanceIndex] = await this.buildInstance();
  }

  async close(): Promise<void> {
    for (const instance of this.instances) await instance.app.close();
  }

  private instance(index: number): ServerInstance {
    const instance = this.instances[index];
    if (instance === undefined) throw new Error(`no server instance ${index}`);
    return instance;
  }

  private async buildInstance(): Promise<ServerInstance> {
    const crashSwitch = new CrashSwitch();
    let app = this.options.database.app.withPlugin(crashSwitch);
    for (const plugin of this.options.plugins ?? []) app = app.withPlugin(plugin);
    const database: Database = { ...this.options.database, app };
    const instance = await buildApp({
      database,
      accessTokens: createAccessTokens(TOKEN_SECRET, ACCESS_TOKEN_SECONDS),
      refreshTokenDays: REFRESH_TOKEN_DAYS,
      clock: this.options.clock,
    });
    return { app: instance, crashSwitch, up: true };
  }
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function* ndjsonLines(text: string): AsyncGenerator<unknown> {
  for (const line of text.split('\n')) {
    if (line !== '') yield JSON.parse(line) as unknown;
  }
}
