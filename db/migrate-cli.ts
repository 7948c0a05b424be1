import { loadConfigOrExit } from '../server/config/load-config-or-exit';
import { createLogger } from '../server/logging/logger';
import { connectDatabase } from './connect';

const config = loadConfigOrExit();
const logger = createLogger(config.logLevel);
const database = await connectDatabase({
  databaseUrl: config.databaseUrl,
  dataDir: config.dataDir,
  logger,
});
logger.info('the schema is up to date');
await database.close();
