import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/** The process's root logger; every other logger is a child of it. */
export function createLogger(level: string, pretty = process.stdout.isTTY): Logger {
  return pino({
    level,
    redact: ['req.headers.cookie', 'password', '*.password', 'authToken'],
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l' } } }
      : {}),
  });
}
