import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { connectDatabase } from '../db/connect';
import type { ConnectedDatabase } from '../db/connect';
import { AuthService } from './auth/auth-service';
import type { Config } from './config/config';
import { resolveSessionSecret } from './config/session-secret';
import { CustomersService } from './customers/customers-service';
import { createApp } from './http/create-app';
import { SocketHub } from './realtime/socket-hub';
import { UsersService } from './users/users-service';

export interface RunningServer {
  url: string;
  port: number;
  database: ConnectedDatabase;
  hub: SocketHub;
  services: { auth: AuthService; users: UsersService; customers: CustomersService };
  close(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  logger: Logger;
  /** An already connected database (tests pass theirs); otherwise one is connected. */
  database?: ConnectedDatabase;
  web?: RequestHandler;
}

/** Wires the whole CRM on one port: database, services, HTTP API, Socket.IO. */
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
  users.onPresence((user) => hub.announcePresence(user));

  const app = createApp({
    db,
    logger,
    auth,
    users,
    customers,
    telephonyStatus: () => undefined,
    secureCookie: config.publicUrl?.startsWith('https:') ?? false,
    web: options.web,
  });
  httpServer.on('request', app);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;

  return {
    url,
    port,
    database,
    hub,
    services: { auth, users, customers },
    close: async () => {
      await hub.close();
      if (!options.database) await database.close();
    },
  };
}
