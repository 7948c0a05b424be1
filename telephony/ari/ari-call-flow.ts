import type { Logger } from 'pino';
import type { EndCause, TelephonyEvent } from '../provider';
import { providerCause, unansweredEndCause, unansweredReason } from './ari-cause';
import type { CallRegistry, TrackedCall, TrackedLeg } from './ari-call-registry';
import { isNotFound, wrapAriError } from './ari-error';
import { type AriChannel, parseAriEvent } from './ari-events';
import { decodeLegArgs, encodeLegArgs, type LegArgs } from './ari-leg';
import { callIdFromRecordingName, recordingNameFor } from './ari-recording-name';
import type { AriRest } from './ari-rest';
import { retryTemporary } from './ari-retry';

export interface CallFlowSettings {
  app: string;
  logger: Logger;
  recordingFormat: 'wav';
  recordCalls: boolean;
  ringSeconds: number;
  /** The first wait before a REST step is tried again after a temporary failure. */
  retryDelayMs: number;
  /** Whether the events socket is up; a step that fails while it is down is redone on reconnect. */
  isConnected: () => boolean;
  /** The endpoint that dials a customer's number, e.g. `PJSIP/+4420…@trunk`. */
  customerEndpoint: (number: string) => string;
  outboundCallerId?: string;
}

/** What Asterisk reported: when, why (for an end), and its payload for the event log. */
interface Report {
  at: Date;
  providerCause?: string;
  raw?: unknown;
}

/**
 * Turns ARI events into the CRM's call events and drives the channels of each call.
 *
 * Every handler changes state and emits synchronously, in the order Asterisk reported things, and
 * only then starts its REST calls; so a hang-up that arrives while an operator is being bridged
 * still follows the `call.answered` it raced with. REST side effects never throw: a failure that
 * breaks the call ends it as `failed`; a channel that has gone is left to its own event.
 */
export class AriCallFlow {
  private readonly log: Logger;

  constructor(
    private readonly settings: CallFlowSettings,
    private readonly registry: CallRegistry,
    private readonly rest: AriRest,
    private readonly emit: (event: TelephonyEvent) => void,
  ) {
    this.log = settings.logger;
  }

  /** One event from the events socket. Never throws. */
  handle(raw: unknown): void {
    const parsed = parseAriEvent(raw);
    if (parsed.kind === 'ignored') return;
    if (parsed.kind === 'invalid') {
      this.log.warn({ type: parsed.type, issues: parsed.issues }, 'ignored a malformed ARI event');
      return;
    }

    const { event } = parsed;
    const at = eventTime(event.timestamp);
    try {
      switch (event.type) {
        case 'StasisStart':
          return this.channelEntered(event.channel, event.args, { at, raw });
        case 'ChannelDestroyed':
          return this.channelGone(event.channel.id, event.cause, {
            at,
            providerCause: providerCause(event.cause, event.cause_txt),
            raw,
          });
        case 'RecordingFinished':
          return this.recordingReady(event.recording.name, event.recording.duration, at, raw);
        case 'RecordingFailed':
          return this.recordingFailed(event.recording.name, event.recording.cause);
      }
    } catch (error) {
      this.log.error({ err: error, type: event.type }, 'handling an ARI event failed');
    }
  }

  /** A channel entered the application: a new customer, or a leg the adapter dialled answering. */
  channelEntered(channel: AriChannel, args: string[], report: Report): void {
    const leg = decodeLegArgs(args);
    if (!leg) {
      this.offer(channel, report);
      return;
    }

    const tracked =
      this.registry.leg(channel.id) ?? this.registry.addLeg({ ...leg, channelId: channel.id });
    const repeated = tracked.entered;
    tracked.entered = true;
    const call = this.registry.call(leg.callId);

    if (leg.role === 'supervisor' || leg.role === 'snoop') {
      this.joinSession(tracked, leg, call);
    } else if (!call || (leg.role === 'operator' && call.operatorLegId !== channel.id)) {
      // The call is over, or another operator was dialled instead: nobody needs this leg.
      void this.quietly(this.rest.hangup(channel.id), 'hang up a leg no longer needed');
    } else if (repeated) {
      this.log.debug(
        { callId: call.id, channelId: channel.id },
        'a repeated StasisStart changes nothing',
      );
    } else if (leg.role === 'operator' && call.direction === 'outbound') {
      this.dialCustomer(call, channel.id);
    } else {
      this.reportRinging(call, tracked, report.at);
      this.converse(call, channel.id, tracked.endpoint ?? call.operatorEndpoint, report, true);
    }
  }

  /** A channel of a call is gone; what that means depends on whose it was and when. */
  channelGone(channelId: string, cause: number, report: Report): void {
    const leg = this.registry.leg(channelId);
    if (!leg) return;

    this.registry.removeLeg(channelId);
    if (leg.role === 'supervisor' || leg.role === 'snoop') {
      this.closeSession(leg);
      return;
    }

    const call = this.registry.call(leg.callId);
    if (!call) return;

    if (leg.role === 'customer') {
      const unanswered = call.direction === 'outbound' && !call.hangupRequested;
      this.end(
        call,
        call.answered ? 'completed' : unanswered ? unansweredEndCause(cause) : 'abandoned',
        report,
      );
      return;
    }

    if (call.operatorLegId !== channelId) return;

    call.operatorLegId = undefined;
    if (call.answered) {
      this.end(call, 'completed', report);
    } else if (call.hangupRequested || (call.direction === 'outbound' && leg.entered)) {
      this.end(call, 'abandoned', report);
    } else if (call.direction === 'outbound') {
      this.end(call, unansweredEndCause(cause), report);
    } else {
      this.emit({
        type: 'operator.unanswered',
        providerCallId: call.id,
        at: report.at,
        endpoint: leg.endpoint ?? call.operatorEndpoint ?? '',
        reason: unansweredReason(cause),
        raw: report.raw,
      });
    }
  }

  /** The customer and the operator talk from now on: bridge the leg, then record. */
  converse(
    call: TrackedCall,
    channelId: string,
    endpoint: string | undefined,
    report: Report,
    join: boolean,
  ): void {
    call.answered = true;
    this.emit({
      type: 'call.answered',
      providerCallId: call.id,
      at: report.at,
      ...(endpoint ? { endpoint } : {}),
      raw: report.raw,
    });

    if (join) void this.joinAndRecord(call, channelId);
  }

  reportRinging(call: TrackedCall, leg: TrackedLeg, at: Date): void {
    if (leg.ringingReported || call.direction === 'outbound') return;

    leg.ringingReported = true;
    this.emit({
      type: 'call.ringing',
      providerCallId: call.id,
      at,
      endpoint: leg.endpoint ?? '',
      raw: { operatorChannelId: leg.channelId },
    });
  }

  /** Ends a call once: reports it, then hangs up whatever is left of it. */
  end(call: TrackedCall, cause: EndCause, report: Report): void {
    if (!this.registry.call(call.id)) return;

    this.registry.forgetCall(call.id);
    this.emit({
      type: 'call.ended',
      providerCallId: call.id,
      at: report.at,
      cause,
      ...(report.providerCause ? { providerCause: report.providerCause } : {}),
      raw: report.raw,
    });
    void this.tearDown(call);
  }

  /** Hangs up every remaining leg of a call and closes its bridges. Never throws. */
  async tearDown(call: TrackedCall): Promise<void> {
    const legs = this.registry.legsOfCall(call.id);
    const bridges = new Set([call.bridgeId, ...legs.map((leg) => leg.bridgeId)]);

    await Promise.all(legs.map((leg) => this.quietly(this.rest.hangup(leg.channelId), 'hang up')));
    for (const bridgeId of bridges) {
      if (bridgeId) await this.quietly(this.rest.destroyBridge(bridgeId), 'close a bridge');
    }
  }

  async startRecording(call: TrackedCall): Promise<void> {
    if (call.recordingName) return;

    const name = recordingNameFor(call.id);
    call.recordingName = name;
    this.registry.noteRecording(name, call.id);
    try {
      const format = this.settings.recordingFormat;
      await (call.bridgeId && call.answered
        ? this.rest.recordBridge(call.bridgeId, name, format)
        : this.rest.recordChannel(call.id, name, format));
    } catch (error) {
      call.recordingName = undefined;
      this.registry.forgetRecording(name);
      throw error;
    }
  }

  recordingReady(name: string, durationSeconds: number | undefined, at: Date, raw: unknown): void {
    const callId = this.registry.recordingCall(name) ?? callIdFromRecordingName(name);
    if (!callId) return;

    this.registry.forgetRecording(name);
    const call = this.registry.call(callId);
    if (call?.recordingName === name) call.recordingName = undefined;

    this.emit({
      type: 'recording.ready',
      providerCallId: callId,
      at,
      recordingId: name,
      format: this.settings.recordingFormat,
      ...(durationSeconds === undefined ? {} : { durationSeconds }),
      raw,
    });
  }

  /** Settles a REST side effect: a channel already gone is expected; anything else is logged. */
  async quietly(work: Promise<void>, action: string): Promise<void> {
    try {
      await work;
    } catch (error) {
      if (!isNotFound(error)) this.log.warn({ err: error }, `could not ${action}`);
    }
  }

  answerCustomer(call: TrackedCall): void {
    void this.critical(call, () => this.rest.answer(call.id), 'answer the call');
  }

  /** Puts a party back into the call's bridge, after a step lost with the connection. */
  rejoin(call: TrackedCall, bridgeId: string, channelId: string): void {
    void this.critical(call, () => this.rest.addToBridge(bridgeId, channelId), 'connect the call');
  }

  private offer(channel: AriChannel, report: Report): void {
    const call =
      this.registry.call(channel.id) ??
      this.registry.addCall({
        id: channel.id,
        direction: 'inbound',
        customerNumber: channel.caller.number,
      });
    if (!this.registry.leg(channel.id)) {
      this.registry.addLeg({
        channelId: channel.id,
        callId: call.id,
        role: 'customer',
        entered: true,
      });
    }

    this.emit({
      type: 'call.offered',
      providerCallId: call.id,
      at: report.at,
      direction: 'inbound',
      from: channel.caller.number,
      to: channel.dialplan?.exten ?? '',
      raw: report.raw,
    });

    if (channel.state !== 'Up') this.answerCustomer(call);
  }

  /** Outbound: the operator is on the line, so the customer is dialled into the same bridge. */
  private dialCustomer(call: TrackedCall, operatorChannelId: string): void {
    call.customerDialled = true;
    this.registry.addLeg({ channelId: call.id, callId: call.id, role: 'customer' });

    void (async () => {
      const bridgeId = call.bridgeId;
      if (bridgeId) {
        const joined = await this.critical(
          call,
          () => this.rest.addToBridge(bridgeId, operatorChannelId),
          'connect the operator',
        );
        if (!joined) return;
      }

      // Not retried: a dial that timed out may have gone through, and a second one would ring
      // the customer twice.
      const dial = async () => {
        await this.rest.originate({
          endpoint: this.settings.customerEndpoint(call.customerNumber),
          app: this.settings.app,
          appArgs: encodeLegArgs({ role: 'customer', callId: call.id }),
          channelId: call.id,
          timeout: this.settings.ringSeconds,
          ...(this.settings.outboundCallerId ? { callerId: this.settings.outboundCallerId } : {}),
        });
      };
      await this.critical(call, dial, 'dial the customer', 1);
    })();
  }

  private async joinAndRecord(call: TrackedCall, channelId: string): Promise<void> {
    if (!call.bridgeId) return;

    const bridgeId = call.bridgeId;
    const joined = await this.critical(
      call,
      () => this.rest.addToBridge(bridgeId, channelId),
      'connect the call',
    );
    if (!joined || !this.settings.recordCalls || !this.registry.call(call.id)) return;

    try {
      await this.startRecording(call);
    } catch (error) {
      // The conversation goes on unrecorded; the server hears of it from the log only.
      this.log.error({ err: error, callId: call.id }, 'could not start recording the call');
    }
  }

  private joinSession(leg: TrackedLeg, args: LegArgs, call: TrackedCall | undefined): void {
    if (!call || !args.bridgeId) {
      void this.quietly(this.rest.hangup(leg.channelId), 'hang up a supervisor no longer needed');
      return;
    }

    void this.quietly(this.rest.addToBridge(args.bridgeId, leg.channelId), 'let the supervisor in');
  }

  /** A supervisor or a snoop channel left: the rest of their private session goes too. */
  private closeSession(leg: TrackedLeg): void {
    const bridgeId = leg.bridgeId;
    if (!bridgeId || this.registry.call(leg.callId)?.bridgeId === bridgeId) return;

    const partners = this.registry.legsInSession(bridgeId);
    void (async () => {
      for (const partner of partners) {
        await this.quietly(this.rest.hangup(partner.channelId), 'hang up');
      }
      await this.quietly(this.rest.destroyBridge(bridgeId), 'close a supervisor bridge');
    })();
  }

  private recordingFailed(name: string, cause: string | undefined): void {
    const callId = this.registry.recordingCall(name);
    this.registry.forgetRecording(name);
    const call = callId ? this.registry.call(callId) : undefined;
    if (call?.recordingName === name) call.recordingName = undefined;

    this.log.error({ callId, recording: name, cause }, 'Asterisk failed to record the call');
  }

  /**
   * Runs a step the call cannot do without, trying a temporary failure again a few times. If it
   * still fails the call ends as `failed`, except when the channel is simply gone (its own
   * ChannelDestroyed reports that) or the connection is down (reconciliation redoes the step).
   * True when it succeeded.
   */
  private async critical(
    call: TrackedCall,
    work: () => Promise<void>,
    action: string,
    attempts = 3,
  ): Promise<boolean> {
    try {
      await retryTemporary(work, attempts, this.settings.retryDelayMs);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;

      const failure = wrapAriError(error, action);
      if (failure.temporary && !this.settings.isConnected()) {
        this.log.warn(
          { err: failure, callId: call.id },
          `could not ${action}; retrying on reconnect`,
        );
        return false;
      }

      this.log.error({ err: failure, callId: call.id }, `could not ${action}; ending the call`);
      this.end(call, 'failed', { at: new Date(), providerCause: failure.message });
      return false;
    }
  }
}

/** Asterisk's `2024-05-01T12:00:00.000+0000`, which Date cannot read without the colon. */
function eventTime(timestamp: string | undefined): Date {
  if (!timestamp) return new Date();

  const date = new Date(timestamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(date.getTime()) ? new Date() : date;
}
