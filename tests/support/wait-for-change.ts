import type { EventEmitter } from 'node:events';

/**
 * Resolves with the first truthy value of `check`, evaluated now and on every 'change' the
 * emitter reports. Fails after `timeoutMs` naming `what`: a guard against a hung test, so one
 * that waits for something that never happens says what it was waiting for.
 */
export function waitForChange<T>(
  changes: EventEmitter,
  what: string,
  check: () => T | undefined | null | false,
  timeoutMs = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const evaluate = () => {
      const value = check();
      if (!value) return;

      cleanup();
      resolve(value);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      changes.off('change', evaluate);
    };

    changes.on('change', evaluate);
    evaluate();
  });
}
