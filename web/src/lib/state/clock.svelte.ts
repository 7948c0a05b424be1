/**
 * One ticking clock for every timer on screen (call duration, wrap-up, retry countdowns, due
 * callbacks), so a page with ten timers still wakes up once a second.
 */
class Clock {
  now = $state(Date.now());
  private timer: ReturnType<typeof setInterval> | undefined;
  private users = 0;

  /** Starts ticking while at least one user holds it; returns the release. */
  hold(): () => void {
    this.users += 1;
    if (this.users === 1) {
      this.now = Date.now();
      this.timer = setInterval(() => (this.now = Date.now()), 1000);
    }

    return () => {
      this.users -= 1;
      if (this.users === 0) clearInterval(this.timer);
    };
  }

  secondsSince(iso: string): number {
    return (this.now - Date.parse(iso)) / 1000;
  }
}

export const clock = new Clock();
