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

  adoptUnknownChannels(deps, channels, bridges);

  const live: LiveCall[] = [];
  for (const call of registry.allCalls()) {
    if (!isAlive(call, present)) {
      registry.forgetCall(call.id);
      await flow.tearDown(call);
      continue;
    }

    catchUp(deps, call, present, bridges, at);
    if (registry.call(call.id))
      live.push({ providerCallId: call.id, state: call.answered ? 'up' : 'ringing' });
  }

  for (const leg of registry.allLegs()) {
    if (!present.has(leg.channelId))
      flow.channelGone(leg.channelId, 0, { at, raw: { reconciled: true } });
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

function adoptUnknownChannels(deps: ReconcilerDeps, channels: AriChannel[], bridges: AriBridge[]) {
  const { app, registry, flow } = deps;
  const unknown = channels
    .filter((channel) => !registry.leg(channel.id))
    .map((channel) => ({ channel, args: stasisArgs(channel, app) }));

  // Customers first, so that their operators find their calls.
  for (const { channel, args } of unknown) {
    if (args === undefined || decodeLegArgs(args)) continue;

    flow.channelEntered(channel, args, { at: new Date(), raw: { reconciled: true, channel } });
    const call = registry.call(channel.id);
    if (call) call.bridgeId = bridges.find((bridge) => bridge.channels.includes(channel.id))?.id;
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
}

function isAlive(call: TrackedCall, present: Map<string, AriChannel>): boolean {
  if (call.direction === 'inbound' || call.customerDialled) return present.has(call.id);
  return call.operatorLegId !== undefined && present.has(call.operatorLegId);
}

/** Applies what happened to a live call's operator and customer while the socket was down. */
function catchUp(
  deps: ReconcilerDeps,
  call: TrackedCall,
  present: Map<string, AriChannel>,
  bridges: AriBridge[],
  at: Date,
): void {
  const { app, registry, flow } = deps;
  const raw = { reconciled: true };

  const operatorId = call.operatorLegId;
  const operator = operatorId ? present.get(operatorId) : undefined;
  if (operatorId && !operator) {
    flow.channelGone(operatorId, 0, { at, providerCause: `operator leg ended ${AWAY}`, raw });
    return;
  }

  // The leg whose answer is awaited: the operator's, or for an outbound call whose operator is
  // on the line, the customer's.
  const awaited =
    call.direction === 'outbound' && call.customerDialled ? present.get(call.id) : operator;
  if (!awaited || call.answered || awaited.state !== 'Up') return;

  const args = stasisArgs(awaited, app);
  if (args === undefined) return;

  const completesCall = call.direction === 'inbound' || call.customerDialled;
  const bridged = bridges.some(
    (bridge) => bridge.id === call.bridgeId && bridge.channels.includes(awaited.id),
  );
  if (completesCall && bridged) {
    // Talking already (found after a restart): only the state is caught up, not the bridge or
    // the recording, which Asterisk still has.
    const leg = registry.leg(awaited.id);
    if (leg) leg.entered = true;
    flow.converse(call, awaited.id, call.operatorEndpoint, { at, raw }, false);
    return;
  }

  flow.channelEntered(awaited, args, { at, raw });
}
