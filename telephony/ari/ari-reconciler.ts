import type { Logger } from 'pino';
import type { LiveCall } from '../provider';
import type { AriCallFlow } from './ari-call-flow';
import type { CallRegistry, TrackedCall } from './ari-call-registry';
import { type AriBridge, type AriChannel, stasisArgs } from './ari-events';
import { decodeLegArgs } from './ari-leg';
import type { AriRest } from './ari-rest';

export interface ReconcilerDeps {
  app: string;
  registry: CallRegistry;
  rest: AriRest;
  flow: AriCallFlow;
  logger: Logger;
}

const AWAY = 'while the CRM was not connected to Asterisk';

/**
 * After each (re)connect, brings the adapter's memory in line with what Asterisk has, and
 * returns the calls still alive for the server's own reconciliation.
 *
 * - A customer channel in the application that the adapter does not know (it arrived while the
 *   socket was down, or before a restart) is offered like a new call; its operator leg, if any,
 *   is attached to it.
 * - A known call whose customer is gone is forgotten without an event: the server closes the calls
 *   missing from the list it is given.
 * - An operator who answered while the socket was down is connected now; one whose leg vanished
 *   unanswered is reported unanswered, so the server can route the call again.
 * - A recording that finished meanwhile is reported ready.
 */
export async function reconcile(deps: ReconcilerDeps): Promise<LiveCall[]> {
  const { registry, rest, flow } = deps;
  const [channels, bridges] = await Promise.all([rest.listChannels(), rest.listBridges()]);
  const present = new Map(channels.map((channel) => [channel.id, channel]));
  const at = new Date();

  const adopted = adoptUnknownChannels(deps, channels, bridges);

  const live: LiveCall[] = [];
  for (const call of registry.allCalls()) {
    if (!isAlive(call, present, registry)) {
      registry.forgetCall(call.id);
      await flow.tearDown(call);
      continue;
    }

    catchUp(deps, call, present, bridges, { at, adopted: adopted.has(call.id) });
    if (registry.call(call.id)) {
      live.push({ providerCallId: call.id, state: call.answered ? 'up' : 'ringing' });
    }
  }

  // Legs whose end was missed. A leg still being dialled is not in the list yet.
  for (const leg of registry.allLegs()) {
    if (!present.has(leg.channelId) && !leg.pending) {
      flow.channelGone(leg.channelId, 0, { at, raw: { reconciled: true } });
    }
  }

  for (const { name, callId } of registry.pendingRecordings()) {
    if (await rest.hasStoredRecording(name)) {
      flow.recordingReady(name, undefined, at, { reconciled: true, recording: name, callId });
    }
  }

  deps.logger.info(
    { live: live.length, channels: channels.length },
    'reconciled calls with Asterisk',
  );
  return live;
}

/** Takes in the application's channels the adapter does not know; returns the calls adopted. */
function adoptUnknownChannels(
  deps: ReconcilerDeps,
  channels: AriChannel[],
  bridges: AriBridge[],
): Set<string> {
  const { app, registry, flow } = deps;
  const adopted = new Set<string>();
  const unknown = channels
    .filter((channel) => !registry.leg(channel.id))
    .map((channel) => ({ channel, args: stasisArgs(channel, app) }));

  // Customers first, so that their operators find their calls.
  for (const { channel, args } of unknown) {
    if (args === undefined || decodeLegArgs(args)) continue;

    flow.channelEntered(channel, args, { at: new Date(), raw: { reconciled: true, channel } });
    const call = registry.call(channel.id);
    if (!call) continue;

    adopted.add(call.id);
    call.bridgeId = bridges.find((bridge) => bridge.channels.includes(channel.id))?.id;
  }

  for (const { channel, args } of unknown) {
    const leg = args === undefined ? undefined : decodeLegArgs(args);
    if (!leg) continue;

    const call = registry.call(leg.callId);
    if (!call) {
      void flow.quietly(deps.rest.hangup(channel.id), 'hang up a leg of a finished call');
      continue;
    }
    if (leg.role === 'operator' && !call.operatorLegId) call.operatorLegId = channel.id;
    registry.addLeg({ ...leg, channelId: channel.id, ringingReported: true });
  }
  return adopted;
}

function isAlive(call: TrackedCall, present: Map<string, AriChannel>, registry: CallRegistry) {
  if (call.direction === 'inbound' || call.customerDialled) return present.has(call.id);

  const operatorId = call.operatorLegId;
  if (operatorId === undefined) return false;
  return present.has(operatorId) || registry.leg(operatorId)?.pending === true;
}

/** Applies what happened to a live call while the socket was down, and redoes lost steps. */
function catchUp(
  deps: ReconcilerDeps,
  call: TrackedCall,
  present: Map<string, AriChannel>,
  bridges: AriBridge[],
  { at, adopted }: { at: Date; adopted: boolean },
): void {
  const { app, registry, flow } = deps;
  const raw = { reconciled: true };
  const inStasis = (channel: AriChannel | undefined): channel is AriChannel =>
    channel !== undefined && stasisArgs(channel, app) !== undefined;

  const operatorId = call.operatorLegId;
  const operator = operatorId ? present.get(operatorId) : undefined;
  if (operatorId && !operator && !registry.leg(operatorId)?.pending) {
    flow.channelGone(operatorId, 0, { at, providerCause: `operator leg ended ${AWAY}`, raw });
    return;
  }

  // An answer cut off with the connection (an adopted call was answered when adopted).
  const customer = present.get(call.id);
  if (!adopted && call.direction === 'inbound' && customer && customer.state !== 'Up') {
    flow.answerCustomer(call);
  }

  // The leg whose answer was awaited: the operator's or, once the operator of an outbound call
  // is on the line, the customer's.
  const bridge = bridges.find((candidate) => candidate.id === call.bridgeId);
  const awaited = call.direction === 'outbound' && call.customerDialled ? customer : operator;
  if (!call.answered && inStasis(awaited) && awaited.state === 'Up') {
    const completesCall = call.direction === 'inbound' || call.customerDialled;
    if (completesCall && bridge?.channels.includes(awaited.id)) {
      // Talking already (found after a restart): only the state is caught up, not the bridge or
      // the recording, which Asterisk still has.
      const leg = registry.leg(awaited.id);
      if (leg) leg.entered = true;
      flow.converse(call, awaited.id, call.operatorEndpoint, { at, raw }, false);
    } else {
      flow.channelEntered(awaited, stasisArgs(awaited, app) ?? [], { at, raw });
    }
    return;
  }

  // Parties who should be in the bridge and are not, because the step was cut off.
  if (!bridge) return;
  const operatorIn =
    call.answered || (operatorId !== undefined && registry.leg(operatorId)?.entered);
  const expected = [
    call.direction === 'inbound' || call.answered ? customer : undefined,
    operatorIn ? operator : undefined,
  ];
  for (const channel of expected) {
    if (inStasis(channel) && !bridge.channels.includes(channel.id)) {
      flow.rejoin(call, bridge.id, channel.id);
    }
  }
}
