import type { Logger } from 'pino';
import type { ProviderName, TelephonyProvider } from './provider';
import { SimProvider } from './sim/sim-provider';
import type { SimProviderOptions } from './sim/sim-provider';

export interface ProviderSettings {
  name: ProviderName;
  logger: Logger;
  sim?: Omit<SimProviderOptions, 'logger'>;
  ari?: {
    url: string;
    username: string;
    password: string;
    app: string;
    /** How outbound calls dial a customer, e.g. `PJSIP/{number}@trunk`; the adapter's default. */
    customerEndpoint?: string;
    /** The caller id customers see on outbound calls; none set by default. */
    outboundCallerId?: string;
  };
  twilio?: {
    accountSid: string;
    authToken: string;
    number: string;
    apiUrl?: string;
    publicUrl: string;
  };
}

/**
 * The one place that knows the providers' folders. The server asks for a provider by name and
 * gets the common interface; an unknown or unconfigured name is refused.
 */
export async function createProvider(settings: ProviderSettings): Promise<TelephonyProvider> {
  const logger = settings.logger.child({ component: 'telephony', provider: settings.name });

  switch (settings.name) {
    case 'sim':
      return new SimProvider({ ...settings.sim, logger });
    case 'ari': {
      if (!settings.ari)
        throw new Error('the ARI provider needs ARI_URL, ARI_USERNAME, ARI_PASSWORD');
      const { createAriProvider } = await import('./ari/ari-provider');
      return createAriProvider({ ...settings.ari, logger });
    }
    case 'twilio': {
      if (!settings.twilio) {
        throw new Error(
          'the Twilio provider needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_NUMBER, PUBLIC_URL',
        );
      }
      const { TwilioProvider } = await import('./twilio/twilio-provider');
      return new TwilioProvider({ ...settings.twilio, logger });
    }
    default: {
      const unknown: never = settings.name;
      throw new Error(`unknown telephony provider: ${String(unknown)}`);
    }
  }
}
