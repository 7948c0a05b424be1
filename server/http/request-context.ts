import type { Request } from 'express';
import type { Logger } from 'pino';
import type { Actor } from '../auth/access';
import { AppError } from '../errors/app-error';

declare module 'express-serve-static-core' {
  interface Request {
    log: Logger;
    actor?: Actor;
    sessionToken?: string;
  }
}

/** The signed-in actor of a request that passed authentication. */
export function actorOf(req: Request): Actor {
  if (!req.actor) throw new AppError('UNAUTHENTICATED');

  return req.actor;
}

/** A route parameter, which Express types loosely. */
export function param(req: Request, name: string): string {
  const value = req.params[name];
  if (typeof value !== 'string') throw new AppError('NOT_FOUND');

  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A record id from the path; a malformed one names no record, so it is a 404. */
export function idParam(req: Request, name = 'id'): string {
  const value = param(req, name);
  if (!UUID.test(value)) throw new AppError('NOT_FOUND');

  return value;
}
