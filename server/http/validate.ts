import type { z } from 'zod';
import { AppError } from '../errors/app-error';

/**
 * Parses a boundary value with its schema. Object schemas should be `.strict()`, so unknown
 * fields are refused by name instead of silently dropped.
 */
export function parse<T extends z.ZodTypeAny>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;

  throw new AppError('VALIDATION_FAILED', {
    details: result.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    })),
  });
}
