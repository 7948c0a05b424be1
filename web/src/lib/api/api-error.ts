/** A failed API call, read from the server's `{"error":{"code","message","details?"}}` body. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Worth retrying: the network, a timeout, or the server being briefly unable. */
  get temporary(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** Status 0 stands for "no answer at all": offline, refused, aborted. */
export const NETWORK_ERROR = 'NETWORK';
