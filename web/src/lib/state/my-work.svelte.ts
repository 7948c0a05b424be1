import { api, query } from '$lib/api/api-client';
import type { CallbackTask } from '$lib/api/types';
import { endOfToday } from '$lib/format/dates';
import type { CallSummary } from '$shared/calls/call-card';

type ListName = 'callbacks' | 'missed' | 'recent';

/** My work: today's callbacks (overdue first), the team's missed calls, my recent calls. */
class MyWork {
  callbacks = $state<CallbackTask[]>([]);
  missed = $state<CallSummary[]>([]);
  recent = $state<CallSummary[]>([]);
  failed = $state<Record<ListName, boolean>>({ callbacks: false, missed: false, recent: false });
  loaded = $state(false);
  /** Callbacks already due when seen, or already announced: no notice (again) for them. */
  private readonly announced = new Set<string>();

  /** Open callbacks due by the end of today, the longest overdue first. */
  get todaysCallbacks(): CallbackTask[] {
    const end = endOfToday().getTime();
    return byDueTime(this.callbacks.filter((callback) => Date.parse(callback.due_at) <= end));
  }

  /** Open callbacks of the coming days, the soonest first. */
  get laterCallbacks(): CallbackTask[] {
    const end = endOfToday().getTime();
    return byDueTime(this.callbacks.filter((callback) => Date.parse(callback.due_at) > end));
  }

  async refresh(): Promise<void> {
    await Promise.all([
      this.load('callbacks', () =>
        api.get<CallbackTask[]>(`/api/callbacks${query({ scope: 'mine' })}`),
      ),
      this.load('missed', () =>
        api.get<CallSummary[]>(`/api/calls${query({ scope: 'missed', limit: 20 })}`),
      ),
      this.load('recent', () =>
        api.get<CallSummary[]>(`/api/calls${query({ scope: 'mine', limit: 20 })}`),
      ),
    ]);
    this.loaded = true;
    // Whatever is already due shows as overdue in the list; only later ones make a notice.
    this.takeNewlyDue(Date.now());
  }

  /** Callbacks that fell due since the last look, each returned once so the console can say so. */
  takeNewlyDue(now: number): CallbackTask[] {
    const due = this.callbacks.filter(
      (callback) => Date.parse(callback.due_at) <= now && !this.announced.has(callback.id),
    );
    for (const callback of due) this.announced.add(callback.id);

    return due;
  }

  /** Marks a callback announced (the server's callback:due came first); false if it was. */
  announce(callbackId: string): boolean {
    if (this.announced.has(callbackId)) return false;

    this.announced.add(callbackId);
    return true;
  }

  async markDone(callbackId: string): Promise<void> {
    await api.post(`/api/callbacks/${callbackId}/done`);
    this.callbacks = this.callbacks.filter((callback) => callback.id !== callbackId);
  }

  private async load<K extends ListName>(name: K, fetchList: () => Promise<this[K]>) {
    try {
      this[name] = await fetchList();
      this.failed[name] = false;
    } catch {
      this.failed[name] = true;
    }
  }
}

export const myWork = new MyWork();

function byDueTime(callbacks: CallbackTask[]): CallbackTask[] {
  return [...callbacks].sort((a, b) => Date.parse(a.due_at) - Date.parse(b.due_at));
}
