import { ConfigError, loadConfig } from './config';
import type { Config } from './config';

/**
 * The configuration for a command-line entry point: a bad value prints which variables are wrong
 * and what was expected, and exits with status 1 instead of a stack trace.
 */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
