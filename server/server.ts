import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { connectDatabase } from '../db/connect';
import type { ConnectedDatabase } from '../db/connect';
import { AuthService } from './auth/auth-service';
import type { Config } from './config/config';
import { resolveSessionSecret } from './config/session-secret';
import { CallbackReminder } from './callbacks/callback-reminder';
import { CustomersService } from './customers/customers-service';
import { createApp } from './http/create-app';
import { attachClusterAdapter } from './realtime/cluster-adapter';
import { SocketHub } from './realtime/socket-hub';
import { UsersService } from './users/users-service';
import { holdLeadership } from './calls/provider-leadership';
import { startTelephony, wireCallSystem } from './calls/telephony-wiring';
import type { CallSystem } from './calls/telephony-wiring';
import { createProvider } from '../telephony/create-provider';
import type { TelephonyProvider } from '../telephony/provider';
import { callsRoutes, simRoutes } from './http/routes/calls-routes';
import { callbacksRoutes, leadsRoutes } from './http/routes/work-routes';
import { telephonyWebhookRoutes } from './http/routes/telephony-webhook-routes';
import { knownCustomerNumbers } from '../db/queries/customers';

export interface RunningServer {
  url: string;
  port: number;
  database: ConnectedDatabase;
  hub: SocketHub;
  services: { auth: AuthService; users: UsersService; customers: CustomersService };
  telephony: TelephonyProvider;
  callSystem: CallSystem;
  reminder: CallbackReminder;
  close(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  logger: Logger;
  /** An already connected database (tests pass theirs); otherwise one is connected. */
  database?: ConnectedDatabase;
  web?: RequestHandler;
  /** A provider built by the caller (tests pass one wired to a fake server). */
  provider?: TelephonyProvider;
}

/** Wires the whole CRM on one port: database, services, HTTP API, Socket.IO, telephony. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config, logger } = options;
  const database =
    options.database ??
    (await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger }));
  const { db } = database;

  const secret = await resolveSessionSecret(config);
  const auth = new AuthService({ db, secret, sessionTtlMs: config.sessionTtlMs });
  const users = new UsersService(db);
  const customers = new CustomersService(db, config.defaultCountry);

  const httpServer = http.createServer();
  const hub = new SocketHub(httpServer, auth, logger.child({ component: 'socket' }));
  const closeCluster = config.cluster
    ? attachClusterAdapter(hub.io, database.url, logger.child({ component: 'socket-cluster' }))
    : undefined;
  users.onPresence((user) => hub.announcePresence(user));
  hub.onUserGone(async (userId) => {
    await users.movePresence(userId, 'offline', ['available', 'away']);
  });
  customers.onChange(({ customer, fields, actor }) => {
    const change = { customerId: customer.id, fields: { ...fields }, byUserId: actor.id };
    if (customer.team_id) hub.toTeam(customer.team_id).emit('customer:changed', change);
    hub.toSupervisors(null).emit('customer:changed', change);
  });

  const provider =
    options.provider ??
    (await createProvider({
      name: config.telephony,
      logger,
      sim: {
        callsPerMinute: config.simCallsPerMinute,
        knownNumbers: () => knownCustomerNumbers(db, 200),
      },
      ari: config.ari,
      twilio:
        config.twilio && config.publicUrl
          ? { ...config.twilio, apiUrl: config.twilio.apiUrl, publicUrl: config.publicUrl }
          : undefined,
    }));
  const callSystem = wireCallSystem({ db, config, provider, hub, users, logger });
  const reminder = new CallbackReminder(db, hub, logger.child({ component: 'callbacks' }));
  const callsLogger = logger.child({ component: 'calls' });
  // In a cluster only one node may hold the ARI WebSocket of the application.
  const leadership =
    config.cluster && provider.name === 'ari'
      ? holdLeadership({
          sql: database.sql,
          name: `crm-ari:${config.ari?.app ?? 'crm'}`,
          logger: callsLogger,
          lead: () => startTelephony(provider, callSystem, db, callsLogger),
          resign: () => provider.stop(),
        })
      : undefined;

  const app = createApp({
    db,
    logger,
    auth,
    users,
    customers,
    telephonyStatus: () =>
      leadership && !leadership.leading()
        ? { ...provider.status(), connected: false, error: 'standby: another node holds it' }
        : provider.status(),
    choosePresence: (actor, status) => callSystem.calls.choosePresence(actor, status),
    secureCookie: config.publicUrl?.startsWith('https:') ?? false,
    web: options.web,
    publicRoutes: [['/telephony/:provider', telephonyWebhookRoutes(provider)]],
    protectedRoutes: [
      ['/calls', callsRoutes(callSystem.calls, db)],
      ['/callbacks', callbacksRoutes(db)],
      ['/leads', leadsRoutes(db)],
      ['/sim', simRoutes(provider.simulateInbound?.bind(provider), callSystem.findCallId)],
    ],
  });
  httpServer.on('request', app);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  if (!leadership) await startTelephony(provider, callSystem, db, callsLogger);
  reminder.start();
  const url = `http://localhost:${port}`;

  return {
    url,
    port,
    database,
    hub,
    services: { auth, users, customers },
    telephony: provider,
    callSystem,
    reminder,
    close: async () => {
      await reminder.stop();
      if (leadership) await leadership.stop();
      else await provider.stop();
      await callSystem.pipeline.idle();
      await hub.close();
      await closeCluster?.();
      if (!options.database) await database.close();
    },
  };
}
