import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeVariables, loadConfig } from '../../server/config/config';

/** The ConfigError that loading `env` stops with. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }

  throw new Error('the configuration was accepted');
}

describe('loadConfig', () => {
  it('starts a demo on port 3000 with nothing configured', () => {
    const config = loadConfig({});

    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: undefined,
      dataDir: path.resolve('.data'),
      defaultCountry: 'RU',
      telephony: 'sim',
      logLevel: 'info',
      sessionSecret: undefined,
      sessionTtlMs: 12 * 3600_000,
      demo: true,
      ari: undefined,
      twilio: undefined,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DEFAULT_COUNTRY: '' })).toMatchObject({
      port: 3000,
      defaultCountry: 'RU',
    });
  });

  it('reads the values it is given, in their documented forms', () => {
    const config = loadConfig({
      PORT: '8080',
      DEFAULT_COUNTRY: 'us',
      DATA_DIR: '/var/lib/crm',
      SESSION_TTL_HOURS: '0.5',
      OWN_NUMBERS: '+74950000000, 100 ,',
    });

    expect(config).toMatchObject({
      port: 8080,
      defaultCountry: 'US',
      dataDir: '/var/lib/crm',
      sessionTtlMs: 30 * 60_000,
      ownNumbers: ['+74950000000', '100'],
    });
  });

  it.each([
    ['PORT', 'abc', /^PORT: Expected number/],
    ['PORT', '70000', /^PORT: Number must be less than or equal to 65535/],
    ['PORT', '80.5', /^PORT: Expected integer/],
    ['DEFAULT_COUNTRY', 'XX', /^DEFAULT_COUNTRY: an ISO 3166 region code such as RU, US or GB/],
    ['DEFAULT_COUNTRY', 'Russia', /^DEFAULT_COUNTRY: an ISO 3166 region code/],
    ['TELEPHONY', 'skype', /^TELEPHONY: .*'sim' \| 'ari' \| 'twilio'/],
    ['LOG_LEVEL', 'loud', /^LOG_LEVEL: /],
    ['DATABASE_URL', 'not a url', /^DATABASE_URL: Invalid url/],
    ['SESSION_SECRET', 'short', /^SESSION_SECRET: at least 32 characters/],
  ])('stops on %s=%j, naming the variable and what was expected', (name, value, expected) => {
    const problems = problemsOf({ [name]: value });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  it('says what a variable is for next to what was wrong with it', () => {
    expect(problemsOf({ PORT: 'abc' })[0]).toContain('the HTTP port');
  });

  it('names every bad variable at once, in its message too', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '-1', DEFAULT_COUNTRY: 'ZZ' });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((problem) => problem.split(':')[0])).toEqual([
      'PORT',
      'DEFAULT_COUNTRY',
    ]);
    expect((error as ConfigError).message).toMatch(/PORT: .*\n.*DEFAULT_COUNTRY: /);
  });

  describe('telephony providers', () => {
    it('requires ARI_URL, ARI_USERNAME and ARI_PASSWORD only when TELEPHONY=ari', () => {
      expect(problemsOf({ TELEPHONY: 'ari' })).toEqual([
        'ARI_URL: required when TELEPHONY=ari',
        'ARI_USERNAME: required when TELEPHONY=ari',
        'ARI_PASSWORD: required when TELEPHONY=ari',
      ]);
      expect(loadConfig({ TELEPHONY: 'sim' }).ari).toBeUndefined();
    });

    it('names ARI_URL alone when it is the one missing', () => {
      expect(problemsOf({ TELEPHONY: 'ari', ARI_USERNAME: 'crm', ARI_PASSWORD: 's' })).toEqual([
        'ARI_URL: required when TELEPHONY=ari',
      ]);
    });

    it('gathers the ARI settings when they are all there', () => {
      const config = loadConfig({
        TELEPHONY: 'ari',
        ARI_URL: 'http://pbx:8088',
        ARI_USERNAME: 'crm',
        ARI_PASSWORD: 'secret',
      });

      expect(config.ari).toEqual({
        url: 'http://pbx:8088',
        username: 'crm',
        password: 'secret',
        app: 'crm',
        customerEndpoint: undefined,
        outboundCallerId: undefined,
      });
    });

    it('carries how ARI dials customers and the caller id they see', () => {
      const config = loadConfig({
        TELEPHONY: 'ari',
        ARI_URL: 'http://pbx:8088',
        ARI_USERNAME: 'crm',
        ARI_PASSWORD: 'secret',
        ARI_CUSTOMER_ENDPOINT: 'PJSIP/{number}@carrier',
        ARI_OUTBOUND_CALLER_ID: '"Romashka" <+74950000000>',
      });

      expect(config.ari).toMatchObject({
        customerEndpoint: 'PJSIP/{number}@carrier',
        outboundCallerId: '"Romashka" <+74950000000>',
      });
    });

    it('stops on a customer dial string without {number}', () => {
      expect(problemsOf({ ARI_CUSTOMER_ENDPOINT: 'PJSIP/trunk' })).toEqual([
        expect.stringMatching(/^ARI_CUSTOMER_ENDPOINT: a dial string with \{number\}/),
      ]);
    });

    it('requires the Twilio account, token, number and public URL when TELEPHONY=twilio', () => {
      expect(problemsOf({ TELEPHONY: 'twilio' }).map((p) => p.split(':')[0])).toEqual([
        'TWILIO_ACCOUNT_SID',
        'TWILIO_AUTH_TOKEN',
        'TWILIO_NUMBER',
        'PUBLIC_URL',
      ]);
    });
  });

  describe('demo mode', () => {
    it('is on with nothing configured', () => {
      expect(loadConfig({}).demo).toBe(true);
    });

    it('is off when DATABASE_URL is set', () => {
      expect(loadConfig({ DATABASE_URL: 'postgres://crm@db:5432/crm' }).demo).toBe(false);
    });

    it('is off when NODE_ENV=production', () => {
      expect(loadConfig({ NODE_ENV: 'production' }).demo).toBe(false);
    });

    it('is off under tests', () => {
      expect(loadConfig({ NODE_ENV: 'test' }).demo).toBe(false);
    });

    it('can be forced either way with DEMO', () => {
      expect(loadConfig({ NODE_ENV: 'production', DEMO: 'true' }).demo).toBe(true);
      expect(loadConfig({ DEMO: '0' }).demo).toBe(false);
    });

    it('simulates calls only in a demo on the sim provider, unless told otherwise', () => {
      expect(loadConfig({}).simCallsPerMinute).toBe(3);
      expect(loadConfig({ NODE_ENV: 'production' }).simCallsPerMinute).toBe(0);
      expect(loadConfig({ SIM_CALLS_PER_MINUTE: '12' }).simCallsPerMinute).toBe(12);
    });
  });

  it('marks the secrets, so they are never logged', () => {
    const secrets = describeVariables()
      .filter((variable) => variable.secret)
      .map((variable) => variable.name);

    expect(secrets).toEqual(
      expect.arrayContaining([
        'DATABASE_URL',
        'SESSION_SECRET',
        'ARI_PASSWORD',
        'TWILIO_AUTH_TOKEN',
      ]),
    );
    expect(secrets).not.toContain('PORT');
  });
});
