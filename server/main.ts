import { loadConfigOrExit } from './config/load-config-or-exit';
import { createLogger } from './logging/logger';
import { seedDemo, DEMO_PASSWORD } from './demo/demo-seed';
import { loadWebHandler } from './http/web-handler';
import { startServer } from './server';

const config = loadConfigOrExit();

const logger = createLogger(config.logLevel);
const web = await loadWebHandler(logger);
const server = await startServer({ config, logger, web });

if (config.demo) {
  const accounts = await seedDemo(server.database.db, {
    defaultCountry: config.defaultCountry,
    logger,
  });
  logger.info(
    { accounts, password: DEMO_PASSWORD },
    'demo mode: log in with any of these accounts',
  );
}
logger.info({ url: server.url, telephony: config.telephony }, 'the CRM is ready');

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  try {
    await server.close();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'the shutdown failed');
    process.exit(1);
  }
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
