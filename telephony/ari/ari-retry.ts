import { TelephonyError } from '../telephony-error';

/**
 * Runs `work`, trying again after a temporary TelephonyError (a timeout, a reset connection) up
 * to `attempts` times in all, waiting `delayMs`, then twice that, between tries. A permanent
 * failure, or the last temporary one, is thrown.
 */
export async function retryTemporary<T>(
  work: () => Promise<T>,
  attempts: number,
  delayMs: number,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const temporary = error instanceof TelephonyError && error.temporary;
      if (!temporary || attempt >= attempts) throw error;

      await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** (attempt - 1)));
    }
  }
}
