import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AssignedFolio,
  type FactEnvelope,
  formatQuantity,
  type PushResponse,
  parseDeviceCredential,
  parseQuantity,
  quantityFromMilli,
  type StateChange,
  verifyChain,
} from '@mostrador/core';
import { v7 as uuidv7 } from 'uuid';

/**
 * A small stand-in for the Mostrador server that speaks the sync protocol over real HTTP on
 * 127.0.0.1, for the engine's tests. It verifies chains and signatures as the real server does
 * but applies facts naively (a stock decrement, a folio counter); the real server is tested in
 * packages/server and against the engine in packages/sim. Faults are switches on the instance:
 * drop answers after committing, refuse connections, forget facts (restore from a backup).
 */
export interface FakeServerOptions {
  readonly tenantId: string;
  readonly tenantSlug: string;
  readonly managerEmail: string;
  readonly managerPassword: string;
  /** Per-store folio series the server numbers from, by store id. */
  readonly storeFolioPrefixes?: Readonly<Record<string, string>>;
}

interface FakeTerminal {
  readonly terminalId: string;
  readonly storeId: string;
  readonly secret: string;
  readonly publicKey: Uint8Array;
  facts: FactEnvelope[];
}

export interface PushRecord {
  readonly terminalId: string;
  readonly sequences: number[];
  outcome: PushResponse['outcome'] | 'dropped';
}

export class FakeServer {
  /** Requests to drop after they were processed: the server commits, the terminal hears nothing. */
  dropPushResponses = 0;
  /** When true every connection is cut at once, health pings included. */
  unreachable = false;
  /** Answer this many requests with 503 before doing anything. */
  failRequests = 0;
  /** Commit a push, then wait this long before answering (a slow link, a client timeout). */
  pushAnswerDelayMs = 0;
  /** False: answer the snapshot endpoint 404, as a server from before it existed. */
  serveSnapshots = true;
  /**
   * Send this many changes of a snapshot, then hold the rest until `releaseSnapshots()` (or the
   * connection closes): a terminal can be killed in the middle of one.
   */
  snapshotHoldAfterChanges: number | null = null;
  /** The path and query of every request, in arrival order. */
  readonly requestUrls: string[] = [];
  readonly pushes: PushRecord[] = [];
  readonly changes: StateChange[] = [];
  private readonly terminals = new Map<string, FakeTerminal>();
  private readonly tokens = new Set<string>();
  private readonly folioCounters = new Map<string, number>();
  private readonly finalFolios = new Map<string, AssignedFolio>();
  private version = 0;
  private server: Server | undefined;
  private releaseHeldSnapshots: () => void = () => undefined;
  private heldSnapshots: Promise<void> = Promise.resolve();
  baseUrl = '';

  constructor(private readonly options: FakeServerOptions) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      void this.handle(request, response);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${address.port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Adds a change to the feed with the next tenant version. */
  publish(change: Omit<StateChange, 'version'>): void {
    this.version += 1;
    this.changes.push({ ...change, version: this.version } as StateChange);
  }

  /** Lets held snapshots go on (see snapshotHoldAfterChanges). */
  releaseSnapshots(): void {
    this.snapshotHoldAfterChanges = null;
    this.releaseHeldSnapshots();
  }

  /** The live state as of now: the latest change of each key, tombstones left out. */
  currentState(): StateChange[] {
    const latest = new Map<string, StateChange>();
    for (const change of this.changes) latest.set(`${change.entity}/${change.key}`, change);
    return [...latest.values()].filter((change) => !change.deleted);
  }

  facts(terminalId: string): readonly FactEnvelope[] {
    return this.terminals.get(terminalId)?.facts ?? [];
  }

  /** The server loses every fact above `sequence`, as after a restore from an older backup. */
  restoreFromBackup(terminalId: string, sequence: number): void {
    const terminal = this.requireTerminal(terminalId);
    terminal.facts = terminal.facts.filter((fact) => fact.sequence <= sequence);
  }

  /** Stores a different fact at `sequence`, as if a cloned device had pushed it first. */
  injectForeignFact(terminalId: string, fact: FactEnvelope): void {
    const terminal = this.requireTerminal(terminalId);
    terminal.facts = terminal.facts.filter((stored) => stored.sequence < fact.sequence);
    terminal.facts.push(fact);
  }

  revoke(terminalId: string): void {
    const terminal = this.requireTerminal(terminalId);
    this.publish({
      entity: 'terminal',
      key: terminalId,
      deleted: false,
      data: {
        id: terminalId,
        storeId: terminal.storeId,
        name: 'till',
        status: 'revoked',
        plannedOffline: false,
      },
    });
  }

  private requireTerminal(terminalId: string): FakeTerminal {
    const terminal = this.terminals.get(terminalId);
    if (terminal === undefined) throw new Error(`no terminal ${terminalId}`);
    return terminal;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.unreachable) {
      request.socket.destroy();
      return;
    }
    if (this.failRequests > 0) {
      this.failRequests -= 1;
      send(response, 503, { error: { code: 'INTERNAL_ERROR', message: 'unavailable' } });
      return;
    }
    const url = new URL(request.url ?? '/', 'http://fake');
    this.requestUrls.push(request.url ?? '/');
    const body = request.method === 'POST' ? await readJson(request) : undefined;
    try {
      if (url.pathname === '/health') return send(response, 200, { status: 'ok' });
      if (url.pathname === '/api/v1/auth/login') return this.login(body, response);
      if (url.pathname === '/api/v1/terminals/activate') return this.activate(request, body, response);
      if (url.pathname === '/api/v1/sync/push') {
        await this.push(request, body, response);
        return;
      }
      if (url.pathname === '/api/v1/sync/pull') return this.pull(request, url, response);
      if (url.pathname === '/api/v1/sync/snapshot' && this.serveSnapshots) {
        await this.snapshot(request, response);
        return;
      }
      send(response, 404, { error: { code: 'ROUTE_NOT_FOUND', message: 'no route' } });
    } catch (error) {
      send(response, 500, { error: { code: 'INTERNAL_ERROR', message: String(error) } });
    }
  }

  private login(body: unknown, response: ServerResponse): void {
    const credentials = body as { tenant?: string; email?: string; password?: string };
    if (
      credentials.tenant !== this.options.tenantSlug ||
      credentials.email !== this.options.managerEmail ||
      credentials.password !== this.options.managerPassword
    ) {
      send(response, 401, { error: { code: 'INVALID_CREDENTIALS', message: 'wrong' } });
      return;
    }
    const accessToken = randomBytes(16).toString('hex');
    this.tokens.add(accessToken);
    send(response, 200, { accessToken, refreshToken: 'r'.repeat(20), expiresInSeconds: 900 });
  }

  private activate(request: IncomingMessage, body: unknown, response: ServerResponse): void {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined || !this.tokens.has(token)) {
      send(response, 401, { error: { code: 'TOKEN_INVALID', message: 'no' } });
      return;
    }
    const { storeId, name, publicKeyHex } = body as { storeId: string; name: string; publicKeyHex: string };
    const terminalId = uuidv7();
    const secret = randomBytes(32).toString('base64url');
    this.terminals.set(terminalId, {
      terminalId,
      storeId,
      secret,
      publicKey: Buffer.from(publicKeyHex, 'hex'),
      facts: [],
    });
    this.publish({
      entity: 'terminal',
      key: terminalId,
      deleted: false,
      data: { id: terminalId, storeId, name, status: 'active', plannedOffline: false },
    });
    send(response, 201, {
      terminalId,
      tenantId: this.options.tenantId,
      storeId,
      deviceCredential: `${this.options.tenantId}.${terminalId}.${secret}`,
      serverTime: new Date().toISOString(),
    });
  }

  private device(request: IncomingMessage): FakeTerminal | undefined {
    const header = /^Device (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    const credential = header === undefined ? undefined : parseDeviceCredential(header);
    const terminal = credential === undefined ? undefined : this.terminals.get(credential.terminalId);
    return terminal !== undefined && terminal.secret === credential?.secret ? terminal : undefined;
  }

  private async push(request: IncomingMessage, body: unknown, response: ServerResponse): Promise<void> {
    const terminal = this.device(request);
    if (terminal === undefined) {
      send(response, 401, { error: { code: 'TOKEN_INVALID', message: 'no' } });
      return;
    }
    const facts = (body as { facts: FactEnvelope[] }).facts;
    const answer = this.appendFacts(terminal, facts);
    // Recorded on arrival, so a test sees the push even while its answer is delayed.
    const record: PushRecord = {
      terminalId: terminal.terminalId,
      sequences: facts.map((fact) => fact.sequence),
      outcome: answer.outcome,
    };
    this.pushes.push(record);
    if (this.pushAnswerDelayMs > 0)
      await new Promise((resolve) => setTimeout(resolve, this.pushAnswerDelayMs));
    if (this.dropPushResponses > 0 || response.destroyed || request.socket.destroyed) {
      if (this.dropPushResponses > 0) this.dropPushResponses -= 1;
      record.outcome = 'dropped';
      request.socket.destroy();
      return;
    }
    send(response, 200, answer);
  }

  private appendFacts(terminal: FakeTerminal, facts: readonly FactEnvelope[]): PushResponse {
    const folios: AssignedFolio[] = [];
    let outcome: PushResponse['outcome'] = 'applied';
    let rejectedAt: number | null = null;
    for (const fact of facts) {
      const head = terminal.facts.at(-1);
      const headSequence = head?.sequence ?? 0;
      if (fact.sequence <= headSequence) {
        const stored = terminal.facts.find((candidate) => candidate.sequence === fact.sequence);
        if (stored?.hash !== fact.hash) {
          outcome = 'fork';
          break;
        }
        this.collectFolio(fact, folios);
        continue;
      }
      if (fact.sequence > headSequence + 1) {
        outcome = 'gap';
        break;
      }
      const verification = verifyChain([fact], terminal.publicKey, {
        expectedFirstSequence: headSequence + 1,
        expectedPrevHash: head?.hash ?? '0'.repeat(64),
      });
      if (!verification.ok) {
        outcome = 'rejected';
        rejectedAt = fact.sequence;
        break;
      }
      terminal.facts.push(fact);
      this.applyFact(terminal, fact);
      this.collectFolio(fact, folios);
    }
    const head = terminal.facts.at(-1);
    const headSequence = head?.sequence ?? 0;
    return {
      outcome,
      acknowledgedSequence: headSequence,
      serverHead: { sequence: headSequence, hash: head?.hash ?? '0'.repeat(64) },
      expectedSequence: headSequence + 1,
      folios,
      rejectedAt,
      reason: outcome === 'applied' ? null : outcome,
      serverTime: new Date().toISOString(),
    };
  }

  /** The naive projection: stock goes down by what was sold, and per-store sales get final folios. */
  private applyFact(terminal: FakeTerminal, fact: FactEnvelope): void {
    if (fact.payload.type !== 'SaleCompleted') return;
    for (const line of fact.payload.lines) this.adjustStock(line.warehouseId, line.variantId, line.quantity);
    const { payload } = fact;
    if (payload.folioSeriesId === null || this.finalFolios.has(fact.eventId)) return;
    // A till numbering its own series already printed the final folio: the server confirms it.
    let finalFolio = payload.provisionalFolio;
    if (payload.provisionalFolio.startsWith('P')) {
      const prefix = this.options.storeFolioPrefixes?.[terminal.storeId];
      if (prefix === undefined) return;
      const next = (this.folioCounters.get(terminal.storeId) ?? 0) + 1;
      this.folioCounters.set(terminal.storeId, next);
      finalFolio = `${prefix}${String(next).padStart(8, '0')}`;
    }
    this.finalFolios.set(fact.eventId, {
      eventId: fact.eventId,
      documentId: payload.saleId,
      provisionalFolio: payload.provisionalFolio,
      finalFolio,
      folioSeriesId: payload.folioSeriesId,
    });
  }

  private collectFolio(fact: FactEnvelope, folios: AssignedFolio[]): void {
    const folio = this.finalFolios.get(fact.eventId);
    if (folio !== undefined) folios.push(folio);
  }

  private adjustStock(warehouseId: string, variantId: string, soldQuantity: string): void {
    const key = `${warehouseId}:${variantId}`;
    const current = [...this.changes]
      .reverse()
      .find((change) => change.entity === 'stock_level' && change.key === key);
    if (current?.entity !== 'stock_level' || current.data === null) return;
    const milli = (text: string) => {
      const parsed = parseQuantity(text);
      if (!parsed.ok) throw new Error(`bad quantity ${text}`);
      return parsed.quantity.quantityMilli;
    };
    const sold = milli(soldQuantity);
    const onHand = milli(current.data.qtyOnHand) - sold;
    const reserved = milli(current.data.qtyReserved);
    this.publish({
      entity: 'stock_level',
      key,
      deleted: false,
      data: {
        warehouseId,
        variantId,
        qtyOnHand: formatQuantity(quantityFromMilli(onHand)),
        qtyReserved: formatQuantity(quantityFromMilli(reserved)),
        qtyAvailable: formatQuantity(quantityFromMilli(onHand - reserved)),
      },
    });
  }

  /** The live state at the current version, as NDJSON lines, continuing the feed at that version. */
  private async snapshot(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.device(request) === undefined) {
      send(response, 401, { error: { code: 'TOKEN_INVALID', message: 'no' } });
      return;
    }
    const changes = this.currentState();
    const cursor = String(this.version);
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    response.write(`${JSON.stringify({ begin: { cursor, serverTime: new Date().toISOString() } })}\n`);
    for (let start = 0; start < changes.length; start += SNAPSHOT_LINE_CHANGES) {
      const hold = this.snapshotHoldAfterChanges;
      if (hold !== null && start >= hold) {
        this.heldSnapshots = new Promise((resolve) => {
          this.releaseHeldSnapshots = resolve;
        });
        await Promise.race([this.heldSnapshots, new Promise((resolve) => response.once('close', resolve))]);
        if (response.destroyed) return;
      }
      const line = changes.slice(start, start + SNAPSHOT_LINE_CHANGES);
      response.write(`${JSON.stringify({ changes: line })}\n`);
    }
    response.end(`${JSON.stringify({ end: { changeCount: changes.length } })}\n`);
  }

  private pull(request: IncomingMessage, url: URL, response: ServerResponse): void {
    if (this.device(request) === undefined) {
      send(response, 401, { error: { code: 'TOKEN_INVALID', message: 'no' } });
      return;
    }
    const cursor = Number(url.searchParams.get('cursor') ?? '0') || 0;
    const limit = Number(url.searchParams.get('limit') ?? '1000');
    const after = this.changes.filter((change) => change.version > cursor);
    const page = after.slice(0, limit);
    send(response, 200, {
      changes: page,
      nextCursor: String(page.at(-1)?.version ?? cursor),
      hasMore: after.length > page.length,
      serverTime: new Date().toISOString(),
    });
  }
}

/** Changes per snapshot line; small, so a test's few hundred changes span several lines. */
const SNAPSHOT_LINE_CHANGES = 50;

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}
