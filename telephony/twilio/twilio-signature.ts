import twilio from 'twilio';

/**
 * Whether a webhook carries Twilio's signature: the HMAC of the URL Twilio called (rebuilt from
 * PUBLIC_URL, since behind a proxy the server does not see it) and the sorted form fields,
 * keyed by the account's auth token. Checked with the twilio library itself.
 */
export function isSignedByTwilio(
  authToken: string,
  signedUrl: string,
  headers: Record<string, string | undefined>,
  params: Record<string, string>,
): boolean {
  const signature = headers['x-twilio-signature'];
  if (!signature) return false;

  try {
    return twilio.validateRequest(authToken, signature, signedUrl, params);
  } catch {
    // An address the library cannot parse was not signed by Twilio either.
    return false;
  }
}
