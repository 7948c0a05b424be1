// The console is a single-page app over the JSON API: the server renders only the shell, so
// nothing here runs on the server and the session cookie is read by the API alone.
export const ssr = false;
export const prerender = false;
