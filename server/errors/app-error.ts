/**
 * The registry of every error the API can answer with: a stable code, the HTTP status and a
 * message safe to show to a user. Internal failures never reach a client with their own text.
 */
export const errors = {
  BAD_REQUEST: { status: 400, message: 'The request is not valid.' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  VALIDATION_FAILED: { status: 400, message: 'Some fields are not valid.' },
  UNAUTHENTICATED: { status: 401, message: 'Please log in.' },
  BAD_CREDENTIALS: { status: 401, message: 'The email or password is wrong.' },
  FORBIDDEN: { status: 403, message: 'You do not have access to this.' },
  FORGED_WEBHOOK: { status: 403, message: 'The webhook signature is missing or wrong.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  CONFLICT: { status: 409, message: 'This conflicts with the current state.' },
  PHONE_TAKEN: { status: 409, message: 'This number already belongs to another customer.' },
  EMAIL_TAKEN: { status: 409, message: 'A user with this email already exists.' },
  OUTCOME_REQUIRED: {
    status: 409,
    message: 'Record the outcome of your last call before taking a new one.',
  },
  CALL_STATE: { status: 409, message: 'The call is not in a state that allows this.' },
  NOT_SUPPORTED: { status: 422, message: 'The telephony provider does not support this.' },
  RATE_LIMITED: { status: 429, message: 'Too many attempts. Try again later.' },
  TELEPHONY_UNAVAILABLE: {
    status: 503,
    message: 'The telephony provider is not reachable right now. Try again shortly.',
  },
  TELEPHONY_REJECTED: { status: 502, message: 'The telephony provider refused the request.' },
  UNAVAILABLE: { status: 503, message: 'The service is not available right now.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errors;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Safe, structured details for the client, such as which fields failed validation. */
  readonly details: unknown;

  constructor(
    code: ErrorCode,
    options: { message?: string; details?: unknown; cause?: unknown } = {},
  ) {
    super(options.message ?? errors[code].message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = errors[code].status;
    this.details = options.details;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { error: { code: this.code, message: this.message } };
    if (this.details !== undefined) body.error.details = this.details;

    return body;
  }
}
