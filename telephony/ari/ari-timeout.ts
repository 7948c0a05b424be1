import { TelephonyError } from '../telephony-error';

/**
 * Settles with `work`, or fails with a temporary ARI_TIMEOUT after `milliseconds`. ari-client
 * has no timeouts of its own: a request to an Asterisk that stopped answering, or that reset
 * the connection, can stay pending for ever. The request is not aborted (ari-client offers no
 * way to), only abandoned; its late outcome is ignored.
 */
export function withTimeout<T>(
  work: PromiseLike<T>,
  milliseconds: number,
  action: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;

  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(
        new TelephonyError('ARI_TIMEOUT', `Asterisk did not answer in time to ${action}.`, {
          temporary: true,
        }),
      );
    }, milliseconds);
  });

  return Promise.race([Promise.resolve(work), timeout]).finally(() => clearTimeout(timer));
}
