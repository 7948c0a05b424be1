import crypto from 'node:crypto';

export const SESSION_COOKIE = 'crm_session';

/** A new random token for the cookie; only its keyed hash is stored. */
export function newSessionToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/**
 * The session's id in the database: an HMAC of the cookie's token, so a read of the sessions
 * table cannot be replayed as cookies.
 */
export function sessionIdOf(token: string, secret: string): string {
  return crypto.createHmac('sha256', secret).update(token).digest('base64url');
}
