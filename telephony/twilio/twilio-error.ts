import { TelephonyError } from '../telephony-error';

/** What twilio-node throws for an answer of 4xx/5xx: RestException or its RFC 9457 sibling. */
interface TwilioRestFailure {
  status: number;
  code?: number;
  message: string;
}

/**
 * Wraps a failure met while talking to Twilio, sorted once: 5xx, 429 and network trouble may
 * pass when retried; every other 4xx will not. The message says what the CRM was doing and keeps
 * Twilio's own explanation and error code, which are safe to show an operator.
 */
export function toTelephonyError(error: unknown, action: string): TelephonyError {
  if (error instanceof TelephonyError) return error;

  const rest = restFailure(error);
  if (rest) return fromRestFailure(rest, action, error);

  if (isNetworkFailure(error)) {
    return new TelephonyError('TWILIO_UNREACHABLE', `Twilio could not be reached to ${action}.`, {
      temporary: true,
      cause: error,
    });
  }

  return new TelephonyError('TWILIO_FAILED', `Twilio could not ${action}.`, {
    temporary: false,
    cause: error,
  });
}

/** The same sorting for an HTTP answer the CRM fetched itself (recording media). */
export function fromHttpStatus(status: number, action: string, body?: unknown): TelephonyError {
  const parsed =
    typeof body === 'object' && body !== null ? (body as Partial<TwilioRestFailure>) : {};
  return fromRestFailure(
    {
      status,
      code: typeof parsed.code === 'number' ? parsed.code : undefined,
      message: typeof parsed.message === 'string' ? parsed.message : `HTTP ${status}`,
    },
    action,
  );
}

function fromRestFailure(rest: TwilioRestFailure, action: string, cause?: unknown): TelephonyError {
  const temporary = rest.status >= 500 || rest.status === 429;
  const reference = rest.code === undefined ? '' : ` (Twilio error ${rest.code})`;

  if (rest.status === 401 || rest.status === 403) {
    return new TelephonyError(
      'TWILIO_CREDENTIALS',
      `Twilio refused the CRM's account credentials${reference}; ask an administrator to check them.`,
      { temporary: false, cause },
    );
  }

  return new TelephonyError(
    temporary ? 'TWILIO_UNAVAILABLE' : 'TWILIO_REJECTED',
    `Twilio could not ${action}: ${sentence(rest.message)}${reference}.`,
    { temporary, cause },
  );
}

function restFailure(error: unknown): TwilioRestFailure | undefined {
  if (!(error instanceof Error) || !('status' in error) || typeof error.status !== 'number') {
    return undefined;
  }

  const code = 'code' in error && typeof error.code === 'number' ? error.code : undefined;
  // The RFC 9457 form carries its explanation in `detail`, the legacy form in `message`.
  const detail = 'detail' in error && typeof error.detail === 'string' ? error.detail : undefined;
  return { status: error.status, code, message: detail ?? error.message };
}

const NETWORK_CODE = /^(E[A-Z]+|UND_ERR_[A-Z_]+|ERR_NETWORK)$/;

/** A refused or dropped connection, a DNS failure or a timeout, here or in a nested cause. */
function isNetworkFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 4; depth += 1) {
    if (typeof current !== 'object') return false;

    if ('name' in current && (current.name === 'AbortError' || current.name === 'TimeoutError')) {
      return true;
    }
    if ('code' in current && typeof current.code === 'string' && NETWORK_CODE.test(current.code)) {
      return true;
    }
    current = 'cause' in current ? current.cause : undefined;
  }
  return false;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed.slice(0, -1) : trimmed;
}
