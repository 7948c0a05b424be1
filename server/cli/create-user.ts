/**
 * `npm run user:create -- --email a@b.c --name "Ann" --role admin [--team Sales]`: creates an
 * account in the configured database (the first admin of a production install). The password
 * is read from CRM_PASSWORD or asked for on the terminal, never taken from the command line.
 */
import { parseArgs } from 'node:util';
import readline from 'node:readline/promises';
import { z } from 'zod';
import { connectDatabase } from '../../db/connect';
import { findTeamByName, insertTeam } from '../../db/queries/teams';
import { loadConfigOrExit } from '../config/load-config-or-exit';
import { createLogger } from '../logging/logger';
import { UsersService } from '../users/users-service';

const { values } = parseArgs({
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', default: 'admin' },
    team: { type: 'string' },
  },
});

const args = z
  .object({
    email: z.string().email(),
    name: z.string().min(1),
    role: z.enum(['operator', 'supervisor', 'admin']),
    team: z.string().min(1).optional(),
  })
  .safeParse(values);
if (!args.success) {
  console.error(
    'usage: npm run user:create -- --email EMAIL --name NAME [--role admin] [--team TEAM]',
  );
  for (const issue of args.error.issues)
    console.error(`  --${issue.path.join('.')}: ${issue.message}`);
  process.exit(2);
}

const password = process.env.CRM_PASSWORD ?? (await ask('Password (at least 8 characters): '));
if (password.length < 8) {
  console.error('The password must have at least 8 characters.');
  process.exit(2);
}

const config = loadConfigOrExit();

const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
const database = await connectDatabase({
  databaseUrl: config.databaseUrl,
  dataDir: config.dataDir,
  logger,
});
try {
  const { team, ...fields } = args.data;
  const teamId = team
    ? ((await findTeamByName(database.db, team)) ?? (await insertTeam(database.db, team))).id
    : null;
  const user = await new UsersService(database.db).create(null, {
    ...fields,
    password,
    team_id: teamId,
  });
  console.error(`Created ${user.role} ${user.email} (${user.id}).`);
} finally {
  await database.close();
}

async function ask(question: string): Promise<string> {
  const terminal = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await terminal.question(question)).trim();
  } finally {
    terminal.close();
  }
}
