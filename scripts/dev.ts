/**
 * `npm run dev`: the CRM server restarted on change (tsx watch) and the console served by Vite
 * with hot reload, which passes /api and /socket.io on to the server. Open the Vite address.
 * Ctrl+C stops both.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const binOf = (pkg: string, bin: string) =>
  path.join(path.dirname(require.resolve(`${pkg}/package.json`)), bin);

const apiPort = process.env.PORT ?? '3000';
const children: ChildProcess[] = [
  spawn(process.execPath, [binOf('tsx', 'dist/cli.mjs'), 'watch', 'server/main.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, PORT: apiPort },
  }),
  spawn(process.execPath, [binOf('vite', 'bin/vite.js'), 'dev'], {
    cwd: path.join(ROOT, 'web'),
    stdio: 'inherit',
    env: { ...process.env, CRM_API_URL: `http://localhost:${apiPort}` },
  }),
];

let stopping = false;
const stop = (code: number) => {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  process.exitCode = code;
};

for (const child of children) child.once('exit', (code) => stop(code ?? 0));
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
