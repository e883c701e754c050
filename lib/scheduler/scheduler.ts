/**
 * The durable scheduler. Future work is a due-index entry in KV,
 * `["due", dueAt, jobId]`, written in the same atomic operation as the thing it
 * belongs to. Whatever wakes the scheduler (its own timer, a KV queue message,
 * the cron sweep) calls `runDue()`, which claims each due job with a checked
 * write — moving it to `["due", now + lease, jobId]` — and runs its handler.
 * A handler that finishes removes the job; one that crashes leaves it to come
 * due again when the lease ends. Handlers must be idempotent: wake-ups are
 * at-least-once.
 *
 * A kind registered with a lead (`handle(kind, handler, { leadMs })`) is woken
 * and claimed up to that long before it is due, so its handler can do the slow
 * part (reads, rendering) ahead and only the effect at the due time: it awaits
 * `context.untilDue()` in between, out of its worker slot. If the scheduler stops
 * first, a job claimed ahead is given back to the index at its due time (see
 * `stop`): `untilDue()` then throws `JobGivenBack`, which handlers let through.
 */
import type { Clock } from "../clock/clock.ts";
import { newId } from "../storage/ids.ts";
import { Slots } from "./slots.ts";

export interface Job<P = unknown> {
  id: string;
  kind: string;
  teamId: string;
  payload: P;
  dueAt: number;
  /** When the job was first scheduled for (for "late by" reporting). */
  scheduledFor: number;
  /** How many times it has been claimed. */
  attempt: number;
  createdAt: number;
}

/** What the owner of a job keeps to reschedule or cancel it. */
export interface JobRef {
  id: string;
  dueAt: number;
}

export interface JobContext {
  now: number;
  /** How late the job runs, in ms, relative to when it was scheduled for. */
  lateBy: number;
  /**
   * Adds the job's removal to the handler's own final write, saving a commit. Call it on the op
   * that commits: if that op fails and the handler returns anyway, the job comes due again when
   * its lease ends (handlers are idempotent, so it then finds nothing to do).
   */
  complete(op: Deno.AtomicOperation): void;
  /**
   * Resolves at the job's due time: at once when it is due, later for a job claimed ahead (see
   * `leadMs`). True when it waited: what the handler read before may have changed since. Throws
   * `JobGivenBack` when the scheduler stopped first and gave the job back: the handler must have
   * had no effect before this call, and lets the error through.
   */
  untilDue(): Promise<boolean>;
}

export interface HandlerOptions {
  /** How early jobs of this kind may be claimed, to prepare before their due time (default 0). */
  leadMs?: number;
}

export type JobHandler = (job: Job, context: JobContext) => Promise<void>;

/** Thrown by `untilDue()` for a job claimed ahead that a stopping scheduler gave back to the index. */
export class JobGivenBack extends Error {
  constructor(job: Job) {
    super(`job ${job.kind} ${job.id} was given back: the scheduler stopped before it was due`);
    this.name = "JobGivenBack";
  }
}

export interface StopOptions {
  /**
   * Jobs claimed ahead that come due by this time still run (default: none); the others are given
   * back to the index at their due time, for another instance or the next start.
   */
  finishAheadBy?: number;
}

export const dueKey = (dueAt: number, jobId: string): Deno.KvKey => ["due", dueAt, jobId];

/** Jobs claimed per commit: each takes one check and two mutations (KV allows 100 checks). */
const CLAIM_BATCH = 50;
/** Jobs listed per pass; a full page triggers another pass. */
const PASS_LIMIT = 1000;

/** Adds a job's due entry to `op` (the caller's atomic operation); returns its ref. */
function addDueEntry<P>(
  op: Deno.AtomicOperation,
  job: { kind: string; teamId: string; payload: P; dueAt: number; now: number },
): JobRef {
  const id = newId(job.now);
  const value: Job<P> = {
    id,
    kind: job.kind,
    teamId: job.teamId,
    payload: job.payload,
    dueAt: job.dueAt,
    scheduledFor: job.dueAt,
    attempt: 0,
    createdAt: job.now,
  };
  op.set(dueKey(job.dueAt, id), value);
  return { id, dueAt: job.dueAt };
}

/** Removes a job in `op`; a job that was already claimed is unaffected (its handler must re-check). */
export function removeJob(op: Deno.AtomicOperation, ref: JobRef): void {
  op.delete(dueKey(ref.dueAt, ref.id));
}

/** What wakes due jobs: this process's timer, KV queue messages, the once-a-minute cron sweep. */
export type Wakeup = "timer" | "queue" | "cron";

/** KV queues deliver at most 30 days later; longer waits are re-enqueued when they wake early. */
export const MAX_QUEUE_DELAY_MS = 30 * 24 * 3600_000;

/**
 * KV queue messages arrive some tens of milliseconds after their delay; wake-ups are enqueued this much
 * early and wait out the rest in the process, so jobs start on time.
 */
export const QUEUE_HEAD_START_MS = 250;

export interface WakeMessage {
  beacon: "wake";
  dueAt: number;
}

export function isWakeMessage(value: unknown): value is WakeMessage {
  return typeof value === "object" && value !== null && (value as WakeMessage).beacon === "wake";
}

export interface SchedulerOptions {
  /** How long a claimed job is hidden before it can be claimed again. */
  leaseMs?: number;
  /** Jobs run at once. */
  concurrency?: number;
  /** Give up on a job after this many claims. */
  maxAttempts?: number;
  /** The wake-ups in use; "cron" is driven from main.ts (Deno.cron must be registered at top level). */
  wakeups?: Wakeup[];
}

export class Scheduler {
  #handlers = new Map<string, { run: JobHandler; leadMs: number }>();
  /** The longest lead of any kind. */
  #maxLeadMs = 0;
  #slots: Slots;
  /** Jobs claimed ahead whose handlers are still running, by when they are due. */
  #ahead = new Map<Promise<void>, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;
  #running: Promise<number> | null = null;
  #rerun = false;
  #stopped = false;
  /** Resolves when `stop` is called; jobs waiting for their due time then ask `#giveBackAfter`. */
  #stopping = Promise.withResolvers<void>();
  /** Jobs claimed ahead due after this are given back (see StopOptions). */
  #giveBackAfter = -Infinity;
  readonly leaseMs: number;
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly wakeups: ReadonlySet<Wakeup>;
  /** Called with every job that ran, for logs and benchmarks. */
  onRun: ((job: Job, context: JobContext) => void) | null = null;

  constructor(private kv: Deno.Kv, private clock: Clock, options: SchedulerOptions = {}) {
    this.leaseMs = options.leaseMs ?? 120_000;
    this.concurrency = options.concurrency ?? 64;
    this.#slots = new Slots(this.concurrency);
    this.maxAttempts = options.maxAttempts ?? 8;
    this.wakeups = new Set(options.wakeups ?? ["timer", "cron"]);
  }

  get useTimer(): boolean {
    return this.wakeups.has("timer");
  }

  /**
   * Adds a job to the caller's atomic operation: its due entry and, with queue
   * wake-ups, a delayed KV queue message committed in the same operation.
   */
  add<P>(
    op: Deno.AtomicOperation,
    job: { kind: string; teamId: string; payload: P; dueAt: number; now: number },
  ): JobRef {
    const ref = addDueEntry(op, job);
    if (this.wakeups.has("queue")) this.#enqueueWake(op, job.dueAt - this.#leadOf(job.kind), job.now);
    return ref;
  }

  /** How early jobs of `kind` are woken and claimed. */
  #leadOf(kind: string): number {
    return this.#handlers.get(kind)?.leadMs ?? 0;
  }

  /**
   * When a job may be claimed: its kind's lead before it is due, for a job never claimed; a claimed
   * job's entry is its lease, which ends when it ends (its handler may still be running).
   */
  #claimableAt(job: Job): number {
    return job.dueAt - (job.attempt === 0 ? this.#leadOf(job.kind) : 0);
  }

  /** Enqueues a wake-up for `wakeAt` (a due time less its kind's lead). */
  #enqueueWake(op: Deno.AtomicOperation | Deno.Kv, wakeAt: number, now: number) {
    const delay = Math.min(Math.max(0, wakeAt - QUEUE_HEAD_START_MS - now), MAX_QUEUE_DELAY_MS);
    const message: WakeMessage = { beacon: "wake", dueAt: wakeAt };
    return op.enqueue(message, { delay });
  }

  /**
   * Handles a KV queue message: waits out its head start (see QUEUE_HEAD_START_MS) and runs what is
   * due, or re-enqueues a wake-up that came long before its time (waits beyond the 30-day maximum).
   */
  async onQueueMessage(message: WakeMessage): Promise<void> {
    const early = message.dueAt - this.clock.now();
    if (early > 1000) {
      await this.#enqueueWake(this.kv, message.dueAt, this.clock.now());
      return;
    }
    if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
    await this.runDue();
  }

  handle(kind: string, handler: JobHandler, options: HandlerOptions = {}): void {
    const leadMs = options.leadMs ?? 0;
    this.#handlers.set(kind, { run: handler, leadMs });
    this.#maxLeadMs = Math.max(this.#maxLeadMs, leadMs);
  }

  /** Claims and runs every job due now. Concurrent calls share one pass (and trigger one more). */
  runDue(): Promise<number> {
    if (this.#stopped) return Promise.resolve(0);
    if (this.#running) {
      this.#rerun = true;
      return this.#running;
    }
    this.#running = (async () => {
      let total = 0;
      try {
        do {
          this.#rerun = false;
          total += await this.#pass();
        } while (this.#rerun && !this.#stopped);
      } finally {
        this.#running = null;
        await this.#armTimer();
      }
      return total;
    })();
    return this.#running;
  }

  /** Runs due jobs until none is left at the current time, and waits for those claimed ahead that are due. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const ran = await this.runDue();
      total += ran;
      const now = this.clock.now();
      await Promise.all([...this.#ahead].filter(([, runAt]) => runAt <= now).map(([run]) => run));
      if (ran === 0 && !(await this.#hasDue())) return total;
    }
  }

  /** Tells this instance that a job is due at `dueAt`, so its own timer can wake it. */
  wake(dueAt: number): void {
    if (!this.useTimer || this.#stopped) return;
    // The job's kind is not known here: wake as early as the longest lead (a pass then finds nothing
    // early for kinds without one, and re-arms the timer for them).
    const wakeAt = dueAt - this.#maxLeadMs;
    if (wakeAt >= this.#timerAt) return;
    this.#setTimer(wakeAt);
  }

  /** Arms the timer for the earliest job in the index (start-up, after each pass). */
  async start(): Promise<void> {
    if (this.#stopped) this.#stopping = Promise.withResolvers();
    this.#stopped = false;
    await this.#armTimer();
  }

  /**
   * Stops waking and claiming (until `start`). Jobs claimed ahead of their time are given back to
   * the index as they were (another instance, or this one's next start, runs them when due, rather
   * than when their lease ends), except those due by `finishAheadBy`, which still run. Resolves once
   * the pass under way, if any, has run its jobs, and every job claimed ahead has run or gone back.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    this.#stopped = true;
    this.#giveBackAfter = options.finishAheadBy ?? -Infinity;
    this.#stopping.resolve();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
    await this.#running?.catch(() => {});
    await Promise.all(this.#ahead.keys());
  }

  /**
   * Puts a job claimed ahead back in the index as it was before the claim (same due time, same
   * attempt count), with a queue wake-up where queues are used; unless its lease changed meanwhile,
   * when another claim has it and the job is left to that one.
   */
  async #giveBack({ entry, key, versionstamp }: Claim): Promise<void> {
    const op = this.kv.atomic().check({ key, versionstamp }).delete(key).set(entry.key, entry.value);
    if (this.wakeups.has("queue")) {
      this.#enqueueWake(op, this.#claimableAt(entry.value), this.clock.now());
    }
    await op.commit();
  }

  async #hasDue(): Promise<boolean> {
    for await (
      const _ of this.kv.list({ prefix: ["due"], end: dueKey(this.clock.now() + 1, "") }, { limit: 1 })
    ) {
      return true;
    }
    return false;
  }

  async #armTimer(): Promise<void> {
    if (!this.useTimer || this.#stopped) return;
    for await (const entry of this.kv.list<Job>({ prefix: ["due"] }, { limit: 1 })) {
      this.#setTimer(this.#claimableAt(entry.value));
      return;
    }
  }

  #setTimer(wakeAt: number) {
    clearTimeout(this.#timer);
    this.#timerAt = wakeAt;
    // Timers are capped so a far-future job (or a clock jump) is re-checked hourly.
    const delay = Math.min(Math.max(0, wakeAt - this.clock.now()), 3_600_000);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.runDue().catch((error) => console.error("scheduler pass failed", error));
    }, delay);
  }

  async #pass(): Promise<number> {
    const now = this.clock.now();
    const due: Deno.KvEntry<Job>[] = [];
    let listed = 0;
    const end = dueKey(now + this.#maxLeadMs + 1, "");
    for await (const entry of this.kv.list<Job>({ prefix: ["due"], end }, { limit: PASS_LIMIT })) {
      listed++;
      const handler = this.#handlers.get(entry.value.kind);
      if (handler && this.#claimableAt(entry.value) <= now) due.push(entry);
    }
    // Jobs start as soon as their batch is claimed, while the next batch is being claimed. The pass
    // waits for the jobs due now, not for those claimed ahead (drain() can).
    const runs: Promise<void>[] = [];
    let claimed = 0;
    for (let i = 0; i < due.length; i += CLAIM_BATCH) {
      for (const claim of await this.#claim(due.slice(i, i + CLAIM_BATCH), now)) {
        claimed++;
        const run = this.#slots.hold(() => this.#run(claim, now));
        if (claim.runAt <= now) runs.push(run);
        else {
          this.#ahead.set(run, claim.runAt);
          const forget = () => this.#ahead.delete(run);
          run.then(forget, forget);
        }
      }
    }
    await Promise.all(runs);
    if (listed === PASS_LIMIT) this.#rerun = true;
    return claimed;
  }

  /**
   * Claims `entries` in one checked commit. If another wake-up got some of them
   * first, the commit fails as a whole and each is claimed on its own instead.
   */
  async #claim(entries: Deno.KvEntry<Job>[], now: number): Promise<Claim[]> {
    const claimOf = (entry: Deno.KvEntry<Job>) => {
      // A job claimed ahead of its due time is leased from that time.
      const runAt = Math.max(now, entry.value.dueAt);
      const job: Job = { ...entry.value, attempt: entry.value.attempt + 1, dueAt: runAt + this.leaseMs };
      return { entry, job, key: dueKey(job.dueAt, job.id), runAt };
    };
    const claimAll = async (batch: Deno.KvEntry<Job>[]) => {
      const op = this.kv.atomic();
      const claimed = batch.map(claimOf);
      for (const { entry, job, key } of claimed) {
        op.check(entry).delete(entry.key);
        if (job.attempt <= this.maxAttempts) op.set(key, job);
      }
      const result = await op.commit();
      return result.ok
        ? claimed.map(({ entry, job, key, runAt }) => ({
          job,
          key,
          versionstamp: result.versionstamp,
          runAt,
          entry,
        }))
        : null;
    };
    const claimed = (await claimAll(entries)) ??
      (await Promise.all(entries.map((entry) => claimAll([entry])))).flatMap((c) => c ?? []);
    return claimed.filter(({ job }) => {
      if (job.attempt <= this.maxAttempts) return true;
      console.error(`job ${job.kind} ${job.id} dropped after ${this.maxAttempts} attempts`);
      return false;
    });
  }

  async #run(claim: Claim, now: number): Promise<void> {
    const { job, key, runAt } = claim;
    const handler = this.#handlers.get(job.kind)!;
    let completed = false;
    const context: JobContext = {
      now,
      lateBy: Math.max(0, now - job.scheduledFor),
      complete: (op) => {
        op.delete(key);
        completed = true;
      },
      untilDue: async () => {
        if (runAt <= this.clock.now()) return false;
        await this.#slots.waitOutside(async () => {
          await Promise.race([this.clock.until(runAt), this.#stopping.promise]);
          if (this.#stopped && runAt > this.#giveBackAfter && runAt > this.clock.now()) {
            await this.#giveBack(claim);
            throw new JobGivenBack(job);
          }
          await this.clock.until(runAt);
        });
        return true;
      },
    };
    try {
      await handler.run(job, context);
      // A stray delete is harmless: a re-claim after the lease moves the job to a new key.
      if (!completed) await this.kv.delete(key);
      this.onRun?.(job, context);
    } catch (error) {
      if (error instanceof JobGivenBack) return;
      const next = job.attempt < this.maxAttempts ? "it runs again when its lease ends" : "giving up";
      console.error(
        `job ${job.kind} ${job.id} failed (attempt ${job.attempt} of ${this.maxAttempts}); ${next}`,
        error,
      );
    }
  }
}

interface Claim {
  job: Job;
  /** Where the claimed job waits out its lease, and the claim's versionstamp there. */
  key: Deno.KvKey;
  versionstamp: string;
  /** The job's entry as it was before the claim (what giving it back restores). */
  entry: Deno.KvEntry<Job>;
  /** When its effect is due: the claim time, or later for a job claimed ahead. */
  runAt: number;
}
