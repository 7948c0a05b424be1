import { ZodError } from 'zod';
import { TelephonyError } from '../../telephony/telephony-error';
import { AppError } from './app-error';

/**
 * Funnels any thrown value into an AppError. Known failures keep their meaning; everything
 * else becomes INTERNAL with its text kept only as the cause, for the log.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;

  if (error instanceof ZodError) {
    return new AppError('VALIDATION_FAILED', {
      details: error.issues.map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
      })),
    });
  }

  if (error instanceof TelephonyError) {
    const code = error.temporary ? 'TELEPHONY_UNAVAILABLE' : 'TELEPHONY_REJECTED';
    return new AppError(code, { message: error.message, cause: error });
  }

  if (isBodyParserError(error)) {
    if (error.type === 'entity.parse.failed') return new AppError('INVALID_JSON', { cause: error });
    return new AppError('BAD_REQUEST', { message: 'The request body was refused.', cause: error });
  }

  return new AppError('INTERNAL', { cause: error });
}

function isBodyParserError(error: unknown): error is { type: string; status: number } {
  return (
    typeof error === 'object' &&
    error !== null &&
    'type' in error &&
    typeof error.type === 'string' &&
    error.type.startsWith('entity.')
  );
}
