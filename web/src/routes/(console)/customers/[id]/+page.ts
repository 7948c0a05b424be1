import { error } from '@sveltejs/kit';
import { api } from '$lib/api/api-client';
import { ApiError } from '$lib/api/api-error';
import type { Customer, Timeline } from '$lib/api/types';
import { t } from '$lib/i18n/messages';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params }) => {
  try {
    const [customer, timeline] = await Promise.all([
      api.get<Customer>(`/api/customers/${params.id}`),
      api.get<Timeline>(`/api/customers/${params.id}/timeline`),
    ]);
    return { customer, timeline };
  } catch (caught) {
    if (caught instanceof ApiError && [400, 403, 404].includes(caught.status)) {
      error(404, { message: t.customer.notFound, code: caught.code });
    }
    throw caught;
  }
};
