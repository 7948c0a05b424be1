/**
 * Builds the operator console (web/ → web/build) when the build is missing or older than any of
 * its sources, so `npm start` on a fresh checkout or after a pull serves the current console.
 * Safe to run from several processes at once (parallel test files): one builds, the others wait.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = path.join(ROOT, 'web');
const BUILT = path.join(WEB, 'build', 'handler.js');
const LOCK = path.join(WEB, '.build-lock');
const SOURCES = [
  path.join(WEB, 'src'),
  path.join(WEB, 'static'),
  path.join(WEB, 'svelte.config.js'),
  path.join(WEB, 'vite.config.ts'),
  path.join(ROOT, 'package-lock.json'),
];
// A lock older than any real build was left by a build that died.
const STALE_LOCK_MS = 5 * 60_000;

/** True when web/build is missing or any source changed after it was built. */
export async function isWebBuildStale(): Promise<boolean> {
  const built = await mtimeOf(BUILT);
  if (built === undefined) return true;

  for (const source of SOURCES) {
    if ((await newestMtime(source)) > built) return true;
  }
  return false;
}

/** Runs `vite build` in web/ (SvelteKit takes its project root from the working directory). */
export async function buildWeb(): Promise<void> {
  const require = createRequire(import.meta.url);
  const vitePackage = require.resolve('vite/package.json');
  const viteBin = path.join(path.dirname(vitePackage), 'bin', 'vite.js');

  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], {
      cwd: WEB,
      stdio: 'inherit',
      // Vite builds for development when NODE_ENV says so (vitest sets it to "test"): the
      // console served by the CRM is always the production build.
      env: { ...process.env, NODE_ENV: 'production' },
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}`)),
    );
  });
}

/** Builds the console unless the build is current; tells which it was. */
export async function buildWebIfStale(): Promise<'fresh' | 'built'> {
  if (!(await isWebBuildStale())) return 'fresh';

  await acquireLock();
  try {
    // Another process may have built it while this one waited for the lock.
    if (!(await isWebBuildStale())) return 'fresh';

    await buildWeb();
    return 'built';
  } finally {
    await fs.rm(LOCK, { recursive: true, force: true });
  }
}

async function acquireLock(): Promise<void> {
  for (;;) {
    try {
      await fs.mkdir(LOCK);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }

    const lockedAt = await mtimeOf(LOCK);
    if (lockedAt !== undefined && Date.now() - lockedAt > STALE_LOCK_MS) {
      await fs.rm(LOCK, { recursive: true, force: true });
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function mtimeOf(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).mtimeMs;
  } catch {
    return undefined;
  }
}

async function newestMtime(entry: string): Promise<number> {
  let stat;
  try {
    stat = await fs.stat(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;

  let newest = stat.mtimeMs;
  for (const child of await fs.readdir(entry)) {
    newest = Math.max(newest, await newestMtime(path.join(entry, child)));
  }
  return newest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now();
  const result = await buildWebIfStale();
  if (result === 'built') console.warn(`built the console in ${Date.now() - started} ms`);
}
