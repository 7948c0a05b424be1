import adapter from '@sveltejs/adapter-node';

/**
 * The operator console. Built into web/build by adapter-node; server/http/web-handler.ts mounts
 * the resulting handler in the API's Express app, so one process serves both on one port.
 *
 * @type {import('@sveltejs/kit').Config}
 */
const config = {
  compilerOptions: { runes: true },
  kit: {
    adapter: adapter({ out: 'build', precompress: true }),
    alias: {
      // Types shared with the server (the Socket.IO event map, the call card). Import them with
      // `import type` only: a value import would drag server code into the browser bundle.
      '$shared/calls': '../server/calls',
      '$shared/realtime': '../server/realtime',
    },
    version: { pollInterval: 0 },
  },
};

export default config;
