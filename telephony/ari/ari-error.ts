import { TelephonyError } from '../telephony-error';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);

/**
 * Turns whatever ari-client, swagger-client or fetch threw into a TelephonyError, the one place
 * ARI failures are sorted into temporary and permanent. `action` completes "Asterisk could not
 * ..." in the message, which the server may show to users.
 *
 * What arrives here: swagger-client throws plain strings (a failed api-docs load, a missing
 * path parameter); ari-client rejects with an Error whose message is Asterisk's JSON body
 * (`{"message":"Channel not found"}`) and loses the status; Node and fetch give network codes.
 */
export function wrapAriError(error: unknown, action: string): TelephonyError {
  if (error instanceof TelephonyError) return error;

  if (typeof error === 'string') return fromSwaggerString(error, action);

  const network = networkCode(error);
  if (network) {
    const message = `Asterisk could not ${action}: it is unreachable.`;
    return new TelephonyError('ARI_UNREACHABLE', message, { temporary: true, cause: error });
  }

  if (error instanceof Error) {
    // ws refusing the events socket upgrade: "Unexpected server response: 401".
    const upgrade = /Unexpected server response: (\d{3})/.exec(error.message);
    if (upgrade) return fromStatus(Number(upgrade[1]), action, error);

    const reason = asteriskReason(error.message);
    if (reason !== undefined) return fromAsteriskReason(reason, action, error);
  }

  const status = responseStatus(error);
  if (status !== undefined) return fromStatus(status, action, error);

  return new TelephonyError('ARI_FAILED', `Asterisk could not ${action}.`, {
    temporary: true,
    cause: error,
  });
}

/** True when Asterisk answered that the thing asked about does not exist (any more). */
export function isNotFound(error: unknown): boolean {
  return error instanceof TelephonyError && error.code === 'ARI_NOT_FOUND';
}

function fromSwaggerString(text: string, action: string): TelephonyError {
  const cause = new Error(text);

  if (/^401\b/.test(text)) return unauthorized(cause);

  if (text.startsWith('Unable to read api') || text.startsWith("Can't read")) {
    return new TelephonyError(
      'ARI_API_DOCS_UNAVAILABLE',
      'Asterisk did not serve its ARI description; is every res_ari module loaded?',
      { temporary: true, cause },
    );
  }

  if (text.includes('is a required path param')) {
    return new TelephonyError('ARI_BAD_REQUEST', `Asterisk could not ${action}: ${text}`, {
      temporary: false,
      cause,
    });
  }

  return new TelephonyError('ARI_FAILED', `Asterisk could not ${action}.`, {
    temporary: true,
    cause,
  });
}

function fromAsteriskReason(reason: string, action: string, cause: Error): TelephonyError {
  const message = `Asterisk could not ${action}: ${reason}.`;

  if (/not found/i.test(reason)) {
    return new TelephonyError('ARI_NOT_FOUND', message, { temporary: false, cause });
  }
  if (/authentication|unauthori[sz]ed/i.test(reason)) return unauthorized(cause);

  // Asterisk understood the request and refused it: asking again will not help.
  return new TelephonyError('ARI_REJECTED', message, { temporary: false, cause });
}

function fromStatus(status: number, action: string, cause: unknown): TelephonyError {
  if (status === 401) return unauthorized(cause);
  if (status === 404) {
    return new TelephonyError('ARI_NOT_FOUND', `Asterisk could not ${action}: not found.`, {
      temporary: false,
      cause,
    });
  }

  return new TelephonyError('ARI_REJECTED', `Asterisk could not ${action} (HTTP ${status}).`, {
    temporary: status >= 500,
    cause,
  });
}

export function unauthorized(cause: unknown): TelephonyError {
  return new TelephonyError('ARI_UNAUTHORIZED', 'Asterisk refused the ARI username or password.', {
    temporary: false,
    cause,
  });
}

/** The `message` of an ARI error body, when `text` is one. */
function asteriskReason(text: string): string | undefined {
  if (!text.startsWith('{')) return undefined;

  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && 'message' in body) {
      return typeof body.message === 'string' ? body.message : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; depth < 3; depth += 1) {
    if (typeof current !== 'object' || current === null) return undefined;

    if ('code' in current && typeof current.code === 'string' && NETWORK_CODES.has(current.code)) {
      return current.code;
    }
    current = 'cause' in current ? current.cause : undefined;
  }
  return undefined;
}

/** swagger-client rejects with its raw response object when the error body is empty. */
function responseStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  return typeof error.status === 'number' ? error.status : undefined;
}
