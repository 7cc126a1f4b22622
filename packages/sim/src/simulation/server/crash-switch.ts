import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/** The error every query of a crashed instance fails with. */
export class SimulatedServerCrash extends Error {
  override readonly name = 'SimulatedServerCrash';
}

/**
 * A process crash for a server instance that lives in this process: once armed, the instance's
 * connection fails the Nth query and every query after it, so the transaction in flight rolls
 * back (BEGIN, COMMIT and ROLLBACK are the driver's, not queries, so the rollback still happens)
 * and the request ends without an answer. The instance is then replaced by a fresh one.
 */
export class CrashSwitch implements KyselyPlugin {
  private queriesLeft: number | null = null;
  private dead = false;

  get crashed(): boolean {
    return this.dead;
  }

  arm(queriesBeforeCrash: number): void {
    if (!Number.isSafeInteger(queriesBeforeCrash) || queriesBeforeCrash < 1) {
      throw new Error(`a crash needs at least one query before it, not ${queriesBeforeCrash}`);
    }
    this.queriesLeft = queriesBeforeCrash;
  }

  disarm(): void {
    this.queriesLeft = null;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.dead) throw new SimulatedServerCrash('the server instance crashed');
    if (this.queriesLeft !== null) {
      this.queriesLeft -= 1;
      if (this.queriesLeft <= 0) {
        this.dead = true;
        throw new SimulatedServerCrash('the server instance crashed in the middle of a transaction');
      }
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
