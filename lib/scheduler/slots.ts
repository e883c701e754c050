/** A fixed number of slots for running work at once (a counting semaphore): the scheduler's worker pool. */
export class Slots {
  #free: number;
  #waiting: (() => void)[] = [];

  constructor(size: number) {
    if (!(size >= 1)) throw new RangeError(`Slots: size must be at least 1, got ${size}`);
    this.#free = size;
  }

  /** Runs `task` once a slot is free, in the order asked; the slot is freed when it settles. */
  async hold<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}
