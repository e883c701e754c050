/**
 * The composer's autosave queue. A change is saved after a short pause; the first save creates the draft
 * (POST), later ones update it (PATCH). Never two requests at once for a draft: changes made while a save
 * is in flight are saved right after it, with the latest state. Network trouble is retried with backoff;
 * the user's work stays in the page meanwhile. When the page is hidden or left, what is pending is saved at once,
 * with a request that outlives the page. Plain TypeScript (timers and callbacks), tested alone.
 */

export type SaveStatus =
  | { kind: "idle" }
  | { kind: "pending" }
  | { kind: "saving" }
  | { kind: "saved"; at: number }
  | { kind: "error"; message: string; retrying: boolean };

/** What to do after a failed save, decided by the owner from the error. */
export type FailureAction = "retry_now" | "retry_later" | "stop";

export interface SaverOptions<P, R extends { id: string }> {
  id: string | null;
  /** The state to save, read when a request starts (so it is always the latest). */
  snapshot(): P;
  /** POSTs (id null) or PATCHes the draft; `keepalive`: the request must outlive the page. */
  request(id: string | null, payload: P, options: { keepalive: boolean }): Promise<R>;
  onStatus(status: SaveStatus): void;
  onSaved(response: R, payload: P): void;
  /** Called once, when the first save created the draft. */
  onCreated?(id: string): void;
  onFailure(error: unknown, payload: P): { action: FailureAction; message: string };
  /** When the response was last saved (for "Saved 10:42"). */
  savedAt(response: R): number;
  debounceMs?: number;
  /** Delays between retries after network errors; the last one repeats. */
  backoffMs?: number[];
  setTimer?: (fn: () => void, ms: number) => number;
  clearTimer?: (id: number) => void;
}

export class DraftSaver<P, R extends { id: string }> {
  id: string | null;
  private dirty = false;
  private running: Promise<void> | null = null;
  private timer: number | null = null;
  private attempts = 0;
  private stopped = false;
  private failed: { message: string } | null = null;
  private lastFailure: string | null = null;
  private leaving = false;
  private readonly o:
    & Required<Pick<SaverOptions<P, R>, "debounceMs" | "backoffMs" | "setTimer" | "clearTimer">>
    & SaverOptions<P, R>;

  constructor(options: SaverOptions<P, R>) {
    this.o = {
      debounceMs: 800,
      backoffMs: [1000, 2000, 5000, 10_000, 30_000],
      setTimer: (fn, ms) => setTimeout(fn, ms) as unknown as number,
      clearTimer: (id) => clearTimeout(id),
      ...options,
    };
    this.id = options.id;
  }

  /** Changes exist that the server does not have yet (or a save is under way). */
  get unsaved(): boolean {
    return this.dirty || this.running !== null;
  }

  /** Something changed: save after the pause. */
  change(): void {
    if (this.stopped) return;
    this.dirty = true;
    this.failed = null;
    this.attempts = 0;
    if (!this.running) this.o.onStatus({ kind: "pending" });
    this.schedule(this.o.debounceMs);
  }

  /** Save now (a deliberate action such as Follow), even with nothing changed. */
  saveNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.dirty = true;
    this.failed = null;
    this.attempts = 0;
    return this.run();
  }

  /**
   * The page is being hidden or left: what is pending is saved now, not after the pause (which may never
   * come), with a request that outlives the page. A save under way is let finish: starting another beside it
   * could create the draft twice or land before it.
   */
  leave(): void {
    if (this.stopped || !this.dirty || this.running || this.failed) return;
    this.leaving = true;
    void this.run();
  }

  /**
   * Saves whatever is pending and waits until the server has it all. Creates the draft when there is
   * none yet. Rejects with the reason when the save fails.
   */
  async flush(): Promise<string> {
    if (this.stopped) throw new Error("This draft is closed.");
    if (this.id === null || this.failed) this.dirty = true;
    this.failed = null;
    this.attempts = 0;
    while (this.dirty || this.running) {
      if (this.running) {
        await this.running;
        continue;
      }
      this.lastFailure = null;
      await this.run();
      if (this.lastFailure) throw new Error(this.lastFailure);
    }
    if (this.id === null) throw new Error("The draft could not be created.");
    return this.id;
  }

  /** Waits for a save in flight (without starting one). */
  async settle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Saves again after `stop()` (discarding failed). */
  resume(): void {
    this.stopped = false;
  }

  /** No more saves (the draft was sent or discarded). */
  stop(): void {
    this.stopped = true;
    this.dirty = false;
    if (this.timer !== null) this.o.clearTimer(this.timer);
    this.timer = null;
  }

  private schedule(ms: number) {
    if (this.timer !== null) this.o.clearTimer(this.timer);
    this.timer = this.o.setTimer(() => {
      this.timer = null;
      void this.run();
    }, ms);
  }

  private run(): Promise<void> {
    if (this.timer !== null) {
      this.o.clearTimer(this.timer);
      this.timer = null;
    }
    if (this.running) return this.running;
    if (!this.dirty || this.stopped) return Promise.resolve();
    this.running = this.loop().finally(() => this.running = null);
    return this.running;
  }

  private async loop(): Promise<void> {
    while (this.dirty && !this.stopped) {
      this.dirty = false;
      const payload = this.o.snapshot();
      const keepalive = this.leaving;
      this.leaving = false;
      this.o.onStatus({ kind: "saving" });
      let response: R;
      try {
        response = await this.o.request(this.id, payload, { keepalive });
      } catch (error) {
        if (this.stopped) return;
        this.dirty = true;
        const { action, message } = this.o.onFailure(error, payload);
        this.lastFailure = message;
        if (action === "retry_now" && this.attempts++ < 3) {
          this.lastFailure = null;
          continue;
        }
        if (action === "retry_later") {
          const delays = this.o.backoffMs;
          const delay = delays[Math.min(this.attempts++, delays.length - 1)];
          this.o.onStatus({ kind: "error", message, retrying: true });
          this.schedule(delay);
        } else {
          this.failed = { message };
          this.o.onStatus({ kind: "error", message, retrying: false });
        }
        return;
      }
      // A draft this save made is known even when saving stopped meanwhile (a discard waits for this save,
      // then deletes what it made).
      if (this.id === null) {
        this.id = response.id;
        this.o.onCreated?.(response.id);
      }
      if (this.stopped) return;
      this.attempts = 0;
      this.o.onSaved(response, payload);
      if (!this.dirty) this.o.onStatus({ kind: "saved", at: this.o.savedAt(response) });
    }
  }
}
