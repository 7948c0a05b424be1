import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import type { Logger } from 'pino';
import twilio from 'twilio';
import type {
  EventSink,
  OriginateRequest,
  ProviderStatus,
  ReconnectSink,
  TelephonyProvider,
  WebhookRequest,
  WebhookResponse,
} from '../provider';
import { TelephonyError } from '../telephony-error';
import { AnswerSlots } from './answer-slots';
import { CallFacts } from './call-facts';
import { dialCustomerTwiml, dialOperatorTwiml } from './twiml';
import { fromHttpStatus, toTelephonyError } from './twilio-error';
import { redirect, RedirectedRequestClient, TWILIO_API_URL } from './twilio-http-client';
import { WebhookUrls } from './twilio-webhook-urls';
import { TwilioWebhooks } from './twilio-webhooks';

export interface TwilioProviderOptions {
  accountSid: string;
  authToken: string;
  /** The company number: caller id of click-to-dial calls and sender of text messages. */
  number: string;
  /** The CRM's public address; Twilio calls back under it and signs what it calls. */
  publicUrl: string;
  /** Sends REST requests here instead of https://api.twilio.com (tests: the local fake). */
  apiUrl?: string;
  logger: Logger;
  /** What callers waiting for an operator hear; Twilio's own sample by default. */
  holdMusicUrl?: string;
  /** Seconds an operator's phone rings before the caller is routed again. */
  ringTimeoutSeconds?: number;
  /** Milliseconds a REST request may take. */
  requestTimeoutMs?: number;
}

/** Twilio's public classical hold music, served for its own TwiML samples. */
const DEFAULT_HOLD_MUSIC = 'http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3';
const ACCOUNT_CHECK_MAX_DELAY_MS = 60_000;

/**
 * Twilio Programmable Voice behind the provider interface. Twilio reports by webhooks (taken by
 * `webhook`) and is commanded through its REST API with the twilio library: a call waiting in a
 * webhook is put through by the TwiML answer, a live call by redirecting it to new TwiML.
 */
export class TwilioProvider implements TelephonyProvider {
  readonly name = 'twilio' as const;
  private readonly client: twilio.Twilio;
  private readonly urls: WebhookUrls;
  private readonly answers = new AnswerSlots();
  private readonly facts = new CallFacts();
  private readonly webhooks: TwilioWebhooks;
  private readonly apiUrl: string;
  private readonly ringTimeoutSeconds: number;
  private onEvent: EventSink | undefined;
  private connection: { connected: boolean; since: Date; error?: string };
  private accountCheck: NodeJS.Timeout | undefined;

  constructor(private readonly options: TwilioProviderOptions) {
    this.apiUrl = options.apiUrl ?? TWILIO_API_URL;
    this.ringTimeoutSeconds = options.ringTimeoutSeconds ?? 20;
    this.urls = new WebhookUrls(options.publicUrl);
    this.connection = { connected: false, since: new Date() };

    const timeout = options.requestTimeoutMs ?? 15_000;
    this.client = twilio(options.accountSid, options.authToken, {
      timeout,
      ...(options.apiUrl
        ? { httpClient: new RedirectedRequestClient(options.apiUrl, { timeout }) }
        : {}),
    });
    this.webhooks = new TwilioWebhooks({
      authToken: options.authToken,
      urls: this.urls,
      answers: this.answers,
      facts: this.facts,
      holdMusicUrl: options.holdMusicUrl ?? DEFAULT_HOLD_MUSIC,
      ringTimeoutSeconds: this.ringTimeoutSeconds,
      logger: options.logger,
      sink: () => this.onEvent,
    });
  }

  /**
   * Starts taking webhooks. Twilio keeps calls through a restart of the CRM, so there is nothing
   * to reconcile; the account is checked in the background (status() reports the outcome).
   */
  async start(sinks: { onEvent: EventSink; onReconnect?: ReconnectSink }): Promise<void> {
    this.onEvent = sinks.onEvent;
    void this.checkAccount(0);
  }

  async stop(): Promise<void> {
    this.onEvent = undefined;
    clearTimeout(this.accountCheck);
    this.accountCheck = undefined;
  }

  status(): ProviderStatus {
    return { provider: 'twilio', ...this.connection };
  }

  webhook(request: WebhookRequest): Promise<WebhookResponse> {
    return this.webhooks.handle(request);
  }

  /**
   * Puts a caller through to an operator. While the call's webhook awaits the pipeline, its TwiML
   * answer does it; otherwise (a caller on hold) the live call is redirected to new TwiML.
   */
  async connect(providerCallId: string, endpoint: string): Promise<void> {
    if (this.answers.claim(providerCallId, endpoint)) {
      this.facts.dialled(providerCallId, endpoint);
      return;
    }

    const twiml = dialOperatorTwiml(endpoint, this.dialOptions());
    await this.rest('put the caller through to the operator', () =>
      this.client.calls(providerCallId).update({ twiml }),
    );
    this.facts.dialled(providerCallId, endpoint);
  }

  /** Click-to-dial: Twilio rings the operator's endpoint, whose answer dials the customer. */
  async originate(request: OriginateRequest): Promise<{ providerCallId: string }> {
    const twiml = dialCustomerTwiml(request.to, {
      ...this.dialOptions(),
      callerId: this.options.number,
    });
    const call = await this.rest('place the call', () =>
      this.client.calls.create({
        to: request.endpoint,
        from: this.options.number,
        twiml,
        timeout: this.ringTimeoutSeconds,
        statusCallback: this.urls.status(),
        statusCallbackMethod: 'POST',
        statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      }),
    );

    this.facts.dialled(call.sid, request.endpoint);
    return { providerCallId: call.sid };
  }

  async hangup(providerCallId: string): Promise<void> {
    await this.rest('hang up the call', () =>
      this.client.calls(providerCallId).update({ status: 'completed' }),
    );
  }

  /** The recording's audio as WAV, downloaded with the account's credentials. */
  async fetchRecording(recordingId: string): Promise<Readable> {
    const { accountSid, authToken } = this.options;
    const path = `/2010-04-01/Accounts/${accountSid}/Recordings/${encodeURIComponent(recordingId)}.wav`;
    const url = redirect(`${TWILIO_API_URL}${path}`, this.apiUrl);
    const action = 'fetch the recording';

    // Only the wait for the answer is bounded: a long recording may take a while to stream.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.options.requestTimeoutMs ?? 15_000);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { authorization: `Basic ${btoa(`${accountSid}:${authToken}`)}` },
        signal: abort.signal,
      });
    } catch (error) {
      throw this.failed(toTelephonyError(error, action));
    } finally {
      clearTimeout(timer);
    }

    if (!response.ok || !response.body) {
      const body: unknown = await response.json().catch(() => undefined);
      throw this.failed(fromHttpStatus(response.status, action, body));
    }
    this.succeeded();
    return Readable.fromWeb(response.body as ReadableStream<Uint8Array>);
  }

  /** A text message from the company number. */
  async sendSms(to: string, body: string): Promise<{ providerMessageId: string }> {
    const message = await this.rest('send the text message', () =>
      this.client.messages.create({ to, from: this.options.number, body }),
    );
    return { providerMessageId: message.sid };
  }

  /** Asks for the account, a cheap authenticated request, until Twilio answers it. */
  private async checkAccount(attempt: number): Promise<void> {
    try {
      await this.rest('check the account', () =>
        this.client.api.v2010.accounts(this.options.accountSid).fetch(),
      );
      this.options.logger.info('the Twilio account answered');
    } catch (error) {
      const temporary = error instanceof TelephonyError && error.temporary;
      this.options.logger.warn({ err: error, attempt }, 'the Twilio account check failed');
      if (!temporary || !this.onEvent) return;

      const delay = Math.min(ACCOUNT_CHECK_MAX_DELAY_MS, 1000 * 2 ** attempt);
      this.accountCheck = setTimeout(() => void this.checkAccount(attempt + 1), delay);
      this.accountCheck.unref();
    }
  }

  /** Runs a REST request, wrapping its failure and keeping status() current. */
  private async rest<T>(action: string, request: () => Promise<T>): Promise<T> {
    try {
      const result = await request();
      this.succeeded();
      return result;
    } catch (error) {
      throw this.failed(toTelephonyError(error, action));
    }
  }

  private succeeded(): void {
    if (this.connection.connected) return;

    this.connection = { connected: true, since: new Date() };
  }

  /** A failure that says Twilio is unreachable or refuses the account marks it disconnected. */
  private failed(error: TelephonyError): TelephonyError {
    const accountLevel = error.temporary || error.code === 'TWILIO_CREDENTIALS';
    if (!accountLevel) return error;

    const since = this.connection.connected ? new Date() : this.connection.since;
    this.connection = { connected: false, since, error: error.message };
    return error;
  }

  private dialOptions() {
    return { urls: this.urls, ringTimeoutSeconds: this.ringTimeoutSeconds };
  }
}
