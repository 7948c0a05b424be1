/**
 * A provider failure, wrapped where it entered. `temporary` failures may succeed when retried
 * (a dropped socket, a 5xx, a timeout); permanent ones will not (bad credentials, an unknown
 * call, a rejected number). The server maps these onto its own error registry.
 */
export class TelephonyError extends Error {
  readonly code: string;
  readonly temporary: boolean;

  constructor(code: string, message: string, options: { temporary: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'TelephonyError';
    this.code = code;
    this.temporary = options.temporary;
  }
}
