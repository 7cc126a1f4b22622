import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Cart, type CurrencyCode, formatQuantity, moneyToDecimalString } from '@mostrador/core';
import type { TerminalEngine } from '../engine';
import { openNodeTerminal } from '../node-terminal';
import {
  type CliOutput,
  cliOutput,
  EXIT_OK,
  EXIT_REFUSED,
  EXIT_USAGE,
  messageOf,
  UsageError,
} from './cli-output';
import {
  FACT_EXPORT_FORMAT,
  FACT_EXPORT_VERSION,
  type FactExportHeader,
  verifyFactExport,
} from './fact-export';
import { parseSalesScript, parseTenderArgument, quantityArgument, type ScriptedSale } from './sales-script';

export const CLI_USAGE = `mostrador-terminal — the offline-first terminal engine from a shell

usage: mostrador-terminal <command> [options] [--home DIR] [--json] [--lang es|en]

  activate --server URL --tenant SLUG --email EMAIL --password PASSWORD --store STORE_ID --name NAME
  login --pin PIN [--user USER_ID]           sign a cashier in (offline too)
  logout
  sell --sku SKU [--qty N] --tender KIND:AMOUNT[:REFERENCE] [--tender ...]
  sell --file SALES.json                     many sales: {"sales":[{"lines":[{"sku","quantity"}],"tenders":[{"kind","amount"}]}]}
  offline [--manager-pin PIN]                plan offline mode (no network attempts; offline stock rules)
  online [--manager-pin PIN]                 end planned offline mode
  sync                                       one round: push pending facts, pull state
  reload                                     refetch all server state (facts and counters are kept)
  status
  export [--output FILE]                     the local fact log as JSON lines (header first)
  verify FILE [--public-key HEX]             check an export's chain, hashes and signatures

--home defaults to $MOSTRADOR_TERMINAL_HOME or ./.mostrador-terminal. Exit codes: 0 done,
1 refused or failed, 2 bad command line.`;

const OPTIONS = {
  home: { type: 'string' },
  json: { type: 'boolean', default: false },
  lang: { type: 'string', default: 'es' },
  server: { type: 'string' },
  tenant: { type: 'string' },
  email: { type: 'string' },
  password: { type: 'string' },
  store: { type: 'string' },
  name: { type: 'string' },
  pin: { type: 'string' },
  user: { type: 'string' },
  sku: { type: 'string' },
  qty: { type: 'string', default: '1' },
  tender: { type: 'string', multiple: true },
  file: { type: 'string' },
  'manager-pin': { type: 'string' },
  output: { type: 'string' },
  'public-key': { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

export interface CliEnvironment {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly write: (text: string) => void;
}

/** Runs one command and returns its exit code. */
export async function runCli(environment: CliEnvironment): Promise<number> {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...environment.argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    environment.write(`${error instanceof Error ? error.message : String(error)}\n\n${CLI_USAGE}\n`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  const output = cliOutput(values.json, values.lang === 'en' ? 'en' : 'es', environment.write);
  if (values.help || command === undefined) {
    environment.write(`${CLI_USAGE}\n`);
    return command === undefined && !values.help ? EXIT_USAGE : EXIT_OK;
  }
  try {
    if (command === 'verify') return await verifyCommand(rest, values, environment, output);
    const home = resolve(
      environment.cwd,
      values.home ?? environment.env.MOSTRADOR_TERMINAL_HOME ?? '.mostrador-terminal',
    );
    return await withEngine(home, output, (engine) =>
      runEngineCommand(command, engine, values, environment, output),
    );
  } catch (error) {
    if (error instanceof UsageError) {
      environment.write(`${error.message}\n\n${CLI_USAGE}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

async function withEngine(
  home: string,
  output: CliOutput,
  work: (engine: TerminalEngine) => Promise<number>,
): Promise<number> {
  const opened = await openNodeTerminal({ home });
  if (!opened.ok) {
    output.refusal(opened);
    return EXIT_REFUSED;
  }
  try {
    return await work(opened.engine);
  } finally {
    await opened.close();
  }
}

async function runEngineCommand(
  command: string,
  engine: TerminalEngine,
  values: Values,
  environment: CliEnvironment,
  output: CliOutput,
): Promise<number> {
  switch (command) {
    case 'activate':
      return activateCommand(engine, values, output);
    case 'login':
      return loginCommand(engine, values, output);
    case 'logout':
      await engine.logout();
      output.result({ ok: true }, ['signed out']);
      return EXIT_OK;
    case 'sell':
      return sellCommand(engine, values, environment, output);
    case 'offline':
    case 'online':
      return plannedOfflineCommand(engine, command === 'offline', values, output);
    case 'sync':
      return syncCommand(engine, output);
    case 'reload':
      return reloadCommand(engine, output);
    case 'status':
      return statusCommand(engine, output);
    case 'export':
      return exportCommand(engine, values, environment, output);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function required(
  values: Values,
  name: 'server' | 'tenant' | 'email' | 'password' | 'store' | 'name' | 'pin',
): string {
  const value = values[name];
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

async function activateCommand(engine: TerminalEngine, values: Values, output: CliOutput): Promise<number> {
  const outcome = await engine.activate({
    serverUrl: required(values, 'server'),
    tenant: required(values, 'tenant'),
    email: required(values, 'email'),
    password: required(values, 'password'),
    storeId: required(values, 'store'),
    name: required(values, 'name'),
  });
  if (!outcome.ok) {
    output.refusal(outcome);
    return EXIT_REFUSED;
  }
  const status = await engine.status();
  output.result({ ok: true, identity: { ...outcome.identity, deviceCredential: undefined }, status }, [
    `activated terminal ${outcome.identity.terminalId} for store ${outcome.identity.storeId}`,
    status.stateLoaded ? 'store data loaded' : 'store data not loaded yet: run "sync" when online',
  ]);
  return EXIT_OK;
}

async function loginCommand(engine: TerminalEngine, values: Values, output: CliOutput): Promise<number> {
  const outcome = await engine.login({
    pin: required(values, 'pin'),
    ...(values.user === undefined ? {} : { userId: values.user }),
  });
  if (!outcome.ok) {
    output.refusal(outcome);
    return EXIT_REFUSED;
  }
  output.result(outcome, [`signed in: ${outcome.user.name} (${outcome.user.role})`]);
  return EXIT_OK;
}

async function sellCommand(
  engine: TerminalEngine,
  values: Values,
  environment: CliEnvironment,
  output: CliOutput,
): Promise<number> {
  if (values.file === undefined && values.sku === undefined) {
    throw new UsageError('sell needs --sku (and --tender) or --file');
  }
  if (values.file === undefined && (values.tender ?? []).length === 0) {
    throw new UsageError('sell needs at least one --tender KIND:AMOUNT');
  }
  const cart = await engine.newCart();
  if (!cart.ok) {
    output.refusal(cart);
    return EXIT_REFUSED;
  }
  const currency = cart.cart.currency;
  const sales = await salesToRing(values, environment, currency);
  const results: unknown[] = [];
  const lines: string[] = [];
  let failures = 0;
  for (const [index, sale] of sales.entries()) {
    const outcome = await ringUp(engine, cart.cart, sale);
    results.push(outcome.ok ? { index, ...outcome } : { index, ...outcome });
    if (outcome.ok) {
      lines.push(
        `sale ${index + 1}: folio ${outcome.folio} total ${outcome.total} change ${outcome.change}${outcome.offline ? ' (offline)' : ''}`,
      );
    } else {
      failures += 1;
      const { ok: _ok, code, ...details } = outcome;
      lines.push(
        `sale ${index + 1}: ${code} — ${messageOf(code, output.language)} ${JSON.stringify(details)}`,
      );
    }
  }
  output.result({ ok: failures === 0, sales: results, failures }, lines);
  return failures === 0 ? EXIT_OK : EXIT_REFUSED;
}

async function salesToRing(
  values: Values,
  environment: CliEnvironment,
  currency: CurrencyCode,
): Promise<ScriptedSale[]> {
  if (values.file !== undefined) {
    return parseSalesScript(await readFile(resolve(environment.cwd, values.file), 'utf8'), currency);
  }
  const tenders = (values.tender ?? []).map((text) => parseTenderArgument(text, currency));
  return [{ lines: [{ code: values.sku ?? '', quantity: quantityArgument(values.qty) }], tenders }];
}

type RungUp =
  | {
      ok: true;
      saleId: string;
      folio: string;
      sequence: number;
      total: string;
      change: string;
      offline: boolean;
    }
  | { ok: false; code: string; [detail: string]: unknown };

async function ringUp(engine: TerminalEngine, emptyCart: Cart, sale: ScriptedSale): Promise<RungUp> {
  let cart = emptyCart;
  for (const line of sale.lines) {
    const added = await engine.addToCart(cart, { code: line.code, quantity: line.quantity });
    if (!added.ok) return { ...added, sku: line.code, quantity: formatQuantity(line.quantity) };
    if (!('cart' in added)) return { ok: false, code: 'PRODUCT_NOT_FOUND', sku: line.code };
    cart = added.cart;
  }
  const sold = await engine.completeSale({ cart, tenders: sale.tenders });
  if (!sold.ok) return sold;
  const amount = (amountMinor: number) => moneyToDecimalString({ amountMinor, currency: cart.currency });
  return {
    ok: true,
    saleId: sold.sale.saleId,
    folio: sold.sale.finalFolio ?? sold.sale.provisionalFolio,
    sequence: sold.sale.sequence,
    total: amount(sold.sale.totalMinor + sold.sale.cashRoundingMinor),
    change: amount(sold.sale.changeMinor),
    offline: sold.sale.offline,
  };
}

async function plannedOfflineCommand(
  engine: TerminalEngine,
  planned: boolean,
  values: Values,
  output: CliOutput,
): Promise<number> {
  const pin = values['manager-pin'];
  const outcome = await engine.setPlannedOffline({
    planned,
    ...(pin === undefined ? {} : { approval: { pin } }),
  });
  if (!outcome.ok) {
    output.refusal(outcome);
    return EXIT_REFUSED;
  }
  output.result({ ok: true, plannedOffline: planned }, [
    planned ? 'planned offline mode on' : 'planned offline mode off',
  ]);
  return EXIT_OK;
}

async function syncCommand(engine: TerminalEngine, output: CliOutput): Promise<number> {
  const result = await engine.sync();
  const status = await engine.status();
  if ('ok' in result) {
    output.refusal(result);
    return EXIT_REFUSED;
  }
  if (result.outcome === 'ok') {
    output.result({ ok: true, ...result, status }, [
      `synced: ${result.acknowledgedSequence} acknowledged, ${result.pendingCount} pending, ${result.pulledChanges} changes pulled`,
    ]);
    return EXIT_OK;
  }
  output.refusal({ ok: false, ...result, status });
  return EXIT_REFUSED;
}

async function reloadCommand(engine: TerminalEngine, output: CliOutput): Promise<number> {
  const result = await engine.reloadData();
  if (!result.ok) {
    output.refusal(result);
    return EXIT_REFUSED;
  }
  const done = result.pull?.outcome === 'ok' && result.pull.complete;
  output.result(result, [
    done ? 'server state reloaded' : 'reload started; it completes on the next successful sync',
  ]);
  return done ? EXIT_OK : EXIT_REFUSED;
}

async function statusCommand(engine: TerminalEngine, output: CliOutput): Promise<number> {
  const status = await engine.status();
  const user = await engine.currentUser();
  output.result({ ...status, user: user ?? null }, [
    `terminal ${status.terminalId ?? '(not activated)'}: ${status.activation}${status.writer ? '' : ' (read-only)'}`,
    `connectivity: ${status.connectivity}${status.plannedOffline ? ' (planned)' : ''}`,
    `pending: ${status.pendingCount}${status.oldestPendingAgeSeconds === null ? '' : `, oldest ${status.oldestPendingAgeSeconds} s`}`,
    `last successful sync: ${status.lastSuccessfulSyncAt ?? 'never'}`,
    `offline in total: ${status.offlineSecondsTotal} s`,
    `signed in: ${user === undefined ? 'nobody' : `${user.name} (${user.role})`}`,
    ...(status.lastProblem === null
      ? []
      : [`last problem: ${status.lastProblem.code} ${status.lastProblem.detail ?? ''}`]),
  ]);
  return EXIT_OK;
}

async function exportCommand(
  engine: TerminalEngine,
  values: Values,
  environment: CliEnvironment,
  output: CliOutput,
): Promise<number> {
  const identity = await engine.identity();
  if (identity === undefined) {
    output.refusal({ ok: false, code: 'TERMINAL_NOT_ACTIVATED' });
    return EXIT_REFUSED;
  }
  const header: FactExportHeader = {
    format: FACT_EXPORT_FORMAT,
    version: FACT_EXPORT_VERSION,
    terminalId: identity.terminalId,
    tenantId: identity.tenantId,
    publicKeyHex: identity.publicKeyHex,
    exportedAt: new Date().toISOString(),
  };
  const lines = [JSON.stringify(header)];
  for await (const stored of engine.exportFacts()) lines.push(JSON.stringify(stored.envelope));
  const text = `${lines.join('\n')}\n`;
  if (values.output === undefined) {
    environment.write(text);
    return EXIT_OK;
  }
  await writeFile(resolve(environment.cwd, values.output), text, { mode: 0o600 });
  output.result({ ok: true, file: values.output, facts: lines.length - 1 }, [
    `exported ${lines.length - 1} facts to ${values.output}`,
  ]);
  return EXIT_OK;
}

async function verifyCommand(
  positionals: readonly string[],
  values: Values,
  environment: CliEnvironment,
  output: CliOutput,
): Promise<number> {
  const [file] = positionals;
  if (file === undefined) throw new UsageError('verify needs the export file');
  const verification = verifyFactExport(
    await readFile(resolve(environment.cwd, file), 'utf8'),
    values['public-key'],
  );
  if (!verification.ok) {
    output.refusal(verification);
    return EXIT_REFUSED;
  }
  output.result(verification, [
    `chain verified: ${verification.facts} facts${verification.firstSequence === null ? '' : ` from sequence ${verification.firstSequence}`} to ${verification.head.sequence}`,
  ]);
  return EXIT_OK;
}
