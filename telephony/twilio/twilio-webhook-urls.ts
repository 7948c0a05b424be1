/** Where the server mounts this provider's webhooks (see server/http/routes). */
export const WEBHOOK_MOUNT = '/telephony/twilio';

/** The webhook paths below the mount. */
export const WEBHOOK_PATHS = {
  voice: '/voice',
  status: '/status',
  recording: '/recording',
} as const;

/** Which leg a status callback reports, carried in its query string. */
export type Leg = 'caller' | 'operator' | 'customer';

/**
 * The absolute callback addresses Twilio is given, all under PUBLIC_URL: these are also the URLs
 * Twilio signs, so they must be built the same way the signature check rebuilds them.
 */
export class WebhookUrls {
  private readonly origin: string;
  private readonly base: string;

  constructor(publicUrl: string) {
    // PUBLIC_URL may carry a path (a proxy serving the CRM under /crm): keep it, minus the slash.
    this.origin = publicUrl.replace(/\/+$/, '');
    this.base = `${this.origin}${WEBHOOK_MOUNT}`;
  }

  /** The URL Twilio signed for a request the server received at `originalUrl`. */
  signed(originalUrl: string): string {
    return `${this.origin}${originalUrl}`;
  }

  get voice(): string {
    return `${this.base}${WEBHOOK_PATHS.voice}`;
  }

  get recording(): string {
    return `${this.base}${WEBHOOK_PATHS.recording}`;
  }

  /** Progress of one leg; the caller's leg (the number's own callback) carries no query. */
  status(leg: Leg = 'caller'): string {
    const url = `${this.base}${WEBHOOK_PATHS.status}`;
    return leg === 'caller' ? url : `${url}?leg=${leg}`;
  }

  /** The <Dial action> of a leg: the dial's result, which must be answered with TwiML. */
  dialResult(leg: Exclude<Leg, 'caller'>, endpoint: string): string {
    return `${this.status(leg)}&endpoint=${encodeURIComponent(endpoint)}`;
  }
}
