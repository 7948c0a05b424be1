import type { Logger } from 'pino';
import type { z, ZodError } from 'zod';
import type {
  EndCause,
  EventSink,
  OperatorUnansweredEvent,
  WebhookRequest,
  WebhookResponse,
} from '../provider';
import type { AnswerSlots } from './answer-slots';
import type { CallFacts } from './call-facts';
import { isFinal, StatusOrder } from './status-order';
import { dialOperatorTwiml, emptyTwiml, hangupTwiml, holdTwiml } from './twiml';
import type { DialOptions } from './twiml';
import { isSignedByTwilio } from './twilio-signature';
import * as schemas from './twilio-webhook-schemas';
import type { CallStatus } from './twilio-webhook-schemas';
import { WEBHOOK_PATHS } from './twilio-webhook-urls';

export interface TwilioWebhooksOptions extends DialOptions {
  authToken: string;
  answers: AnswerSlots;
  facts: CallFacts;
  holdMusicUrl: string;
  logger: Logger;
  /** The event sink while the provider runs; undefined before `start` and after `stop`. */
  sink: () => EventSink | undefined;
}

const UNANSWERED_REASON: Partial<Record<CallStatus, OperatorUnansweredEvent['reason']>> = {
  busy: 'busy',
  'no-answer': 'no_answer',
};

const CUSTOMER_UNREACHED: Partial<Record<CallStatus, { cause: EndCause; say: string }>> = {
  busy: { cause: 'busy', say: "The customer's line is busy." },
  'no-answer': { cause: 'no_answer', say: 'The customer did not answer.' },
};

/**
 * Turns Twilio's webhooks into provider events, and answers each with the TwiML the live call
 * needs next. Every request is checked for Twilio's signature before anything else.
 */
export class TwilioWebhooks {
  private readonly order = new StatusOrder();

  constructor(private readonly options: TwilioWebhooksOptions) {}

  async handle(request: WebhookRequest): Promise<WebhookResponse> {
    const { options } = this;
    const signedUrl = options.urls.signed(request.originalUrl);
    if (!isSignedByTwilio(options.authToken, signedUrl, request.headers, request.params)) {
      options.logger.warn(
        { path: request.path },
        'refused a Twilio webhook without a valid signature',
      );
      return text(403, 'The X-Twilio-Signature header is missing or wrong.');
    }

    const sink = options.sink();
    if (!sink) return text(503, 'The telephony provider is not running.');

    const query = new URL(request.originalUrl, 'http://localhost').searchParams;
    switch (request.path) {
      case WEBHOOK_PATHS.voice:
        return this.voice(request.params, sink);
      case WEBHOOK_PATHS.status:
        return this.status(request.params, query, sink);
      case WEBHOOK_PATHS.recording:
        return this.recording(request.params, sink);
      default:
        return text(404, 'No such Twilio webhook.');
    }
  }

  /** A call to the company number: into the pipeline, then to the operator chosen, or on hold. */
  private async voice(params: Record<string, string>, sink: EventSink): Promise<WebhookResponse> {
    const parsed = schemas.voiceWebhook.safeParse(params);
    if (!parsed.success) return malformed(parsed.error);

    const call = parsed.data;
    const dialledBefore = this.options.facts.endpointOf(call.CallSid);
    const decided = await this.options.answers.during(call.CallSid, () =>
      sink({
        type: 'call.offered',
        providerCallId: call.CallSid,
        direction: 'inbound',
        from: call.From,
        to: call.To,
        at: new Date(),
        raw: params,
      }),
    );

    // Twilio repeats a voice webhook whose answer it lost: the repeat gets the same answer.
    return this.putThrough(call.CallSid, decided.endpoint ?? dialledBefore);
  }

  private async status(
    params: Record<string, string>,
    query: URLSearchParams,
    sink: EventSink,
  ): Promise<WebhookResponse> {
    const where = schemas.statusQuery.safeParse({
      leg: query.get('leg') ?? undefined,
      endpoint: query.get('endpoint') ?? undefined,
    });
    if (!where.success) return malformed(where.error);

    const { leg, endpoint } = where.data;
    if (params.DialCallStatus !== undefined) {
      return this.dialResult(leg ?? 'operator', endpoint, params, sink);
    }
    if (leg) return this.legProgress(leg, params, sink);
    return this.callProgress(params, sink);
  }

  /** The call itself: the caller's leg (inbound) or the operator's (click-to-dial). */
  private async callProgress(
    params: Record<string, string>,
    sink: EventSink,
  ): Promise<WebhookResponse> {
    const admitted = this.inOrder(schemas.callProgress, params);
    if (!('progress' in admitted)) return admitted;

    const { progress, stampedAt } = admitted;

    const base = { providerCallId: progress.CallSid, at: stampedAt ?? new Date(), raw: params };
    const clickToDial = progress.Direction?.startsWith('outbound') ?? false;

    if (progress.CallStatus === 'ringing' && clickToDial && progress.To) {
      await sink({ ...base, type: 'call.ringing', endpoint: progress.To });
    } else if (isFinal(progress.CallStatus)) {
      const answered = this.options.facts.wasAnswered(progress.CallSid);
      await sink({
        ...base,
        type: 'call.ended',
        cause: endCause(progress.CallStatus, answered),
        providerCause: progress.CallStatus,
      });
      this.options.facts.forget(progress.CallSid);
    }
    return xml(emptyTwiml());
  }

  /** A leg the CRM dialled: the operator's (inbound) or the customer's (click-to-dial). */
  private async legProgress(
    leg: 'operator' | 'customer',
    params: Record<string, string>,
    sink: EventSink,
  ): Promise<WebhookResponse> {
    const admitted = this.inOrder(schemas.legProgress, params);
    if (!('progress' in admitted)) return admitted;

    const { progress, stampedAt } = admitted;

    const callSid = progress.ParentCallSid;
    const base = { providerCallId: callSid, at: stampedAt ?? new Date(), raw: params };
    const endpoint = leg === 'operator' ? { endpoint: progress.To } : {};

    switch (progress.CallStatus) {
      case 'ringing':
        if (leg === 'operator')
          await sink({ ...base, type: 'call.ringing', endpoint: progress.To });
        break;
      case 'in-progress':
      case 'answered':
      case 'completed':
        // A completed leg was answered first, so it stands in for an answer callback that is late
        // or lost; the pipeline applies an answer once.
        this.options.facts.answered(callSid);
        await sink({
          ...base,
          ...endpoint,
          type: 'call.answered',
          at: answeredAt(progress, base.at),
        });
        break;
      default:
        // An unanswered leg is acted on once, from the dial's result, which can re-route the caller.
        this.options.logger.debug({ callSid, leg, status: progress.CallStatus }, 'leg progress');
    }
    return xml(emptyTwiml());
  }

  /** The <Dial action>: the dial is over, and the live call needs its next TwiML. */
  private async dialResult(
    leg: 'operator' | 'customer',
    endpoint: string | undefined,
    params: Record<string, string>,
    sink: EventSink,
  ): Promise<WebhookResponse> {
    const parsed = schemas.dialResult.safeParse(params);
    if (!parsed.success) return malformed(parsed.error);

    const result = parsed.data;
    const callSid = result.CallSid;
    const base = { providerCallId: callSid, at: new Date(), raw: params };
    const dialled = `dial:${result.DialCallSid ?? callSid}`;
    if (result.DialCallSid && !this.order.admit(dialled, { status: result.DialCallStatus })) {
      // A repeat of a result already acted on: answer with what stands now, change nothing.
      return this.putThrough(callSid, this.options.facts.endpointOf(callSid));
    }

    if (result.DialCallStatus === 'completed' || result.DialCallStatus === 'answered') {
      this.options.facts.answered(callSid);
      const who = leg === 'operator' && endpoint ? { endpoint } : {};
      await sink({ ...base, ...who, type: 'call.answered' });
      return xml(hangupTwiml());
    }

    // The caller (or, in click-to-dial, the operator) hung up while the dial rang: nothing to do;
    // the call's own completed callback ends it.
    if (result.DialCallStatus === 'canceled' || isFinal(result.CallStatus)) {
      return xml(hangupTwiml());
    }

    if (leg === 'customer') {
      const unreached = CUSTOMER_UNREACHED[result.DialCallStatus];
      await sink({
        ...base,
        type: 'call.ended',
        cause: unreached?.cause ?? 'failed',
        providerCause: result.DialCallStatus,
      });
      return xml(hangupTwiml(unreached?.say ?? 'The call to the customer could not be made.'));
    }

    // The operator did not take the call: the pipeline routes it again while this request waits,
    // so the caller goes straight to the next operator, or on hold.
    this.options.facts.dialled(callSid, undefined);
    const decided = await this.options.answers.during(callSid, () =>
      sink({
        ...base,
        type: 'operator.unanswered',
        endpoint: endpoint ?? '',
        reason: UNANSWERED_REASON[result.DialCallStatus] ?? 'failed',
      }),
    );
    return this.putThrough(callSid, decided.endpoint);
  }

  /** A recording of a <Dial> is finished: the server's recording store fetches it. */
  private async recording(
    params: Record<string, string>,
    sink: EventSink,
  ): Promise<WebhookResponse> {
    const parsed = schemas.recordingStatus.safeParse(params);
    if (!parsed.success) return malformed(parsed.error);

    const recording = parsed.data;
    if (recording.RecordingStatus !== 'completed') {
      const failed = recording.RecordingStatus !== 'in-progress';
      this.options.logger[failed ? 'warn' : 'debug'](
        {
          callSid: recording.CallSid,
          recordingSid: recording.RecordingSid,
          error: recording.ErrorCode,
        },
        `Twilio reports the recording ${recording.RecordingStatus}`,
      );
      return xml(emptyTwiml());
    }

    await sink({
      type: 'recording.ready',
      providerCallId: recording.CallSid,
      recordingId: recording.RecordingSid,
      format: 'wav',
      durationSeconds: recording.RecordingDuration,
      at: new Date(),
      raw: params,
    });
    return xml(emptyTwiml());
  }

  /** TwiML that dials the operator when one is chosen, else keeps the caller on hold. */
  private putThrough(callSid: string, endpoint: string | undefined): WebhookResponse {
    if (endpoint) return xml(dialOperatorTwiml(endpoint, this.options));

    this.options.logger.info({ callSid }, 'no operator is free: the caller waits on hold');
    return xml(holdTwiml(this.options.holdMusicUrl));
  }

  /**
   * Parses a progress callback and admits it in its leg's order: the progress with its
   * timestamp, or the answer to give at once (malformed: 400; late or repeated: nothing to do).
   */
  private inOrder<T extends schemas.CallProgress>(
    schema: z.ZodType<T, z.ZodTypeDef, unknown>,
    params: Record<string, string>,
  ): { progress: T; stampedAt: Date | undefined } | WebhookResponse {
    const parsed = schema.safeParse(params);
    if (!parsed.success) return malformed(parsed.error);

    const progress = parsed.data;
    const stampedAt = timestampOf(progress.Timestamp);
    const stamp = { status: progress.CallStatus, sequence: progress.SequenceNumber, at: stampedAt };
    if (!this.order.admit(progress.CallSid, stamp)) {
      this.options.logger.debug(
        { legSid: progress.CallSid, status: stamp.status },
        'ignored a late or repeated progress callback',
      );
      return xml(emptyTwiml());
    }
    return { progress, stampedAt };
  }
}

/** How a call ended, from its last status and whether any leg the CRM dialled was answered. */
function endCause(status: CallStatus, answered: boolean): EndCause {
  switch (status) {
    case 'busy':
      return 'busy';
    case 'no-answer':
      return 'no_answer';
    case 'failed':
      return 'failed';
    default:
      return answered ? 'completed' : 'abandoned';
  }
}

/** Twilio's Timestamp (RFC 2822), or undefined when absent or unreadable. */
function timestampOf(value: string | undefined): Date | undefined {
  if (!value) return undefined;

  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** A completed leg reports when it ended; its answer was its duration earlier. */
function answeredAt(progress: schemas.LegProgress, at: Date): Date {
  if (progress.CallStatus !== 'completed' || progress.CallDuration === undefined) return at;

  return new Date(at.getTime() - progress.CallDuration * 1000);
}

function xml(body: string): WebhookResponse {
  return { status: 200, contentType: 'text/xml', body };
}

function text(status: number, body: string): WebhookResponse {
  return { status, contentType: 'text/plain', body };
}

function malformed(error: ZodError): WebhookResponse {
  const problems = error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  return text(400, `Malformed Twilio webhook. ${problems.join('; ')}`);
}
