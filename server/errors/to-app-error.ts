import { ZodError } from 'zod';
import type { ZodIssue } from 'zod';
import { TelephonyError } from '../../telephony/telephony-error';
import { AppError } from './app-error';

/**
 * Funnels any thrown value into an AppError. Known failures keep their meaning; everything
 * else becomes INTERNAL with its text kept only as the cause, for the log.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;

  if (error instanceof ZodError) {
    return new AppError('VALIDATION_FAILED', { details: validationDetails(error.issues) });
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

/**
 * One `{ path, message }` per problem. An unknown field gets its own path, as a wrong one does,
 * so a form can show the error beside the field; zod reports them all at the parent's path.
 */
export function validationDetails(issues: ZodIssue[]): { path: string; message: string }[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') {
      return [{ path: issue.path.join('.'), message: issue.message }];
    }

    return issue.keys.map((key) => ({
      path: [...issue.path, key].join('.'),
      message: 'is not a known field',
    }));
  });
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
