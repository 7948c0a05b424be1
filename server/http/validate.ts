import type { z } from 'zod';
import { AppError } from '../errors/app-error';
import { validationDetails } from '../errors/to-app-error';

/**
 * Parses a boundary value with its schema. Object schemas should be `.strict()`, so unknown
 * fields are refused by name instead of silently dropped.
 */
export function parse<T extends z.ZodTypeAny>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;

  throw new AppError('VALIDATION_FAILED', { details: validationDetails(result.error.issues) });
}
