import crypto from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { parse as parseCookies } from 'cookie';
import type { Logger } from 'pino';
import type { AuthService } from '../auth/auth-service';
import { SESSION_COOKIE } from '../auth/session-token';
import { AppError } from '../errors/app-error';
import { toAppError } from '../errors/to-app-error';

/** A child logger per request and one line when it ends, with status and duration. */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const id = req.get('x-request-id') ?? crypto.randomUUID();
    req.log = logger.child({ reqId: id });
    res.setHeader('x-request-id', id);

    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const fields = {
        method: req.method,
        url: req.originalUrl,
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        userId: req.actor?.id,
      };
      if (res.statusCode >= 500) req.log.error(fields, 'request failed');
      else req.log.info(fields, 'request');
    });
    next();
  };
}

export function sessionTokenOf(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;

  return parseCookies(cookieHeader)[SESSION_COOKIE];
}

/** Resolves the session cookie to an actor; refuses (401) requests without a valid one. */
export function requireSession(auth: AuthService): RequestHandler {
  return async (req, _res, next) => {
    const token = sessionTokenOf(req.headers.cookie);
    const actor = await auth.authenticate(token);
    if (!actor) throw new AppError('UNAUTHENTICATED');

    req.actor = actor;
    req.sessionToken = token;
    next();
  };
}

/** Every error ends here: a stable JSON body; internal failures logged, never shown. */
export const errorHandler: ErrorRequestHandler = (error, req, res, next) => {
  const appError = toAppError(error);
  if (appError.status >= 500) req.log.error({ err: error }, 'request error');
  else req.log.info({ code: appError.code }, appError.message);

  if (res.headersSent) return next(error);
  res.status(appError.status).json(appError.toBody());
};
