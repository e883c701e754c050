/** The Clock port: the system clock in production, a controllable one in tests. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock tests control. Frozen by default (moves only when told); with
 * `running`, it follows real time plus whatever it was advanced by, for
 * end-to-end tests that need both live pages and a jump to tomorrow.
 */
export class ManualClock implements Clock {
  #ms: number;
  #offset = 0;
  constructor(ms: number = Date.parse("2026-03-02T09:00:00Z"), private running = false) {
    this.#ms = ms;
  }
  now(): number {
    return this.running ? Date.now() + this.#offset : this.#ms;
  }
  set(ms: number | string): void {
    const target = typeof ms === "string" ? Date.parse(ms) : ms;
    if (this.running) this.#offset = target - Date.now();
    else this.#ms = target;
  }
  advance(ms: number): void {
    if (this.running) this.#offset += ms;
    else this.#ms += ms;
  }
}
