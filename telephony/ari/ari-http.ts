import { TelephonyError } from '../telephony-error';
import { unauthorized, wrapAriError } from './ari-error';

export interface AriHttpSettings {
  /** The Asterisk HTTP server, e.g. `http://pbx:8088`; any path is ignored, as ari-client does. */
  url: string;
  username: string;
  password: string;
  timeoutMs: number;
}

/** `http://pbx:8088/ari`, the root of every ARI path. */
export function ariBase(url: string): string {
  return `${new URL(url).origin}/ari`;
}

/**
 * GETs an ARI path with Basic auth, for what ari-client does badly (binary files) or dangerously
 * (its api-docs load throws uncaught on an HTTP error). Resolves only on a 2xx answer; a 404
 * becomes ARI_NOT_FOUND, a 401 ARI_UNAUTHORIZED, anything else a temporary failure.
 */
export async function ariGet(
  settings: AriHttpSettings,
  path: string,
  action: string,
): Promise<Response> {
  const credentials = Buffer.from(`${settings.username}:${settings.password}`).toString('base64');

  let response: Response;
  try {
    response = await fetch(`${ariBase(settings.url)}${path}`, {
      headers: { Authorization: `Basic ${credentials}` },
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') {
      throw new TelephonyError('ARI_TIMEOUT', `Asterisk did not answer in time to ${action}.`, {
        temporary: true,
        cause: error,
      });
    }
    throw wrapAriError(error, action);
  }

  if (response.ok) return response;

  await response.body?.cancel();
  if (response.status === 401) throw unauthorized(new Error(`HTTP 401 on ${path}`));
  if (response.status === 404) {
    throw new TelephonyError('ARI_NOT_FOUND', `Asterisk could not ${action}: not found.`, {
      temporary: false,
    });
  }
  throw new TelephonyError(
    'ARI_FAILED',
    `Asterisk could not ${action} (HTTP ${response.status}).`,
    {
      temporary: true,
    },
  );
}
