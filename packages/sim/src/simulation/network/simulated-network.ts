import type { Transport, TransportRequest, TransportResponse } from '@mostrador/terminal';
import type { Tally } from '../faults/fault-counters';
import type { NetworkFaultRates } from '../faults/fault-profile';
import type { SeededRandom } from '../random/seeded-random';
import { ConnectionLost, type ServerCluster } from '../server/server-cluster';
import type { RunTrace } from '../trace/run-trace';

/** What the terminal sees when no answer came back: the transport rejects, as fetch would. */
export class NetworkFailure extends TypeError {
  override readonly name = 'NetworkFailure';
}

/** A request the network held back, to be delivered after newer ones (a late retransmission). */
interface HeldRequest {
  readonly label: string;
  readonly request: TransportRequest;
}

export interface NetworkEndpoint {
  readonly label: string;
  readonly storeIndex: number;
}

const HELD_REQUESTS_MAX = 32;
/** A crashed push dies after at most this many of its queries. */
const CRASH_QUERIES_MAX = 14;

/**
 * Everything between the terminals and the server instances. Each request is, by the seed's
 * draw: refused by a partition (terminal or whole store), lost before the server, delivered to one
 * instance (which may crash mid-transaction), delivered twice, held back and delivered later
 * after newer requests, or delivered with its answer lost after the server committed. A forged
 * copy of a push (tampered payload) is sometimes sent beside the real one, as an attacker would.
 */
export class SimulatedNetwork {
  /** While true (setup, healing) no fault is injected and partitions are ignored. */
  reliable = true;
  private readonly partitionsUntilMs = new Map<string, number>();
  private readonly held: HeldRequest[] = [];
  private readonly forgeryOutcomes: string[] = [];

  constructor(
    private readonly cluster: ServerCluster,
    private readonly random: SeededRandom,
    private readonly rates: NetworkFaultRates,
    private readonly clock: { epochMs(): number },
    private readonly trace: RunTrace,
    private readonly faults: Tally,
  ) {}

  transportFor(endpoint: NetworkEndpoint): Transport {
    return (request) => this.send(endpoint, request);
  }

  partition(target: string, durationMs: number): void {
    this.partitionsUntilMs.set(target, this.clock.epochMs() + durationMs);
  }

  isPartitioned(endpoint: NetworkEndpoint): boolean {
    const now = this.clock.epochMs();
    return [endpoint.label, storeTarget(endpoint.storeIndex)].some(
      (target) => (this.partitionsUntilMs.get(target) ?? Number.NEGATIVE_INFINITY) > now,
    );
  }

  healPartitions(): void {
    this.partitionsUntilMs.clear();
  }

  /** Outcomes of the forged pushes sent so far (each must be a refusal). */
  forgeries(): readonly string[] {
    return this.forgeryOutcomes;
  }

  /** Delivers up to `count` held-back requests, oldest first; their answers go nowhere. */
  async deliverHeld(count: number): Promise<void> {
    for (let delivered = 0; delivered < count && this.held.length > 0; delivered += 1) {
      const held = this.held.shift()!;
      const outcome = await this.deliverAnywhere(held.request).then(
        (response) => describeResponse(response),
        (error: unknown) => (error instanceof ConnectionLost ? 'no answer' : `error ${String(error)}`),
      );
      this.trace.record(held.label, 'net.late-delivery', `${pathOf(held.request)} → ${outcome}`);
    }
  }

  heldCount(): number {
    return this.held.length;
  }

  private async send(endpoint: NetworkEndpoint, request: TransportRequest): Promise<TransportResponse> {
    if (this.reliable) return this.deliverAnywhere(request);
    const path = pathOf(request);
    if (this.isPartitioned(endpoint)) {
      this.trace.record(endpoint.label, 'net.partitioned', path);
      throw new NetworkFailure('fetch failed: network unreachable (partition)');
    }
    const rates = this.rates;
    if (this.random.chancePerMille(rates.dropRequestPerMille)) {
      this.faults.add('network.drop-request');
      this.trace.record(endpoint.label, 'net.drop-request', path);
      throw new NetworkFailure('fetch failed: request lost');
    }
    const isPush = path === '/api/v1/sync/push';
    if (this.random.chancePerMille(rates.delayPerMille) && this.held.length < HELD_REQUESTS_MAX) {
      this.faults.add('network.delay-reorder');
      this.held.push({ label: endpoint.label, request });
      const alsoNow = this.random.chancePerMille(500);
      this.trace.record(endpoint.label, 'net.hold-copy', `${path} ${alsoNow ? 'and deliver now' : 'only'}`);
      if (!alsoNow) throw new NetworkFailure('fetch failed: timed out (request delayed in the network)');
    }
    if (isPush && this.random.chancePerMille(rates.forgePerMille)) await this.sendForgery(endpoint, request);
    const instance = this.pickInstance();
    if (instance === undefined) {
      this.trace.record(endpoint.label, 'net.no-server-up', path);
      throw new NetworkFailure('fetch failed: connection refused (no server instance up)');
    }
    if (isPush && this.random.chancePerMille(rates.serverCrashPerMille)) {
      const queries = this.random.integer(1, CRASH_QUERIES_MAX);
      this.cluster.armCrash(instance, queries);
      this.trace.record(
        endpoint.label,
        'server.crash-armed',
        `instance ${instance} after ${queries} queries`,
      );
    }
    let response: TransportResponse;
    try {
      response = await this.cluster.deliver(instance, request);
    } catch (error) {
      if (!(error instanceof ConnectionLost)) throw error;
      if (!this.cluster.isUp(instance)) {
        this.faults.add('server.crash-mid-transaction');
        this.trace.record(endpoint.label, 'server.crashed', `instance ${instance} during ${path}`);
        await this.cluster.restart(instance);
        this.trace.record('server', 'server.restarted', `instance ${instance}`);
      }
      throw new NetworkFailure(`fetch failed: ${error.message}`);
    }
    if (this.random.chancePerMille(rates.duplicatePerMille)) {
      this.faults.add('network.duplicate');
      const second = await this.deliverAnywhere(request).then(describeResponse, () => 'no answer');
      this.trace.record(endpoint.label, 'net.duplicate', `${path} second copy → ${second}`);
    }
    if (this.random.chancePerMille(rates.dropAnswerPerMille)) {
      this.faults.add('network.drop-answer');
      this.trace.record(
        endpoint.label,
        'net.drop-answer',
        `${path} (server said ${describeResponse(response)})`,
      );
      throw new NetworkFailure('fetch failed: connection reset after the server answered');
    }
    return response;
  }

  private pickInstance(): number | undefined {
    const up = this.cluster.upInstances();
    return up.length === 0 ? undefined : this.random.pick(up);
  }

  private async deliverAnywhere(request: TransportRequest): Promise<TransportResponse> {
    const instance = this.pickInstance();
    if (instance === undefined) throw new ConnectionLost('no server instance up');
    return this.cluster.deliver(instance, request);
  }

  /** An attacker replays the push with one fact altered: the server must refuse it. */
  private async sendForgery(endpoint: NetworkEndpoint, request: TransportRequest): Promise<void> {
    const body = request.body as { facts?: Record<string, unknown>[] } | undefined;
    const facts = body?.facts;
    if (facts === undefined || facts.length === 0) return;
    const index = this.random.integer(0, facts.length - 1);
    const original = facts[index]!;
    const forged = { ...original, deviceTime: new Date(this.clock.epochMs() - 1_000).toISOString() };
    const forgedBody = { ...body, facts: [...facts.slice(0, index), forged, ...facts.slice(index + 1)] };
    this.faults.add('network.forged-push');
    const outcome = await this.deliverAnywhere({ ...request, body: forgedBody }).then(
      describeResponse,
      () => 'no answer',
    );
    this.forgeryOutcomes.push(outcome);
    this.trace.record(endpoint.label, 'net.forged-push', `fact #${index} of ${facts.length} → ${outcome}`);
  }
}

export function storeTarget(storeIndex: number): string {
  return `store:${storeIndex}`;
}

function pathOf(request: TransportRequest): string {
  const queryAt = request.path.indexOf('?');
  return queryAt === -1 ? request.path : request.path.slice(0, queryAt);
}

function describeResponse(response: TransportResponse): string {
  const body = response.body as
    | { outcome?: unknown; reason?: unknown; error?: { code?: unknown } }
    | undefined;
  if (typeof body?.outcome === 'string') {
    return `${response.status} ${body.outcome}${typeof body.reason === 'string' ? `/${body.reason}` : ''}`;
  }
  if (typeof body?.error?.code === 'string') return `${response.status} ${body.error.code}`;
  return String(response.status);
}
