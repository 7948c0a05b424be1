import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { buildWebIfStale } from '../../scripts/build-web-if-stale';
import { loadWebHandler } from '../../server/http/web-handler';
import { apiClient, createTeam, createUser, login, TEST_PASSWORD } from '../support/accounts';
import { startTestServer } from '../support/test-server';
import type { TestServer } from '../support/test-server';
import { launchChromium, screenshot } from './browser';

/**
 * The operator console in a real Chromium against the real server: one operator's shift, from
 * signing in to a postponed call, step by step on one page (each test continues the last).
 */
describe('the operator console', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let supervisor: ReturnType<typeof apiClient>;
  let operatorEmail: string;
  let customerId: string;
  let callId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildWebIfStale();
    const web = await loadWebHandler(pino({ level: 'silent' }));
    server = await startTestServer({}, { web });

    const team = await createTeam(server, 'Sales');
    const operator = await createUser(server, {
      role: 'operator',
      teamId: team.id,
      name: 'Olga Orlova',
    });
    operatorEmail = operator.email;
    const boss = await createUser(server, { role: 'supervisor', teamId: team.id });
    supervisor = apiClient(server, await login(server, boss.email));
    const ivan = await supervisor.post('/api/customers', {
      name: 'Ivan Petrov',
      company: 'Romashka LLC',
      phones: ['8 (912) 345-67-89'],
    });
    expect(ivan.status).toBe(201);
    customerId = ivan.body.id;

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    // Well under the test timeout, so a failure names the step that waited in vain.
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const card = () => page.getByRole('article', { name: 'Call card' });
  const outcomeDialog = () => page.getByRole('dialog', { name: 'How did the call end?' });

  it('sends a visitor to the login and tells a wrong password apart', async () => {
    await page.goto(server.url);

    await page.waitForURL(/\/login/);
    await page.getByLabel('Email').fill(operatorEmail);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('The email or password is wrong.');
    await screenshot(page, '01-login-error');
  });

  it('signs the operator in and makes them available', async () => {
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'Waiting for calls' }).waitFor();
    await page.getByRole('radio', { name: 'Available' }).click();
    await page.locator('[role="radio"][aria-checked="true"]', { hasText: 'Available' }).waitFor();

    const me = await apiClient(server, await login(server, operatorEmail)).get('/api/me');
    expect(me.body.status).toBe('available');
    await screenshot(page, '02-desk-available');
  });

  it('pops the card of a call from 8 (912) 345-67-89 with the name and the number', async () => {
    const simulated = await supervisor.post('/api/sim/calls', { from: '8 (912) 345-67-89' });
    expect(simulated.status).toBe(201);
    callId = simulated.body.id;

    await card().waitFor();
    await expect.poll(() => card().getByTestId('caller-name').textContent()).toBe('Ivan Petrov');
    expect(await card().getByTestId('caller-number').textContent()).toBe('+7 912 345 67 89');
    expect(await card().textContent()).toContain('Romashka LLC');
    // The operator can type at once: the first field has the focus.
    expect(await page.locator(':focus').getAttribute('id')).toBe(`card-${callId}-name`);
    await screenshot(page, '03-card-ringing');
  });

  it('answers with Alt+A from inside a field and saves the city as it is typed', async () => {
    await page.keyboard.press('Alt+KeyA');
    await card().getByText('Talking').waitFor();

    await card().getByLabel('City').fill('Kazan');
    await card().getByText('All changes saved').waitFor();

    const saved = await supervisor.get(`/api/customers/${customerId}`);
    expect(saved.body.city).toBe('Kazan');
  });

  it("shows another viewer's edit in the open card", async () => {
    const edited = await supervisor.patch(`/api/customers/${customerId}`, {
      line_of_business: 'wholesale',
    });
    expect(edited.status).toBe(200);

    await expect.poll(() => card().getByLabel('Line of business').inputValue()).toBe('wholesale');
  });

  it('says when the connection drops, keeps the edits and saves them when it returns', async () => {
    const lost = page.getByRole('alert').filter({ hasText: 'Connection lost' });
    // The network goes away: the socket drops and cannot come back, requests fail.
    const engine = server.hub.io.engine as unknown as { opts: { allowRequest?: unknown } };
    engine.opts.allowRequest = (_req: unknown, allow: (error: string, ok: boolean) => void) =>
      allow('the network is down', false);
    server.hub.io.disconnectSockets(true);
    await lost.waitFor();
    await context.setOffline(true);

    await card().getByLabel('Company').fill('Romashka Group');
    await card()
      .getByText(/Not saved\. Retrying/)
      .waitFor();
    await screenshot(page, '04-connection-lost');

    await context.setOffline(false);
    delete engine.opts.allowRequest;
    await page.getByText('Connected again.').waitFor();
    await lost.waitFor({ state: 'detached' });
    await card().getByText('All changes saved').waitFor();
    await card().getByText('Talking').waitFor();
    const saved = await supervisor.get(`/api/customers/${customerId}`);
    expect(saved.body.company).toBe('Romashka Group');
  });

  it('shows the same card after a reload mid-call', async () => {
    await page.reload();

    await card().waitFor();
    expect(await card().getAttribute('data-call-id')).toBe(callId);
    expect(await card().getByTestId('caller-name').textContent()).toBe('Ivan Petrov');
    expect(await card().getByLabel('City').inputValue()).toBe('Kazan');
    await card().getByText('Talking').waitFor();
    await screenshot(page, '05-card-after-reload');
  });

  it('asks for the outcome when the call ends and does not let it be skipped', async () => {
    await card().getByLabel('Line of business').fill('wholesale trade');
    await card().getByText('All changes saved').waitFor();
    await page.keyboard.press('Alt+KeyH');

    await outcomeDialog().waitFor();
    // The card behind keeps what was saved during the call.
    expect(await card().getByLabel('Line of business').inputValue()).toBe('wholesale trade');
    expect(await card().getByLabel('Company').inputValue()).toBe('Romashka Group');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    expect(await outcomeDialog().isVisible()).toBe(true);
    expect(await outcomeDialog().evaluate((dialog) => dialog.matches(':modal'))).toBe(true);

    await outcomeDialog().getByRole('button', { name: 'Save outcome' }).click();
    await outcomeDialog().getByText('Choose how the call ended.').waitFor();
    await outcomeDialog()
      .getByRole('radio', { name: /^Refusal/ })
      .check();
    await outcomeDialog().getByRole('button', { name: 'Save outcome' }).click();
    await outcomeDialog().getByText('Give the reason for the refusal.').waitFor();

    const operator = apiClient(server, await login(server, operatorEmail));
    const goAvailable = await operator.put('/api/me/status', { status: 'available' });
    expect(goAvailable.body.error.code).toBe('OUTCOME_REQUIRED');

    await page.reload();
    await outcomeDialog().waitFor();
    await screenshot(page, '06-outcome-required');
  });

  it('records a postponed outcome and lists the callback in My work', async () => {
    const later = new Date(Date.now() + 2 * 3600_000);
    await outcomeDialog()
      .getByRole('radio', { name: /^Postponed/ })
      .check();
    await outcomeDialog().getByLabel('Call back on').fill(toDateTimeLocal(later));
    await outcomeDialog().getByLabel('Note (optional)').fill('Call after the board meeting');
    await outcomeDialog().getByRole('button', { name: 'Save outcome' }).click();

    await outcomeDialog().waitFor({ state: 'detached' });
    const callbacks = page.locator('[data-testid$="-callbacks"]');
    await callbacks.getByRole('link', { name: 'Ivan Petrov' }).waitFor();
    // The call itself is listed under the customer's name rather than the bare number.
    await page.getByTestId('recent-calls').getByRole('link', { name: 'Ivan Petrov' }).waitFor();
    await page.getByRole('heading', { name: 'Waiting for calls' }).waitFor();

    const call = await supervisor.get(`/api/calls/${callId}`);
    expect(call.body.outcome).toBe('postponed');
    await screenshot(page, '07-callback-listed');
  });

  it('finds the customer by +7 912 345-67-89 and opens the page with the history', async () => {
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByLabel('Search customers').fill('+7 912 345-67-89');

    const result = page.getByRole('link', { name: 'Ivan Petrov' });
    await result.waitFor();
    await screenshot(page, '08-customer-search');
    await result.click();

    await page.getByRole('heading', { name: 'Ivan Petrov', level: 1 }).waitFor();
    expect(await page.getByLabel('City').inputValue()).toBe('Kazan');
    await page.getByTestId('timeline').getByText('Postponed').first().waitFor();
    await screenshot(page, '09-customer-page');
  });

  it('raised no script error on any page', () => {
    expect(pageErrors).toEqual([]);
  });
});

function toDateTimeLocal(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}
