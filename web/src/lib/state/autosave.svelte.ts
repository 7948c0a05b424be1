import { ApiError } from '$lib/api/api-error';

export type SaveStatus = 'idle' | 'pending' | 'saving' | 'saved' | 'failed' | 'rejected';

/** Waits between a failed save and the next try; the last step repeats. */
const RETRY_DELAYS_MS = [1000, 2000, 5000, 10_000, 20_000, 30_000];

export interface AutosaveOptions {
  /** Sends the changes (the latest value per key); throws ApiError on failure. */
  send: (changes: Map<string, unknown>) => Promise<void>;
  delayMs?: number;
}

/**
 * Saves edits as they are typed: each change is kept under its key (the latest value wins),
 * sent after a pause in typing, and on a temporary failure put back and retried with growing
 * waits. Values keep living in the inputs; this only moves them to the server, so no keystroke
 * is ever overwritten by a save.
 */
export class Autosave {
  status = $state<SaveStatus>('idle');
  /** When the next retry runs (epoch ms), while status is 'failed'. */
  retryAt = $state(0);
  /** The server's message when it refused the values (status 'rejected'). */
  error = $state('');

  private readonly pending = new Map<string, unknown>();
  private inFlight = new Map<string, unknown>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private running: Promise<void> | undefined;

  constructor(private readonly options: AutosaveOptions) {}

  change(key: string, value: unknown): void {
    this.pending.set(key, value);
    if (this.status !== 'saving') this.status = 'pending';
    this.schedule(this.options.delayMs ?? 600);
  }

  /** True while a key has a value the server has not confirmed; remote edits must not touch it. */
  isDirty(key: string): boolean {
    return this.pending.has(key) || this.inFlight.has(key);
  }

  get hasUnsaved(): boolean {
    return this.pending.size > 0 || this.inFlight.size > 0;
  }

  /** Saves now what waits (on leaving a page, or the "retry now" button). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    return this.save();
  }

  destroy(): void {
    clearTimeout(this.timer);
    if (this.pending.size > 0) void this.save();
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.save(), delayMs);
  }

  private async save(): Promise<void> {
    if (this.running) {
      // One request at a time keeps the order of saves the order of typing.
      await this.running;
      if (this.pending.size > 0) this.schedule(0);
      return;
    }
    if (this.pending.size === 0) return;

    this.running = this.sendPending();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async sendPending(): Promise<void> {
    this.inFlight = new Map(this.pending);
    this.pending.clear();
    this.status = 'saving';

    try {
      await this.options.send(this.inFlight);
      this.inFlight = new Map();
      this.attempt = 0;
      this.error = '';
      this.status = this.pending.size > 0 ? 'pending' : 'saved';
      if (this.pending.size > 0) this.schedule(0);
    } catch (error) {
      this.putBack();
      this.fail(error);
    }
  }

  /** Failed values go back under their keys unless newer typing replaced them meanwhile. */
  private putBack(): void {
    for (const [key, value] of this.inFlight) {
      if (!this.pending.has(key)) this.pending.set(key, value);
    }
    this.inFlight = new Map();
  }

  private fail(error: unknown): void {
    const temporary = !(error instanceof ApiError) || error.temporary;
    if (!temporary) {
      // The values themselves were refused; sending them again cannot help, the next edit will.
      this.status = 'rejected';
      this.error = error.message;
      return;
    }

    const delay = RETRY_DELAYS_MS[Math.min(this.attempt, RETRY_DELAYS_MS.length - 1)] ?? 30_000;
    this.attempt += 1;
    this.status = 'failed';
    this.retryAt = Date.now() + delay;
    this.schedule(delay);
  }
}
