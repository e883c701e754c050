/**
 * A fixed number of slots for running work at once (a counting semaphore): the scheduler's worker pool.
 * A task can step out of its slot while it only waits, and queues for one again after.
 */
export class Slots {
  #free: number;
  #waiting: (() => void)[] = [];

  constructor(size: number) {
    if (!(size >= 1)) throw new RangeError(`Slots: size must be at least 1, got ${size}`);
    this.#free = size;
  }

  /** Runs `task` once a slot is free, in the order asked; the slot is freed when it settles. */
  async hold<T>(task: () => Promise<T>): Promise<T> {
    await this.#acquire();
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  /** From inside `hold`: frees the slot while `wait` (which uses nothing, a timer) runs, then queues for one. */
  async waitOutside<T>(wait: () => Promise<T>): Promise<T> {
    this.#release();
    try {
      return await wait();
    } finally {
      await this.#acquire();
    }
  }

  #acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}
