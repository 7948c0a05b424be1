import express from 'express';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Db } from '../../db/database';
import type { ProviderStatus } from '../../telephony/provider';
import type { AuthService } from '../auth/auth-service';
import type { CustomersService } from '../customers/customers-service';
import { AppError } from '../errors/app-error';
import type { UsersService } from '../users/users-service';
import { errorHandler, requestLogger, requireSession } from './middleware';
import { authRoutes } from './routes/auth-routes';
import { customersRoutes } from './routes/customers-routes';
import { healthRoutes } from './routes/health-routes';
import { teamsRoutes } from './routes/teams-routes';
import { meRoutes, usersRoutes } from './routes/users-routes';

export interface AppServices {
  db: Db;
  logger: Logger;
  auth: AuthService;
  users: UsersService;
  customers: CustomersService;
  telephonyStatus: () => ProviderStatus | undefined;
  choosePresence: Parameters<typeof meRoutes>[0];
  secureCookie: boolean;
  /** Routes that need the session, added by later features (calls, sim, …). */
  protectedRoutes?: [path: string, router: express.Router][];
  /** Routes outside /api that authenticate themselves (provider webhooks). */
  publicRoutes?: [path: string, router: express.Router][];
  /** The console's handler (SvelteKit), mounted last. */
  web?: RequestHandler;
}

/** The Express application: JSON API, webhooks, and the console. */
export function createApp(services: AppServices): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestLogger(services.logger));

  for (const [path, router] of services.publicRoutes ?? []) app.use(path, router);

  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use('/health', healthRoutes(services.db, services.telephonyStatus));
  api.use('/auth', authRoutes(services.auth, { secureCookie: services.secureCookie }));

  api.use(requireSession(services.auth));
  api.use('/me', meRoutes(services.choosePresence));
  api.use('/users', usersRoutes(services.users));
  api.use('/teams', teamsRoutes(services.db));
  api.use('/customers', customersRoutes(services.customers));
  for (const [path, router] of services.protectedRoutes ?? []) api.use(path, router);
  api.use((_req, _res, next) => next(new AppError('NOT_FOUND', { message: 'No such API route.' })));

  app.use('/api', api);
  if (services.web) app.use(services.web);
  app.use(errorHandler);

  return app;
}
