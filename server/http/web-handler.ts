import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

/** Where adapter-node writes the console's request handler (`npm run build`). */
export const WEB_HANDLER_FILE = fileURLToPath(
  new URL('../../web/build/handler.js', import.meta.url),
);

/**
 * The built operator console (SvelteKit's adapter-node handler: static assets and the app
 * shell), to be mounted after /api. Resolves to undefined, with a warning, when the console has
 * not been built, so the API still starts; `npm start` builds it first when it is missing or
 * older than its sources.
 */
export async function loadWebHandler(
  logger: Logger,
  handlerFile = WEB_HANDLER_FILE,
): Promise<RequestHandler | undefined> {
  if (!fs.existsSync(handlerFile)) {
    logger.warn({ handlerFile }, 'the console is not built (npm run build): serving the API only');
    return undefined;
  }

  const module = (await import(pathToFileURL(handlerFile).href)) as { handler?: unknown };
  if (typeof module.handler !== 'function') {
    throw new Error(`${handlerFile} does not export the console's handler`);
  }

  return module.handler as RequestHandler;
}
