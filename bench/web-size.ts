/**
 * The operator page's JavaScript weight: every JS file the browser loads to show the calls page
 * (SvelteKit's client entry plus the root layout, the console layout and the page, with all
 * their static imports), each gzipped as the server sends it, summed.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { buildWebIfStale } from '../scripts/build-web-if-stale';

const gzip = promisify(zlib.gzip);
const WEB = fileURLToPath(new URL('../web/', import.meta.url));
const KIT_SERVER = path.join(WEB, '.svelte-kit', 'output', 'server');
const CLIENT = path.join(WEB, 'build', 'client');
/** The route of the operator's page: the calls desk at /. */
const OPERATOR_ROUTE = '/(console)';

interface KitManifest {
  _: {
    client: { imports: string[] };
    routes: { id: string; page: { layouts: (number | undefined)[]; leaf: number } | null }[];
  };
}

export interface WebSize {
  /** Paths under web/build/client with their gzipped size, the largest first. */
  files: { file: string; bytes: number; gzipBytes: number }[];
  gzipBytes: number;
}

/** Builds the console if needed and measures the operator page's JS, gzipped (level 9). */
export async function measureWebSize(): Promise<WebSize> {
  await buildWebIfStale();

  const { manifest } = (await import(pathToFileURL(path.join(KIT_SERVER, 'manifest.js')).href)) as {
    manifest: KitManifest;
  };
  const route = manifest._.routes.find((item) => item.id === OPERATOR_ROUTE);
  if (!route?.page) throw new Error(`the console build has no ${OPERATOR_ROUTE} page`);

  const nodes = [...route.page.layouts, route.page.leaf].filter((n) => n !== undefined);
  const files = new Set(manifest._.client.imports);
  for (const node of nodes) {
    const { imports } = (await import(
      pathToFileURL(path.join(KIT_SERVER, 'nodes', `${node}.js`)).href
    )) as { imports: string[] };
    for (const file of imports) files.add(file);
  }

  const measured = await Promise.all(
    [...files].map(async (file) => {
      const content = await fs.readFile(path.join(CLIENT, file));
      const gzipped = await gzip(content, { level: 9 });
      return { file, bytes: content.length, gzipBytes: gzipped.length };
    }),
  );
  measured.sort((a, b) => b.gzipBytes - a.gzipBytes);

  return { files: measured, gzipBytes: measured.reduce((sum, item) => sum + item.gzipBytes, 0) };
}

/** `npm run bench` line: prints the operator page's JS weight, the largest files first. */
export async function benchWebSize(): Promise<WebSize> {
  const size = await measureWebSize();
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

  console.log(`operator page JS: ${size.files.length} files, ${kib(size.gzipBytes)} gzipped`);
  for (const file of size.files.slice(0, 5)) {
    console.log(`  ${kib(file.gzipBytes).padStart(9)}  ${file.file}`);
  }
  return size;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchWebSize();
}
