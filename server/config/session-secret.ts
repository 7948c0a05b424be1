import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config';
import { ConfigError } from './config';

/**
 * SESSION_SECRET, or outside production one generated once and kept under DATA_DIR, so
 * sessions survive a restart of the demo.
 */
export async function resolveSessionSecret(config: Config): Promise<string> {
  if (config.sessionSecret) return config.sessionSecret;

  if (config.env === 'production') {
    throw new ConfigError(['SESSION_SECRET: required in production (at least 32 characters)']);
  }

  const file = path.join(config.dataDir, 'session-secret');
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch {
    const secret = crypto.randomBytes(32).toString('base64url');
    await fs.mkdir(config.dataDir, { recursive: true });
    await fs.writeFile(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}
