/** The Clock port: the system clock in production, a controllable one in tests. */
export interface Clock {
  now(): number;
  /** Resolves once the clock reads `at` or later. */
  until(at: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  until: (at) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now()))),
};

/**
 * A clock tests control. Frozen by default (moves only when told); with
 * `running`, it follows real time plus whatever it was advanced by, for
 * end-to-end tests that need both live pages and a jump to tomorrow.
 */
export class ManualClock implements Clock {
  #ms: number;
  #offset = 0;
  #waiters: { at: number; resolve: () => void }[] = [];
  constructor(ms: number = Date.parse("2026-03-02T09:00:00Z"), private running = false) {
    this.#ms = ms;
  }
  now(): number {
    return this.running ? Date.now() + this.#offset : this.#ms;
  }
  /** Resolves when `set` or `advance` reach `at` (or, for a running clock, when real time does). */
  until(at: number): Promise<void> {
    if (this.now() >= at) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiters.push({ at, resolve });
      if (this.running) this.#wakeAt(at);
    });
  }
  set(ms: number | string): void {
    const target = typeof ms === "string" ? Date.parse(ms) : ms;
    if (this.running) this.#offset = target - Date.now();
    else this.#ms = target;
    this.#settle();
  }
  advance(ms: number): void {
    if (this.running) this.#offset += ms;
    else this.#ms += ms;
    this.#settle();
  }
  /** A running clock also settles by real time (re-armed if a timer fires a little early). */
  #wakeAt(at: number): void {
    setTimeout(() => this.now() >= at ? this.#settle() : this.#wakeAt(at), Math.max(1, at - this.now()));
  }
  #settle(): void {
    const now = this.now();
    const due = this.#waiters.filter((w) => w.at <= now);
    this.#waiters = this.#waiters.filter((w) => w.at > now);
    for (const w of due) w.resolve();
  }
}
