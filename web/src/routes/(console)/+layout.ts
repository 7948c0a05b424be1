import { redirect } from '@sveltejs/kit';
import { session } from '$lib/state/session.svelte';
import type { LayoutLoad } from './$types';

/** Every console page needs the signed-in user; without a session the login comes first. */
export const load: LayoutLoad = async ({ url }) => {
  const user = await session.load();
  if (!user) redirect(307, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);

  return { user };
};
