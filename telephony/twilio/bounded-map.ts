/**
 * A Map that forgets its oldest entries past a capacity. Twilio's callbacks for a call are spread
 * over minutes and some never come (a lost status callback), so what a process remembers about
 * calls must not grow without end; forgetting is safe because the pipeline's conditional updates
 * stay correct without it.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    // Re-inserting moves the key to the young end, so busy calls are forgotten last.
    this.entries.delete(key);
    this.entries.set(key, value);

    if (this.entries.size <= this.capacity) return;
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
