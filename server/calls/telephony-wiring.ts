import path from 'node:path';
import type { Logger } from 'pino';
import type { Db } from '../../db/database';
import { findCallByProviderId } from '../../db/queries/calls';
import { RecordingStore } from '../../recordings/recording-store';
import type { TelephonyProvider } from '../../telephony/provider';
import type { Config } from '../config/config';
import type { SocketHub } from '../realtime/socket-hub';
import type { UsersService } from '../users/users-service';
import { CallDispatcher } from './call-dispatcher';
import { CallNotifier } from './call-notifier';
import { CallPipeline } from './call-pipeline';
import { CompanyNumbers } from './caller-identity';
import { CallsService } from './calls-service';
import { reconcileCalls } from './reconcile';

export interface CallSystem {
  pipeline: CallPipeline;
  dispatcher: CallDispatcher;
  calls: CallsService;
  recordings: RecordingStore;
  findCallId(providerCallId: string): Promise<string | undefined>;
}

/**
 * Connects a provider to the call pipeline: its events go in, its reconnects reconcile, and the
 * consoles get their active cards back on every (re)connect.
 */
export function wireCallSystem(deps: {
  db: Db;
  config: Config;
  provider: TelephonyProvider;
  hub: SocketHub;
  users: UsersService;
  logger: Logger;
}): CallSystem {
  const { db, config, provider, hub, users } = deps;
  const logger = deps.logger.child({ component: 'calls' });
  const notifier = new CallNotifier(db, hub, config.defaultCountry);
  const recordings = new RecordingStore({
    db,
    root: path.join(config.dataDir, 'recordings'),
    logger,
  });

  let dispatcher: CallDispatcher | undefined = undefined;
  const pipeline = new CallPipeline({
    db,
    provider,
    users,
    notifier,
    dispatcher: () => {
      if (!dispatcher) throw new Error('the dispatcher is not wired yet');
      return dispatcher;
    },
    recordings,
    company: new CompanyNumbers(config),
    country: config.defaultCountry,
    logger,
  });
  dispatcher = new CallDispatcher(
    db,
    provider,
    users,
    notifier,
    logger,
    (call, endpoint, error) => {
      void pipeline.connectFailed(call, endpoint, error);
    },
  );
  const calls = new CallsService(
    db,
    provider,
    pipeline,
    dispatcher,
    notifier,
    users,
    config.defaultCountry,
  );

  hub.onConnect(async (socket) => {
    for (const card of await calls.activeCards(socket.data.actor)) socket.emit('call:card', card);
  });

  return {
    pipeline,
    dispatcher,
    calls,
    recordings,
    findCallId: async (providerCallId) =>
      (await findCallByProviderId(db, provider.name, providerCallId))?.id,
  };
}

/** Starts the provider's event flow into the pipeline. */
export async function startTelephony(
  provider: TelephonyProvider,
  system: CallSystem,
  db: Db,
  logger: Logger,
): Promise<void> {
  await provider.start({
    onEvent: system.pipeline.handle,
    onReconnect: async (liveCalls) => {
      await reconcileCalls(
        { db, provider: provider.name, apply: system.pipeline.handle, logger },
        liveCalls,
      );
      // Callers queued while the provider was away go to whoever is free now.
      await system.dispatcher.dispatchWaiting();
    },
  });
}
