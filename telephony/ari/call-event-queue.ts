import type { Logger } from 'pino';
import type { EventSink, TelephonyEvent } from '../provider';

/**
 * Hands events to the server's sink one at a time per call, in the order they were pushed, while
 * different calls proceed side by side. A slow sink delays only its own call's later events.
 */
export class CallEventQueue {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly sink: EventSink,
    private readonly logger: Logger,
  ) {}

  push(event: TelephonyEvent): Promise<void> {
    const key = event.providerCallId;
    const delivered = (this.tails.get(key) ?? Promise.resolve()).then(() => this.deliver(event));

    this.tails.set(key, delivered);
    void delivered.then(() => {
      if (this.tails.get(key) === delivered) this.tails.delete(key);
    });
    return delivered;
  }

  /** Resolves when every event pushed so far has been handed over. */
  async drain(): Promise<void> {
    await Promise.all(this.tails.values());
  }

  private async deliver(event: TelephonyEvent): Promise<void> {
    try {
      await this.sink(event);
    } catch (error) {
      // The sink is the server's; the adapter cannot redo its work, and must go on delivering
      // the events that follow. The event itself is in the log line for whoever investigates.
      this.logger.error(
        { err: error, type: event.type, providerCallId: event.providerCallId },
        'the server failed to take a telephony event',
      );
    }
  }
}
