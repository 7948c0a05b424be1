import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// `npm run dev` serves the console here with hot reload and hands the API and the socket to the
// CRM server, so the browser sees one origin and the session cookie just works.
const apiUrl = process.env.CRM_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [sveltekit()],
  build: {
    // SvelteKit's adapter work after bundling is expected to be slow; no timing report for it.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    port: Number(process.env.WEB_DEV_PORT ?? 5173),
    strictPort: false,
    proxy: {
      '/api': { target: apiUrl, changeOrigin: false },
      '/socket.io': { target: apiUrl, ws: true, changeOrigin: false },
    },
  },
});
