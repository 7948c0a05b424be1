import type { Logger } from 'pino';
import type { SimProvider } from './sim-provider';

export interface TrafficOptions {
  callsPerMinute: number;
  companyNumber: string;
  knownNumbers: () => Promise<string[]>;
  logger: Logger;
}

/**
 * Demo traffic: callers dial in at random intervals averaging the configured rate, some from
 * known customers' numbers and some new; a few give up while ringing.
 */
export class TrafficGenerator {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly sim: SimProvider,
    private readonly options: TrafficOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;

    // Exponential gaps make arrivals a Poisson process, like real callers.
    const meanMs = 60_000 / this.options.callsPerMinute;
    const gap = -Math.log(1 - Math.random()) * meanMs;
    this.timer = setTimeout(() => void this.placeCall().finally(() => this.schedule()), gap);
    this.timer.unref();
  }

  private async placeCall(): Promise<void> {
    try {
      const known = await this.options.knownNumbers();
      const from =
        known.length > 0 && Math.random() < 0.7
          ? (known[Math.floor(Math.random() * known.length)] ?? randomNumber())
          : randomNumber();
      const id = await this.sim.simulateInbound({ from, to: this.options.companyNumber });

      // Some callers give up if nobody answers within half a minute.
      if (Math.random() < 0.3) {
        const giveUp = setTimeout(() => void this.sim.hangup(id).catch(() => undefined), 30_000);
        giveUp.unref();
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, 'the traffic generator could not place a call');
    }
  }
}

function randomNumber(): string {
  const digits = String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
  const forms = [
    `+7 9${digits.slice(0, 2)} ${digits.slice(2, 5)} ${digits.slice(5)}`,
    `89${digits}`,
  ];
  return forms[Math.floor(Math.random() * forms.length)] ?? `+79${digits}`;
}
