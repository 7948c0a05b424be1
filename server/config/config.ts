import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { isValidCountry } from '../phones/phone-number';
import type { CountryCode } from '../phones/phone-number';

/**
 * Every environment variable the CRM reads, declared once: its parser (with the default), a
 * description for the README and errors, and whether it is a secret (never logged).
 */
const variables = {
  NODE_ENV: {
    schema: z.enum(['development', 'production', 'test']).default('development'),
    description: 'development, production or test; production creates no demo data',
  },
  PORT: {
    schema: z.coerce.number().int().min(0).max(65535).default(3000),
    description: 'the HTTP port of the API, webhooks, Socket.IO and the console',
  },
  HOST: {
    schema: z.string().min(1).default('0.0.0.0'),
    description: 'the address to listen on',
  },
  DATABASE_URL: {
    schema: z.string().url().optional(),
    description: 'a PostgreSQL URL; unset starts an embedded PostgreSQL under DATA_DIR',
    secret: true,
  },
  DATA_DIR: {
    schema: z.string().min(1).default('.data'),
    description: 'the folder of the embedded database, the session secret and recordings',
  },
  DEFAULT_COUNTRY: {
    schema: z
      .string()
      .transform((value) => value.toUpperCase())
      .refine(isValidCountry, 'an ISO 3166 region code such as RU, US or GB')
      .default('RU'),
    description: 'the region of numbers typed without a country code',
  },
  TELEPHONY: {
    schema: z.enum(['sim', 'ari', 'twilio']).default('sim'),
    description: 'the telephony provider: sim, ari or twilio',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    description: 'the pino log level',
  },
  SESSION_SECRET: {
    schema: z.string().min(32, 'at least 32 characters').optional(),
    description: 'signs session ids; generated under DATA_DIR in demo mode when unset',
    secret: true,
  },
  CLUSTER: {
    schema: z
      .enum(['true', 'false', '1', '0'])
      .transform((value) => value === 'true' || value === '1')
      .default('false'),
    description: 'several CRM processes share the database: Socket.IO events cross nodes',
  },
  SESSION_TTL_HOURS: {
    schema: z.coerce.number().positive().default(12),
    description: 'how long a session lives without activity',
  },
  DEMO: {
    schema: z
      .enum(['true', 'false', '1', '0'])
      .transform((value) => value === 'true' || value === '1')
      .optional(),
    description: 'force demo data on or off; default on unless production or DATABASE_URL',
  },
  SIM_CALLS_PER_MINUTE: {
    schema: z.coerce.number().min(0).max(6000).optional(),
    description: 'simulated inbound calls a minute (sim only); default 3 in demo mode, else 0',
  },
  OWN_NUMBERS: {
    schema: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .default(''),
    description: 'comma-separated company numbers that never become customers',
  },
  INTERNAL_EXTENSION_MAX_DIGITS: {
    schema: z.coerce.number().int().min(0).max(8).default(5),
    description: 'caller numbers this short are internal extensions, never customers',
  },
  ARI_URL: {
    schema: z.string().url().optional(),
    description: 'the Asterisk ARI base URL, e.g. http://pbx:8088 (TELEPHONY=ari)',
  },
  ARI_USERNAME: { schema: z.string().optional(), description: 'the ARI user (TELEPHONY=ari)' },
  ARI_PASSWORD: {
    schema: z.string().optional(),
    description: 'the ARI password (TELEPHONY=ari)',
    secret: true,
  },
  ARI_APP: {
    schema: z.string().min(1).default('crm'),
    description: 'the Stasis application name the dialplan sends calls to',
  },
  ARI_CUSTOMER_ENDPOINT: {
    schema: z
      .string()
      .includes('{number}', { message: 'a dial string with {number}, e.g. PJSIP/{number}@trunk' })
      .optional(),
    description:
      'how outbound calls dial a customer, {number} being their E.164 number (TELEPHONY=ari); ' +
      'default PJSIP/{number}@trunk',
  },
  ARI_OUTBOUND_CALLER_ID: {
    schema: z.string().optional(),
    description: 'the caller id customers see on outbound calls (TELEPHONY=ari); default none',
  },
  TWILIO_ACCOUNT_SID: {
    schema: z.string().optional(),
    description: 'the Twilio account SID (TELEPHONY=twilio)',
  },
  TWILIO_AUTH_TOKEN: {
    schema: z.string().optional(),
    description: 'the Twilio auth token, also used to check webhook signatures',
    secret: true,
  },
  TWILIO_NUMBER: {
    schema: z.string().optional(),
    description: 'the caller id for outbound calls and SMS (TELEPHONY=twilio)',
  },
  TWILIO_API_URL: {
    schema: z.string().url().optional(),
    description: 'overrides the Twilio REST address (tests point it at a local fake)',
  },
  PUBLIC_URL: {
    schema: z.string().url().optional(),
    description: 'the address providers call back, used to check webhook signatures',
  },
} as const;

type Variables = typeof variables;
type VariableName = keyof Variables;
type Values = { [K in VariableName]: z.output<Variables[K]['schema']> };

export interface Config {
  env: Values['NODE_ENV'];
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  defaultCountry: CountryCode;
  telephony: Values['TELEPHONY'];
  logLevel: Values['LOG_LEVEL'];
  sessionSecret: string | undefined;
  sessionTtlMs: number;
  cluster: boolean;
  demo: boolean;
  simCallsPerMinute: number;
  ownNumbers: string[];
  internalExtensionMaxDigits: number;
  ari:
    | {
        url: string;
        username: string;
        password: string;
        app: string;
        customerEndpoint: string | undefined;
        outboundCallerId: string | undefined;
      }
    | undefined;
  twilio:
    | { accountSid: string; authToken: string; number: string; apiUrl: string | undefined }
    | undefined;
  publicUrl: string | undefined;
}

/** A configuration problem: names the variable and what was expected. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Descriptions of every variable, for the README and `--help`. */
export function describeVariables(): { name: string; description: string; secret: boolean }[] {
  return Object.entries(variables).map(([name, spec]) => ({
    name,
    description: spec.description,
    secret: 'secret' in spec && spec.secret === true,
  }));
}

/** Reads `.env` (if present) under the real environment, which wins. */
export function readEnvironment(cwd = process.cwd()): Record<string, string | undefined> {
  const file = path.join(cwd, '.env');
  const fromFile = fs.existsSync(file) ? parseEnv(fs.readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

/**
 * Parses and validates the configuration once. Throws ConfigError listing every bad variable
 * with what was expected, so a bad start names all its problems at once.
 */
export function loadConfig(env: Record<string, string | undefined> = readEnvironment()): Config {
  const problems: string[] = [];
  const values = {} as Record<VariableName, unknown>;

  for (const [name, spec] of Object.entries(variables) as [
    VariableName,
    Variables[VariableName],
  ][]) {
    const raw = env[name] === '' ? undefined : env[name];
    const result = spec.schema.safeParse(raw);
    if (result.success) {
      values[name] = result.data;
      continue;
    }

    const expected = result.error.issues.map((issue) => issue.message).join('; ');
    problems.push(`${name}: ${expected} (${spec.description})`);
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const v = values as Values;
  const ari = v.TELEPHONY === 'ari' ? requireAri(v, problems) : undefined;
  const twilio = v.TELEPHONY === 'twilio' ? requireTwilio(v, problems) : undefined;
  if (problems.length > 0) throw new ConfigError(problems);

  const production = v.NODE_ENV === 'production' || v.DATABASE_URL !== undefined;
  const demo = v.DEMO ?? (!production && v.NODE_ENV !== 'test');

  return {
    env: v.NODE_ENV,
    port: v.PORT,
    host: v.HOST,
    databaseUrl: v.DATABASE_URL,
    dataDir: path.resolve(v.DATA_DIR),
    defaultCountry: v.DEFAULT_COUNTRY as CountryCode,
    telephony: v.TELEPHONY,
    logLevel: v.LOG_LEVEL,
    sessionSecret: v.SESSION_SECRET,
    sessionTtlMs: v.SESSION_TTL_HOURS * 3600_000,
    cluster: v.CLUSTER,
    demo,
    simCallsPerMinute: v.SIM_CALLS_PER_MINUTE ?? (demo && v.TELEPHONY === 'sim' ? 3 : 0),
    ownNumbers: v.OWN_NUMBERS,
    internalExtensionMaxDigits: v.INTERNAL_EXTENSION_MAX_DIGITS,
    ari,
    twilio,
    publicUrl: v.PUBLIC_URL,
  };
}

function requireAri(v: Values, problems: string[]): Config['ari'] {
  if (!v.ARI_URL) problems.push('ARI_URL: required when TELEPHONY=ari');
  if (!v.ARI_USERNAME) problems.push('ARI_USERNAME: required when TELEPHONY=ari');
  if (!v.ARI_PASSWORD) problems.push('ARI_PASSWORD: required when TELEPHONY=ari');
  if (!v.ARI_URL || !v.ARI_USERNAME || !v.ARI_PASSWORD) return undefined;

  return {
    url: v.ARI_URL,
    username: v.ARI_USERNAME,
    password: v.ARI_PASSWORD,
    app: v.ARI_APP,
    customerEndpoint: v.ARI_CUSTOMER_ENDPOINT,
    outboundCallerId: v.ARI_OUTBOUND_CALLER_ID,
  };
}

function requireTwilio(v: Values, problems: string[]): Config['twilio'] {
  const missing = (
    ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_NUMBER', 'PUBLIC_URL'] as const
  ).filter((name) => !v[name]);
  for (const name of missing) problems.push(`${name}: required when TELEPHONY=twilio`);
  if (!v.TWILIO_ACCOUNT_SID || !v.TWILIO_AUTH_TOKEN || !v.TWILIO_NUMBER) return undefined;

  return {
    accountSid: v.TWILIO_ACCOUNT_SID,
    authToken: v.TWILIO_AUTH_TOKEN,
    number: v.TWILIO_NUMBER,
    apiUrl: v.TWILIO_API_URL,
  };
}
