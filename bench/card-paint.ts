/**
 * Card paint latency in a real browser: from the moment the server hands `call:card` to the
 * operator's socket to the moment headless Chromium has produced the frame showing that card.
 *
 * The real server runs with the built console on its own embedded PostgreSQL; an operator signs
 * in through the login page and goes available; then, BENCH_PAINTS times (100), a simulated
 * caller rings, the card pops, and the call is answered, hung up and given an outcome through
 * the HTTP API so the operator is free for the next one.
 *
 * What is timed, all on the wall clock (epoch ms, `performance.timeOrigin + performance.now()`)
 * of the one machine both processes run on:
 * - start: a Socket.IO `onAnyOutgoing` listener on the operator's server-side socket, called
 *   with the card already built and encoded, just before it is written to the WebSocket;
 * - the marks of bench/card-paint-probe.js in the page: the WebSocket message's arrival, the
 *   card with the caller's name in the DOM, and "after the next paint" (a message posted from
 *   the following requestAnimationFrame). Drawing by the compositor after that is not included.
 * Building the card (database, routing) is not in it: the screen-pop bench measures that.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { Page } from 'playwright-core';
import type { ConnectedDatabase } from '../db/connect';
import { insertTeam } from '../db/queries/teams';
import { buildWebIfStale } from '../scripts/build-web-if-stale';
import { SESSION_COOKIE } from '../server/auth/session-token';
import type { CallCard } from '../server/calls/call-card';
import { loadWebHandler } from '../server/http/web-handler';
import type { RunningServer } from '../server/server';
import { launchChromium } from '../tests/browser/browser';
import { envInt, startBenchServer, withBenchDatabase } from './bench-harness';
import { percentiles, timingTable } from './stats';
import type { Percentiles } from './stats';

export interface CardPaintFigures {
  calls: number;
  /** emit → the frame showing the card produced: the figure the issue asks for. */
  paint: Percentiles;
  /**
   * emit → the WebSocket message in the page: the transport part, including engine.io holding
   * the packet while an earlier one to the same socket is still being written.
   */
  transport: Percentiles;
  /** WebSocket message → card in the DOM: Socket.IO parsing, console state, Svelte rendering. */
  render: Percentiles;
  /** Card in the DOM → frame produced: waiting for the next frame, style, layout, paint. */
  frame: Percentiles;
  /** The page's clock minus the server's, before and after the calls. */
  clockOffset: { before: ClockOffset; after: ClockOffset };
}

/** Measured by round trips: the offset in ms and how far off it may be. */
interface ClockOffset {
  ms: number;
  plusMinus: number;
}

/** What bench/card-paint-probe.js reports from the page for one call (epoch ms). */
interface PaintMarks {
  arrived: number | null;
  inDom: number;
  painted: number;
}

type Samples = Record<'paint' | 'transport' | 'render' | 'frame', number[]>;

const PASSWORD = 'bench operator password';
const PROBE = fileURLToPath(new URL('./card-paint-probe.js', import.meta.url));
const CUSTOMERS = 20;
const PAINT_TIMEOUT_MS = 10_000;
const SETTLE_MS = 100;

const epochNow = () => performance.timeOrigin + performance.now();

/** `npm run bench` line: the console's card paint latency in headless Chromium. */
export async function benchCardPaint(): Promise<CardPaintFigures> {
  await buildWebIfStale();

  return withBenchDatabase((database, folder) => measure(database, folder));
}

async function measure(database: ConnectedDatabase, folder: string): Promise<CardPaintFigures> {
  const calls = envInt('BENCH_PAINTS', 100, 1);
  const warmup = envInt('BENCH_PAINT_WARMUP', 5, 0);
  const logger = pino({ level: 'silent' });

  const web = await loadWebHandler(logger);
  if (!web) throw new Error('the console is not built: npm run build');
  const server = await startBenchServer(database, path.join(folder, 'app'), { web });
  const browser = await launchChromium();

  try {
    const { email, numbers } = await seed(server);
    const emittedAt = watchCardEmits(server);
    const paints = paintReports();
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    context.setDefaultTimeout(PAINT_TIMEOUT_MS);
    await context.exposeFunction('__cardPainted', paints.report);
    await context.addInitScript({ path: PROBE });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await signInAvailable(page, server, email);

    const before = await clockOffset(page);
    const samples: Samples = { paint: [], transport: [], render: [], frame: [] };
    for (let i = 0; i < warmup + calls; i += 1) {
      const callId = await ring(server, numbers[i % numbers.length] ?? '');
      const marks = await paints.of(callId);
      const emitted = emittedAt.get(callId);
      if (emitted === undefined) throw new Error(`call:card of ${callId} was never emitted`);
      if (marks.arrived === null) {
        throw new Error(`the page saw no call:card message for ${callId}: has its format changed?`);
      }

      if (i >= warmup) {
        samples.paint.push(marks.painted - emitted);
        samples.transport.push(marks.arrived - emitted);
        samples.render.push(marks.inDom - marks.arrived);
        samples.frame.push(marks.painted - marks.inDom);
      }
      await finish(page, server, callId);
    }
    const after = await clockOffset(page);
    if (pageErrors.length > 0) throw new Error(`the console raised: ${pageErrors.join('; ')}`);

    const figures: CardPaintFigures = {
      calls,
      paint: percentiles(samples.paint),
      transport: percentiles(samples.transport),
      render: percentiles(samples.render),
      frame: percentiles(samples.frame),
      clockOffset: { before, after },
    };
    report(figures, warmup);
    return figures;
  } finally {
    await browser.close();
    await server.close();
  }
}

function report(figures: CardPaintFigures, warmup: number): void {
  console.log(
    `call:card leaving the server → card painted in headless Chromium, ms ` +
      `(${figures.calls} calls after ${warmup} warm-up; one operator, one call at a time)`,
  );
  console.log(
    timingTable([
      ['emit → card painted (after the next frame)', figures.paint],
      ['  emit → WebSocket message in the page', figures.transport],
      ['  message → card in the DOM (parse, render)', figures.render],
      ['  card in the DOM → frame produced', figures.frame],
    ]),
  );
  const { before, after } = figures.clockOffset;
  const shown = (offset: ClockOffset) =>
    `${offset.ms.toFixed(3)} ± ${offset.plusMinus.toFixed(3)} ms`;
  console.log(
    `page clock − server clock, before and after: ${shown(before)}, ${shown(after)}` +
      ' (not corrected for)',
  );
}

/** The bench's team, its operator (a real password, for the login page) and known callers. */
async function seed(server: RunningServer): Promise<{ email: string; numbers: string[] }> {
  const team = await insertTeam(server.database.db, 'Bench');
  const email = `operator-${crypto.randomUUID().slice(0, 8)}@bench.local`;
  const operator = await server.services.users.create(null, {
    email,
    name: 'Bench Operator',
    password: PASSWORD,
    role: 'operator',
    team_id: team.id,
    endpoint: 'SIP/1000',
  });

  const numbers: string[] = [];
  for (let n = 1; n <= CUSTOMERS; n += 1) {
    const digits = String(n).padStart(2, '0');
    await server.services.customers.create(
      operator,
      { name: `Customer ${digits}`, company: `Company ${digits} LLC` },
      [{ number: `+7 916 000-00-${digits}` }],
    );
    // Callers' numbers as people type them, so the card's lookup normalizes each.
    numbers.push(`8 (916) 000-00-${digits}`);
  }
  return { email, numbers };
}

/**
 * Epoch time at which each call's first `call:card` left the server for an operator's socket.
 * Socket.IO calls outgoing listeners just before it writes the encoded packet to the socket.
 */
function watchCardEmits(server: RunningServer): Map<string, number> {
  const emittedAt = new Map<string, number>();
  server.hub.io.on('connection', (socket) => {
    if (socket.data.actor.role !== 'operator') return;

    socket.onAnyOutgoing((event: string, card: CallCard) => {
      const at = epochNow();
      if (event === 'call:card' && !emittedAt.has(card.call.id)) emittedAt.set(card.call.id, at);
    });
  });
  return emittedAt;
}

/** A simulated caller rings; returns the call's id once the pipeline has routed it. */
async function ring(server: RunningServer, from: string): Promise<string> {
  const sim = server.telephony;
  if (!sim.simulateInbound) throw new Error('the bench needs the simulated PBX');

  const providerCallId = await sim.simulateInbound({ from, to: '+74950000000' });
  const callId = await server.callSystem.findCallId(providerCallId);
  if (!callId) throw new Error(`no call for ${providerCallId}`);
  return callId;
}

/**
 * Answers, hangs up and records the outcome as the operator, through the HTTP API with the
 * page's session, and waits until the card is gone and the console has settled.
 */
async function finish(page: Page, server: RunningServer, callId: string): Promise<void> {
  const session = (await page.context().cookies(server.url)).find(
    (cookie) => cookie.name === SESSION_COOKIE,
  );
  if (!session) throw new Error('the console has no session cookie');
  const post = async (route: string, body: unknown = {}) => {
    const response = await fetch(`${server.url}/api/calls/${callId}/${route}`, {
      method: 'POST',
      headers: {
        cookie: `${SESSION_COOKIE}=${session.value}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
  };

  await post('answer');
  await post('hangup');
  await post('outcome', { outcome: 'result' });
  await page.locator('article[data-call-id]').waitFor({ state: 'detached' });
  // The call's end also makes My work reload its lists: let that finish before the next pop.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

async function signInAvailable(page: Page, server: RunningServer, email: string): Promise<void> {
  await page.goto(server.url);
  await page.waitForURL(/\/login/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await page.getByRole('heading', { name: 'Waiting for calls' }).waitFor();
  await page.getByRole('radio', { name: 'Available' }).click();
  await page.locator('[role="radio"][aria-checked="true"]', { hasText: 'Available' }).waitFor();
}

/** The marks the page reports for each call's card, and a wait for those of one call. */
function paintReports() {
  const reported = new Map<string, PaintMarks>();
  const waiting = new Map<string, (marks: PaintMarks) => void>();

  return {
    report: (callId: string, marks: PaintMarks) => {
      reported.set(callId, marks);
      waiting.get(callId)?.(marks);
    },
    of: async (callId: string): Promise<PaintMarks> => {
      const known = reported.get(callId);
      if (known) return known;

      let timer: NodeJS.Timeout | undefined;
      try {
        return await new Promise<PaintMarks>((resolve, reject) => {
          waiting.set(callId, resolve);
          timer = setTimeout(() => {
            reject(new Error(`the card of ${callId} was not painted in ${PAINT_TIMEOUT_MS} ms`));
          }, PAINT_TIMEOUT_MS);
        });
      } finally {
        clearTimeout(timer);
        waiting.delete(callId);
      }
    },
  };
}

/**
 * The page's clock minus this process's, NTP-style: of 30 round trips, the shortest one, whose
 * midpoint is the best guess of when the page read its clock; half of it is the uncertainty.
 */
async function clockOffset(page: Page): Promise<ClockOffset> {
  let best = { ms: 0, plusMinus: Infinity };
  for (let i = 0; i < 30; i += 1) {
    const sent = epochNow();
    const pageNow = await page.evaluate(() => performance.timeOrigin + performance.now());
    const received = epochNow();
    const plusMinus = (received - sent) / 2;
    if (plusMinus < best.plusMinus) best = { ms: pageNow - (sent + received) / 2, plusMinus };
  }
  return best;
}
