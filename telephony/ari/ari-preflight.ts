import { z } from 'zod';
import { TelephonyError } from '../telephony-error';
import { type AriHttpSettings, ariGet } from './ari-http';

const listingSchema = z.object({ apis: z.array(z.object({ path: z.string() })) });

/** The resources the adapter calls; without them ari-client would load but lack the methods. */
const REQUIRED_RESOURCES = ['channels', 'bridges', 'recordings', 'events'];

/**
 * Fetches every api-docs document ari-client is about to load, and fails cleanly if any of them
 * would make it fail. ari-client loads them through swagger-client 2.0, which on an error status
 * (a refused password, a res_ari module not loaded) or a body that is not JSON throws out of an
 * HTTP callback: an uncaught exception that ends the process. Checking first leaves only the
 * milliseconds between this check and ari-client's own load exposed.
 */
export async function checkApiDocs(settings: AriHttpSettings): Promise<void> {
  const listing = listingSchema.safeParse(await getDocument(settings, 'resources'));
  if (!listing.success) throw unreadable('resources', listing.error);

  const names = listing.data.apis
    .map((api) => /\/api-docs\/([^/.]+)\./.exec(api.path)?.[1])
    .filter((name): name is string => name !== undefined);

  const missing = REQUIRED_RESOURCES.filter((name) => !names.includes(name));
  if (missing.length > 0) {
    throw new TelephonyError(
      'ARI_API_DOCS_UNAVAILABLE',
      `Asterisk's ARI lacks ${missing.join(', ')}; are the res_ari modules loaded?`,
      { temporary: true },
    );
  }

  await Promise.all(names.map((name) => getDocument(settings, name)));
}

async function getDocument(settings: AriHttpSettings, name: string): Promise<unknown> {
  let response: Response;
  try {
    response = await ariGet(settings, `/api-docs/${name}.json`, `describe its ARI ${name}`);
  } catch (error) {
    if (error instanceof TelephonyError && error.code === 'ARI_NOT_FOUND') {
      throw new TelephonyError(
        'ARI_API_DOCS_UNAVAILABLE',
        `Asterisk did not serve the ARI description of ${name}; is its res_ari module loaded?`,
        { temporary: true, cause: error },
      );
    }
    throw error;
  }

  try {
    return await response.json();
  } catch (error) {
    throw unreadable(name, error);
  }
}

function unreadable(name: string, cause: unknown): TelephonyError {
  return new TelephonyError(
    'ARI_API_DOCS_UNAVAILABLE',
    `Asterisk served an ARI description of ${name} that cannot be read.`,
    { temporary: true, cause },
  );
}
