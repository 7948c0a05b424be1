import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';

/** Where twilio-node sends its REST requests unless told otherwise. */
export const TWILIO_API_URL = 'https://api.twilio.com';

/**
 * twilio-node's own HTTP client, with every request meant for api.twilio.com sent to another
 * address instead (TWILIO_API_URL: the local fake in tests, or an egress proxy). Everything else
 * the library does (auth, form encoding, errors) stays the library's.
 */
export class RedirectedRequestClient extends twilio.RequestClient {
  private readonly apiUrl: string;

  constructor(apiUrl: string, options?: RequestClient.RequestClientOptions) {
    super(options);
    this.apiUrl = apiUrl.replace(/\/+$/, '');
  }

  override request<TData>(options: RequestClient.RequestOptions<TData>) {
    return super.request({ ...options, uri: redirect(options.uri, this.apiUrl) });
  }
}

/** The same address change for a URL the CRM fetches itself (recording media). */
export function redirect(uri: string, apiUrl: string): string {
  if (uri !== TWILIO_API_URL && !uri.startsWith(`${TWILIO_API_URL}/`)) return uri;

  return `${apiUrl.replace(/\/+$/, '')}${uri.slice(TWILIO_API_URL.length)}`;
}
