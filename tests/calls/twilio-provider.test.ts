import fs from 'node:fs/promises';
import path from 'node:path';
import twilioLibrary from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, createTeam, createUser, login } from '../support/accounts';
import { ConsoleSocket } from '../support/console-socket';
import { startTestServer } from '../support/test-server';
import type { TestServer } from '../support/test-server';
import { FakeTwilioServer } from '../fakes/twilio/fake-twilio-server';
import { makeSid } from '../fakes/twilio/twilio-rest-shapes';
import {
  TwilioWebhookSender,
  twimlAttribute,
  twimlText,
  voiceFields,
} from '../fakes/twilio/twilio-webhook-sender';

const PUBLIC_URL = 'https://crm.example.test';
const COMPANY_NUMBER = '+14155550100';

describe('Twilio as the telephony provider', () => {
  let twilioApi: FakeTwilioServer;
  let server: TestServer;
  let twilio: TwilioWebhookSender;
  const sockets: ConsoleSocket[] = [];
  let callers = 0;

  beforeAll(async () => {
    twilioApi = new FakeTwilioServer();
    await twilioApi.start();
    server = await startTestServer({
      TELEPHONY: 'twilio',
      TWILIO_ACCOUNT_SID: twilioApi.accountSid,
      TWILIO_AUTH_TOKEN: twilioApi.authToken,
      TWILIO_NUMBER: COMPANY_NUMBER,
      TWILIO_API_URL: twilioApi.url,
      PUBLIC_URL,
      DEFAULT_COUNTRY: 'US',
    });
    await createTeam(server, 'Support');
    twilio = new TwilioWebhookSender({
      serverUrl: server.url,
      publicUrl: PUBLIC_URL,
      accountSid: twilioApi.accountSid,
      authToken: twilioApi.authToken,
    });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.close();
    await twilioApi?.stop();
  });

  /**
   * A fresh operator reached as a Twilio Client identity, signed in with a console connected;
   * everybody else logs off, so the call under test can only go to this one.
   */
  async function operator(options: { available?: boolean; keepOthers?: boolean } = {}) {
    if (!options.keepOthers) {
      await server.testDatabase.db.updateTable('users').set({ status: 'offline' }).execute();
    }
    const identity = `agent-${Math.random().toString(36).slice(2, 8)}`;
    const teamId = (
      await server.testDatabase.db.selectFrom('teams').select('id').executeTakeFirstOrThrow()
    ).id;
    const user = await createUser(server, {
      role: 'operator',
      teamId,
      endpoint: `client:${identity}`,
    });
    const cookie = await login(server, user.email);
    const api = apiClient(server, cookie);
    const console = new ConsoleSocket(server, cookie);
    sockets.push(console);
    await console.connected();
    if (options.available ?? true) {
      expect((await api.put('/api/me/status', { status: 'available' })).status).toBe(200);
    }
    return { user, identity, api, console };
  }

  /** A customer calls the company number: Twilio has the call, then posts the voice webhook. */
  function inboundCall() {
    callers += 1;
    const from = `+1415555${String(1000 + callers).padStart(4, '0')}`;
    return twilioApi.inboundCall({ from, to: COMPANY_NUMBER });
  }

  async function callRow(callSid: string) {
    return server.testDatabase.db
      .selectFrom('calls')
      .selectAll()
      .where('provider', '=', 'twilio')
      .where('provider_call_id', '=', callSid)
      .executeTakeFirst();
  }

  /** An inbound call put through to a fresh operator; returns what the next steps need. */
  async function ringingCall() {
    const agent = await operator();
    const call = inboundCall();
    const answer = await twilio.voice(call);
    expect(answer.status).toBe(200);
    const card = await agent.console.next('call:card', (c) => c.call.providerCallId === call.sid);
    return {
      agent,
      call,
      card,
      twiml: answer.body,
      legCallback: twimlAttribute(answer.body, 'Client', 'statusCallback') ?? '',
      dialAction: twimlAttribute(answer.body, 'Dial', 'action') ?? '',
      recordingCallback: twimlAttribute(answer.body, 'Dial', 'recordingStatusCallback') ?? '',
    };
  }

  it('answers a signed inbound call with TwiML that dials the chosen operator, who gets the card', async () => {
    const { agent, call, card, twiml, legCallback, dialAction, recordingCallback } =
      await ringingCall();

    expect(card.call.state).toBe('ringing');
    expect(card.call.from.e164).toBe(call.from);
    expect(card.call.operatorId).toBe(agent.user.id);
    expect(card.customer?.phones[0]?.e164).toBe(call.from);

    expect(twiml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Dial /);
    expect(twimlText(twiml, 'Client')).toBe(agent.identity);
    expect(twimlAttribute(twiml, 'Dial', 'record')).toBe('record-from-answer-dual');
    expect(recordingCallback).toBe(`${PUBLIC_URL}/telephony/twilio/recording`);
    expect(dialAction).toBe(
      `${PUBLIC_URL}/telephony/twilio/status?leg=operator&endpoint=${encodeURIComponent(`client:${agent.identity}`)}`,
    );
    expect(legCallback).toBe(`${PUBLIC_URL}/telephony/twilio/status?leg=operator`);
    expect(twimlAttribute(twiml, 'Client', 'statusCallbackEvent')).toBe(
      'initiated ringing answered completed',
    );
  });

  it('refuses a webhook with a forged or missing signature with 403 and keeps no call', async () => {
    const call = inboundCall();
    const forged = new TwilioWebhookSender({
      serverUrl: server.url,
      publicUrl: PUBLIC_URL,
      accountSid: twilioApi.accountSid,
      authToken: 'not-the-account-token',
    });

    expect((await twilio.voice(call, 'none')).status).toBe(403);
    expect((await forged.voice(call)).status).toBe(403);
    expect((await twilio.voice(call, { signature: 'bm90IGEgc2lnbmF0dXJl' })).status).toBe(403);
    // Twilio's signature for another of the CRM's addresses does not cover this one.
    const elsewhere = await twilio.post(`${PUBLIC_URL}/telephony/twilio/recording`, {});
    expect(elsewhere.status).toBe(400);
    const replayed = await twilio.voice(call, {
      signature: twilioLibrary.getExpectedTwilioSignature(
        twilioApi.authToken,
        `${PUBLIC_URL}/telephony/twilio/status`,
        voiceFields({ ...call, accountSid: twilioApi.accountSid }),
      ),
    });
    expect(replayed.status).toBe(403);

    expect(await callRow(call.sid)).toBeUndefined();
  });

  it('answers a signed but malformed webhook with 400 and keeps no call', async () => {
    const sid = makeSid('CA');
    const answer = await twilio.post(`${PUBLIC_URL}/telephony/twilio/voice`, {
      CallSid: sid,
      CallStatus: 'ringing',
      To: COMPANY_NUMBER,
    });

    expect(answer.status).toBe(400);
    expect(answer.body).toContain('From');
    expect(await callRow(sid)).toBeUndefined();
  });

  it('keeps one call when Twilio delivers the same voice webhook twice, and answers both alike', async () => {
    const { agent, call, twiml } = await ringingCall();

    const again = await twilio.voice(call);

    expect(again.status).toBe(200);
    expect(twimlText(again.body, 'Client')).toBe(agent.identity);
    const rows = await server.testDatabase.db
      .selectFrom('calls')
      .select('id')
      .where('provider_call_id', '=', call.sid)
      .execute();
    expect(rows).toHaveLength(1);
    expect(again.body).toBe(twiml);
  });

  it('applies status callbacks in SequenceNumber order, so late and repeated ones change nothing', async () => {
    const { agent, call, card, legCallback } = await ringingCall();
    const leg = {
      sid: makeSid('CA'),
      parentSid: call.sid,
      from: call.from,
      to: `client:${agent.identity}`,
    };
    const answeredAt = new Date(Date.now() - 42_000);
    const endedAt = new Date();

    // Twilio's callbacks for the operator's leg arrive last first, one of them twice.
    const deliveries = [
      { status: 'completed', sequence: 3, at: endedAt, duration: 42 },
      { status: 'ringing', sequence: 1, at: answeredAt },
      { status: 'in-progress', sequence: 2, at: answeredAt },
      { status: 'initiated', sequence: 0, at: answeredAt },
      { status: 'in-progress', sequence: 2, at: answeredAt },
    ];
    for (const delivery of deliveries) {
      expect((await twilio.legStatus(legCallback, { ...leg, ...delivery })).status).toBe(200);
    }
    const answered = await agent.api.get(`/api/calls/${card.call.id}`);
    expect(answered.body.state).toBe('answered');
    expect(new Date(answered.body.answered_at).getTime()).toBe(
      Math.floor(endedAt.getTime() / 1000) * 1000 - 42_000,
    );

    await twilio.callStatus({
      sid: call.sid,
      status: 'completed',
      direction: 'inbound',
      from: call.from,
      to: COMPANY_NUMBER,
      sequence: 0,
      duration: 60,
    });
    const ended = await agent.console.next('call:ended', (c) => c.id === card.call.id);
    expect(ended.endCause).toBe('completed');
    expect(ended.missed).toBe(false);
    expect((await agent.api.get('/api/me')).body.status).toBe('wrap_up');

    // A ringing callback arriving after the end is ignored by the order, and harmless anyway.
    await twilio.legStatus(legCallback, { ...leg, status: 'ringing', sequence: 1, at: answeredAt });
    const after = await agent.api.get(`/api/calls/${card.call.id}`);
    expect(after.body.state).toBe('ended');
    expect(after.body.end_cause).toBe('completed');
  });

  it('records a caller who hangs up while the operator rings as a missed call with a callback', async () => {
    const { agent, call, card } = await ringingCall();

    await twilio.callStatus({
      sid: call.sid,
      status: 'completed',
      direction: 'inbound',
      from: call.from,
      to: COMPANY_NUMBER,
    });

    const ended = await agent.console.next('call:ended', (c) => c.id === card.call.id);
    expect(ended.missed).toBe(true);
    expect(ended.endCause).toBe('abandoned');
    const callbacks = await agent.api.get('/api/callbacks?scope=team');
    expect(callbacks.body.some((cb: { call_id: string }) => cb.call_id === card.call.id)).toBe(
      true,
    );
    expect((await agent.api.get('/api/me')).body.status).toBe('available');
  });

  it('stores the recording Twilio reports, downloaded with the account credentials', async () => {
    const { agent, call, card, legCallback, recordingCallback } = await ringingCall();
    const leg = {
      sid: makeSid('CA'),
      parentSid: call.sid,
      from: call.from,
      to: `client:${agent.identity}`,
    };
    await twilio.legStatus(legCallback, {
      ...leg,
      status: 'in-progress',
      sequence: 2,
      at: new Date(),
    });
    await twilio.callStatus({
      sid: call.sid,
      status: 'completed',
      direction: 'inbound',
      from: call.from,
      to: COMPANY_NUMBER,
    });
    await agent.console.next('call:ended', (c) => c.id === card.call.id);
    const recordingSid = twilioApi.addRecording(3);

    const answer = await twilio.recording(recordingCallback, {
      callSid: call.sid,
      recordingSid,
      seconds: 3,
    });

    expect(answer.status).toBe(200);
    // The store says so through call:updated once the copy is on disk.
    await agent.console.next('call:updated', (c) => c.id === card.call.id && c.state === 'ended');
    const stored = await agent.api.get(`/api/calls/${card.call.id}`);
    const [recording] = stored.body.recordings;
    expect(recording.status).toBe('stored');
    expect(recording.provider_recording_id).toBe(recordingSid);
    const audio = await fs.readFile(path.join(server.config.dataDir, 'recordings', recording.path));
    expect(audio.subarray(0, 4).toString()).toBe('RIFF');
    expect(Number(recording.bytes)).toBe(audio.length);
    const download = twilioApi.requests.find((request) =>
      request.path.endsWith(`${recordingSid}.wav`),
    );
    expect(download?.authorized).toBe(true);
    expect(download?.status).toBe(200);
  });

  it('holds the caller when nobody is free and redirects the live call to the first operator who is', async () => {
    const agent = await operator({ available: false });
    const call = inboundCall();

    const answer = await twilio.voice(call);

    expect(answer.status).toBe(200);
    expect(answer.body).not.toContain('<Dial');
    expect(answer.body).toContain('<Say>');
    expect(twimlAttribute(answer.body, 'Play', 'loop')).toBe('0');
    expect((await callRow(call.sid))?.state).toBe('queued');

    expect((await agent.api.put('/api/me/status', { status: 'available' })).status).toBe(200);

    const card = await agent.console.next('call:card', (c) => c.call.providerCallId === call.sid);
    expect(card.call.state).toBe('ringing');
    const redirect = await twilioApi.nextRequest(new RegExp(`^POST .*/Calls/${call.sid}\\.json$`));
    expect(redirect.authorized).toBe(true);
    expect(redirect.status).toBe(200);
    const twiml = String(redirect.params.Twiml);
    expect(twimlText(twiml, 'Client')).toBe(agent.identity);
    expect(twimlAttribute(twiml, 'Dial', 'record')).toBe('record-from-answer-dual');
    expect(twilioApi.calls.get(call.sid)?.twiml).toBe(twiml);
  });

  it('puts the caller through to another operator when the first does not answer', async () => {
    const first = await operator();
    const second = await operator({ keepOthers: true });
    const call = inboundCall();
    const answer = await twilio.voice(call);
    const rung = twimlText(answer.body, 'Client');
    const [missed, next] = rung === first.identity ? [first, second] : [second, first];

    const action = twimlAttribute(answer.body, 'Dial', 'action') ?? '';
    const dialResult = { sid: call.sid, dialSid: makeSid('CA'), dialStatus: 'no-answer' };
    const result = await twilio.dialResult(action, dialResult);

    expect(result.status).toBe(200);
    expect(twimlText(result.body, 'Client')).toBe(next.identity);
    const card = await next.console.next('call:card', (c) => c.call.providerCallId === call.sid);
    expect(card.call.operatorId).toBe(next.user.id);
    expect((await missed.api.get('/api/me')).body.status).toBe('away');

    // Twilio repeats the result: the caller stays with the operator now ringing.
    const repeated = await twilio.dialResult(action, dialResult);
    expect(twimlText(repeated.body, 'Client')).toBe(next.identity);
    const stillRinging = await next.api.get(`/api/calls/${card.call.id}`);
    expect(stillRinging.body.state).toBe('ringing');
    expect(stillRinging.body.operator_id).toBe(next.user.id);
    expect((await next.api.get('/api/me')).body.status).toBe('ringing');
  });

  it('places a click-to-dial call through the REST API: the operator first, then the customer', async () => {
    const agent = await operator();

    const placed = await agent.api.post('/api/calls/originate', { number: '(415) 555-0123' });

    expect(placed.status).toBe(201);
    const create = await twilioApi.nextRequest(/^POST .*\/Calls\.json$/);
    expect(create.authorized).toBe(true);
    expect(create.params.To).toBe(`client:${agent.identity}`);
    expect(create.params.From).toBe(COMPANY_NUMBER);
    expect(create.params.StatusCallback).toBe(`${PUBLIC_URL}/telephony/twilio/status`);
    expect(create.params.StatusCallbackEvent).toEqual([
      'initiated',
      'ringing',
      'answered',
      'completed',
    ]);
    const twiml = String(create.params.Twiml);
    expect(twimlText(twiml, 'Number')).toBe('+14155550123');
    expect(twimlAttribute(twiml, 'Dial', 'callerId')).toBe(COMPANY_NUMBER);
    expect(twimlAttribute(twiml, 'Dial', 'record')).toBe('record-from-answer-dual');
    const [callSid] = [...twilioApi.calls.values()]
      .filter((call) => call.direction === 'outbound-api')
      .map((call) => call.sid)
      .slice(-1);
    expect(placed.body.providerCallId).toBe(callSid);
    expect((await agent.api.get('/api/health')).body.telephony.connected).toBe(true);

    // The customer answers, then the operator hangs up.
    const customerLeg = twimlAttribute(twiml, 'Number', 'statusCallback') ?? '';
    await twilio.legStatus(customerLeg, {
      sid: makeSid('CA'),
      parentSid: callSid ?? '',
      status: 'in-progress',
      sequence: 2,
      from: COMPANY_NUMBER,
      to: '+14155550123',
      at: new Date(),
    });
    await agent.console.next(
      'call:updated',
      (c) => c.id === placed.body.id && c.state === 'answered',
    );
    await twilio.callStatus({
      sid: callSid ?? '',
      status: 'completed',
      direction: 'outbound-api',
      from: COMPANY_NUMBER,
      to: `client:${agent.identity}`,
      sequence: 3,
    });
    const ended = await agent.console.next('call:ended', (c) => c.id === placed.body.id);
    expect(ended.endCause).toBe('completed');
    expect(ended.missed).toBe(false);
  });

  it("gives the operator Twilio's reason when Twilio refuses or fails a request", async () => {
    const agent = await operator();
    twilioApi.failNext({
      status: 400,
      code: 21211,
      message: "Invalid 'To' Phone Number: +14155550199",
      match: /^POST .*\/Calls\.json$/,
    });

    const refused = await agent.api.post('/api/calls/originate', { number: '+1 415 555 0199' });

    expect(refused.status).toBe(502);
    expect(refused.body.error.code).toBe('TELEPHONY_REJECTED');
    expect(refused.body.error.message).toBe(
      "Twilio could not place the call: Invalid 'To' Phone Number: +14155550199 (Twilio error 21211).",
    );

    twilioApi.failNext({
      status: 503,
      code: 20503,
      message: 'Service Unavailable',
      match: /Calls\.json$/,
    });
    const unavailable = await agent.api.post('/api/calls/originate', { number: '+1 415 555 0199' });

    expect(unavailable.status).toBe(503);
    expect(unavailable.body.error.code).toBe('TELEPHONY_UNAVAILABLE');
    expect(unavailable.body.error.message).toContain('Service Unavailable (Twilio error 20503)');
    expect((await agent.api.get('/api/me')).body.status).toBe('available');
  });

  it('sends a text message from the company number', async () => {
    const sent = await server.telephony.sendSms?.(
      '+14155550142',
      'Your callback is booked for 3 pm.',
    );

    expect(sent?.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(twilioApi.messages.at(-1)).toMatchObject({
      to: '+14155550142',
      from: COMPANY_NUMBER,
      body: 'Your callback is booked for 3 pm.',
    });
  });
});
