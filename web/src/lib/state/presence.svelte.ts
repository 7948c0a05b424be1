import { api } from '$lib/api/api-client';
import type { ChosenPresence, Me, Presence } from '$lib/api/types';
import type { PresencePayload } from '$shared/realtime/events';

/** My presence and since when; calls move it (ringing, on a call, wrap-up), I choose the rest. */
class MyPresence {
  status = $state<Presence>('offline');
  since = $state(new Date().toISOString());
  private userId = '';

  reset(user: Me): void {
    this.userId = user.id;
    this.status = user.status;
    this.since = user.status_changed_at;
  }

  /** Throws ApiError (OUTCOME_REQUIRED while an outcome is owed). */
  async choose(status: ChosenPresence): Promise<void> {
    const user = await api.put<Me>('/api/me/status', { status });
    this.status = user.status;
    this.since = user.status_changed_at;
  }

  receive(payload: PresencePayload): void {
    if (payload.userId !== this.userId) return;

    this.status = payload.status;
    this.since = payload.since;
  }
}

export const presence = new MyPresence();
