import { execFileSync } from 'node:child_process';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

// What a cashier and a manager do at the till, as playwright-core steps against Debian's Chromium.
// Every step finds things by their label or role, as a person would; data-testid marks only what
// a person reads but a test cannot (the pending count, a final folio).

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const VIEWPORT = { width: 1024, height: 768 };
const STEP_TIMEOUT_MS = 20_000;

export async function launchProfile(
  directory: string,
  options: { offline?: boolean } = {},
): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(directory, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: VIEWPORT,
    locale: 'es-MX',
    timeout: 30_000,
    ...(options.offline === undefined ? {} : { offline: options.offline }),
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  return context;
}

/** The browser process Playwright started for this profile: a child of this process, found by its profile. */
export function browserProcessId(profile: string): number {
  const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], {
    encoding: 'utf8',
  });
  const matching = children
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.includes(`--user-data-dir=${profile}`));
  if (matching.length !== 1) throw new Error(`expected one browser on ${profile}, found:\n${children}`);
  return Number.parseInt(matching[0]!, 10);
}

export async function openApp(context: BrowserContext, url: string, errors: string[]): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
  await page.goto(url);
  return page;
}

/** Waits until the service worker controls the page, so the app opens with no network from now on. */
export async function waitForOfflineShell(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, {
    timeout: 20_000,
  });
}

export async function activate(
  page: Page,
  details: { tenant: string; email: string; password: string; storeCode: string; terminalName: string },
): Promise<void> {
  await page.getByLabel('Empresa (identificador)').fill(details.tenant);
  await page.getByLabel('Correo del gerente').fill(details.email);
  await page.getByLabel('Contraseña').fill(details.password);
  await page.getByRole('button', { name: 'Continuar' }).click();
  const store = page.getByLabel('Tienda');
  const option = store.locator('option', { hasText: `(${details.storeCode} ·` });
  await store.selectOption({ value: (await option.getAttribute('value')) ?? '' });
  await page.getByLabel('Nombre de la caja').fill(details.terminalName);
  await page.getByRole('button', { name: 'Activar caja' }).click();
  await page.getByLabel('PIN', { exact: true }).waitFor({ timeout: 60_000 });
}

export async function pinLogin(page: Page, pin: string): Promise<void> {
  await page.getByLabel('PIN', { exact: true }).fill(pin);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('button', { name: /^Cobrar/ }).waitFor();
}

/**
 * A scanner in keyboard-wedge mode: its keys and Enter as one burst of keydown events, with
 * nothing focused. The burst is dispatched inside the page, as a scanner's keys arrive together:
 * typing them one CDP command at a time spaces them by the machine's load, and on a busy 2-core
 * machine that spacing can pass for a person typing.
 */
export async function scan(page: Page, code: string): Promise<void> {
  await page.evaluate((text) => {
    (document.activeElement as HTMLElement | null)?.blur();
    for (const key of [...text, 'Enter']) {
      document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    }
  }, code);
}

export function cartLine(page: Page, sku: string) {
  return page.locator(`[data-testid="cart-line"][data-sku="${sku}"]`);
}

/** Scans and waits for the line; a failure says what the till showed instead. */
export async function scanLine(page: Page, code: string, sku: string): Promise<void> {
  await scan(page, code);
  try {
    await cartLine(page, sku).waitFor({ timeout: 10_000 });
  } catch (error) {
    const problem = await page
      .getByTestId('sale-problem')
      .textContent()
      .catch(() => null);
    const focused = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120) ?? 'none');
    throw new Error(`scanning ${code} added no line for ${sku}: problem "${problem}", focus ${focused}`, {
      cause: error,
    });
  }
}

/** Pays with a card for `cardAmount` (a plain decimal) and the rest in cash ("Exacto"), then confirms. */
export async function paySplit(page: Page, cardAmount: string | null): Promise<void> {
  await page.keyboard.press('F2');
  const dialog = page.getByTestId('payment-dialog');
  await dialog.waitFor();
  if (cardAmount !== null) {
    await dialog.getByRole('button', { name: '+ Tarjeta' }).click();
    await dialog.getByLabel('Monto en Tarjeta (2)').fill(cardAmount);
    await dialog.getByLabel('Referencia del pago 2').fill('AUTH-1');
  }
  await dialog
    .getByRole('row')
    .filter({ has: page.getByLabel('Monto en Efectivo (1)') })
    .getByRole('button', { name: 'Exacto' })
    .click();
  await dialog.getByTestId('change-due').waitFor();
  await dialog.getByRole('button', { name: 'Confirmar cobro (Enter)' }).click();
  await page.getByTestId('receipt-dialog').waitFor();
}

export async function newSale(page: Page): Promise<void> {
  await page.keyboard.press('Enter');
  await page.getByTestId('receipt-dialog').waitFor({ state: 'detached' });
}

export async function goTo(
  page: Page,
  section: 'Venta' | 'Ventas' | 'Turno' | 'Conflictos' | 'Sincronización',
) {
  await page.getByRole('navigation').getByRole('button', { name: section, exact: true }).click();
}
