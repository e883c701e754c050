import assert from "node:assert/strict";
import { ManualClock, systemClock } from "../clock/clock.ts";
import {
  isWakeMessage,
  type Job,
  type JobContext,
  MAX_QUEUE_DELAY_MS,
  QUEUE_HEAD_START_MS,
  removeJob,
  Scheduler,
} from "./scheduler.ts";

async function setup(options: ConstructorParameters<typeof Scheduler>[2] = {}) {
  const kv = await Deno.openKv(":memory:");
  const clock = new ManualClock(Date.parse("2026-03-02T09:00:00Z"));
  const scheduler = new Scheduler(kv, clock, { wakeups: ["cron"], ...options });
  const ran: Job[] = [];
  scheduler.handle("note", (job) => {
    ran.push(job);
    return Promise.resolve();
  });
  const add = async (dueAt: number) => {
    const op = kv.atomic();
    const ref = scheduler.add(op, {
      kind: "note",
      teamId: "t",
      payload: { n: ran.length },
      dueAt,
      now: clock.now(),
    });
    await op.commit();
    return ref;
  };
  return { kv, clock, scheduler, ran, add, [Symbol.dispose]: () => kv.close() };
}

Deno.test("scheduler - runs a job when it is due, not before", async () => {
  using s = await setup();
  await s.add(s.clock.now() + 60_000);
  assert.equal(await s.scheduler.runDue(), 0);
  s.clock.advance(60_000);
  assert.equal(await s.scheduler.runDue(), 1);
  assert.equal(s.ran.length, 1);
  assert.equal(await s.scheduler.runDue(), 0, "done jobs are gone");
  assert.equal((await Array.fromAsync(s.kv.list({ prefix: ["due"] }))).length, 0);
});

Deno.test("scheduler - a kind with a lead is claimed ahead and waits for its time; others are not", async () => {
  using s = await setup();
  const start = s.clock.now();
  const steps: string[] = [];
  s.scheduler.handle("send", async (job, context) => {
    steps.push(`prepare ${job.id}`);
    const waited = await context.untilDue();
    steps.push(`send at ${s.clock.now() - start} waited=${waited}`);
  }, { leadMs: 3000 });
  const op = s.kv.atomic();
  const ref = s.scheduler.add(op, {
    kind: "send",
    teamId: "t",
    payload: {},
    dueAt: start + 10_000,
    now: start,
  });
  await op.commit();
  await s.add(start + 9_000); // a "note" without a lead, due before the send
  s.clock.set(start + 6_000);
  assert.equal(await s.scheduler.drain(), 0, "too early for both");
  s.clock.set(start + 8_000);
  assert.equal(await s.scheduler.drain(), 1, "the send is claimed ahead; the note is not due");
  assert.deepEqual(steps, [`prepare ${ref.id}`]);
  assert.equal(s.ran.length, 0);
  assert.equal(await s.scheduler.runDue(), 0, "a second wake-up in the window finds it claimed");
  s.clock.set(start + 10_000);
  await s.scheduler.drain();
  assert.deepEqual(steps, [`prepare ${ref.id}`, "send at 10000 waited=true"]);
  assert.equal(s.ran.length, 1);
  assert.equal((await Array.fromAsync(s.kv.list({ prefix: ["due"] }))).length, 0);
});

Deno.test("scheduler - concurrent wake-ups run a job once", async () => {
  using s = await setup();
  for (let i = 0; i < 20; i++) await s.add(s.clock.now());
  const other = new Scheduler(s.kv, s.clock, { wakeups: ["cron"] });
  other.handle("note", (job) => {
    s.ran.push(job);
    return Promise.resolve();
  });
  await Promise.all([s.scheduler.runDue(), other.runDue(), s.scheduler.runDue(), other.runDue()]);
  assert.equal(s.ran.length, 20);
  assert.equal(new Set(s.ran.map((j) => j.id)).size, 20);
});

Deno.test("scheduler - many due jobs are claimed in batches, and a lost batch falls back to one by one", async () => {
  using s = await setup();
  for (let i = 0; i < 120; i++) await s.add(s.clock.now());
  // Another instance claims one job of the first batch between this one's listing and claiming.
  const [first] = await Array.fromAsync(s.kv.list<Job>({ prefix: ["due"] }, { limit: 1 }));
  const list = s.kv.list.bind(s.kv);
  s.kv.list = (async function* (selector: Deno.KvListSelector, options?: Deno.KvListOptions) {
    const entries = await Array.fromAsync(list<Job>(selector, options));
    s.kv.list = list;
    await s.kv.atomic().check(first).delete(first.key).set(["due", first.value.dueAt + 60_000, "x"], 1)
      .commit();
    yield* entries;
  }) as unknown as typeof s.kv.list;
  assert.equal(await s.scheduler.runDue(), 119);
  assert.equal(new Set(s.ran.map((j) => j.id)).size, 119);
  assert.ok(
    !s.ran.some((j) => j.id === first.value.id),
    "the job the other instance claimed is not run here",
  );
});

Deno.test("scheduler - complete(op) removes the job in the handler's own write", async () => {
  using s = await setup();
  let failFirst = true;
  s.scheduler.handle("own", async (_job, context) => {
    for (;;) {
      const op = s.kv.atomic().set(["done"], true);
      context.complete(op);
      if (failFirst) {
        failFirst = false;
        op.check({ key: ["done"], versionstamp: "00000000000000000000" }); // this attempt does not commit
        if ((await op.commit()).ok) throw new Error("should not commit");
        continue;
      }
      await op.commit();
      return;
    }
  });
  const op = s.kv.atomic();
  s.scheduler.add(op, { kind: "own", teamId: "t", payload: {}, dueAt: s.clock.now(), now: s.clock.now() });
  await op.commit();
  assert.equal(await s.scheduler.runDue(), 1);
  assert.equal((await s.kv.get(["done"])).value, true);
  assert.equal((await Array.fromAsync(s.kv.list({ prefix: ["due"] }))).length, 0);
});

Deno.test("scheduler - a job completed in a write that never committed runs again after its lease", async () => {
  using s = await setup({ leaseMs: 1000 });
  const runs: number[] = [];
  s.scheduler.handle("lost", (job, context) => {
    runs.push(job.attempt);
    if (job.attempt === 1) context.complete(s.kv.atomic()); // never committed
    return Promise.resolve();
  });
  const op = s.kv.atomic();
  s.scheduler.add(op, { kind: "lost", teamId: "t", payload: {}, dueAt: s.clock.now(), now: s.clock.now() });
  await op.commit();
  await s.scheduler.runDue();
  s.clock.advance(1001);
  await s.scheduler.runDue();
  assert.deepEqual(runs, [1, 2]);
  assert.equal((await Array.fromAsync(s.kv.list({ prefix: ["due"] }))).length, 0);
});

Deno.test("scheduler - a job whose handler dies runs again after its lease, then is dropped", async () => {
  using s = await setup({ leaseMs: 1000, maxAttempts: 3 });
  let calls = 0;
  s.scheduler.handle("flaky", () => {
    calls++;
    return Promise.reject(new Error("boom"));
  });
  const op = s.kv.atomic();
  s.scheduler.add(op, { kind: "flaky", teamId: "t", payload: {}, dueAt: s.clock.now(), now: s.clock.now() });
  await op.commit();
  await s.scheduler.runDue();
  assert.equal(calls, 1);
  await s.scheduler.runDue();
  assert.equal(calls, 1, "hidden during its lease");
  for (let i = 0; i < 5; i++) {
    s.clock.advance(1001);
    await s.scheduler.runDue();
  }
  assert.equal(calls, 3, "at most maxAttempts");
  assert.equal((await Array.fromAsync(s.kv.list({ prefix: ["due"] }))).length, 0);
});

Deno.test("scheduler - a removed job never runs; the late report says how late", async () => {
  using s = await setup();
  const ref = await s.add(s.clock.now() + 1000);
  const op = s.kv.atomic();
  removeJob(op, ref);
  await op.commit();
  await s.add(s.clock.now() + 2000);
  s.clock.advance(3 * 3600_000);
  let lateBy = 0;
  s.scheduler.onRun = (_job, context) => lateBy = context.lateBy;
  assert.equal(await s.scheduler.runDue(), 1);
  assert.equal(lateBy, 3 * 3600_000 - 2000);
});

Deno.test("scheduler - queue wake-ups are committed with the job and run it", async () => {
  using s = await setup({ wakeups: ["queue", "cron"] });
  const woke = Promise.withResolvers<void>();
  s.kv.listenQueue(async (message) => {
    if (isWakeMessage(message)) {
      s.clock.set(message.dueAt);
      await s.scheduler.onQueueMessage(message);
      woke.resolve();
    }
  });
  await s.add(s.clock.now() + 50);
  await woke.promise;
  assert.equal(s.ran.length, 1);
});

Deno.test("scheduler - a queue wake-up comes ahead of the due time and waits for it: never early", async () => {
  const kv = await Deno.openKv(":memory:");
  const scheduler = new Scheduler(kv, systemClock, { wakeups: ["queue", "cron"] });
  const ran = Promise.withResolvers<number>();
  scheduler.handle("note", () => {
    ran.resolve(Date.now());
    return Promise.resolve();
  });
  kv.listenQueue(async (message) => {
    if (isWakeMessage(message)) await scheduler.onQueueMessage(message);
  });
  const dueAt = Date.now() + QUEUE_HEAD_START_MS + 400;
  const op = kv.atomic();
  scheduler.add(op, { kind: "note", teamId: "t", payload: {}, dueAt, now: Date.now() });
  await op.commit();
  const at = await ran.promise;
  assert.ok(at >= dueAt, `ran ${dueAt - at} ms early`);
  await scheduler.stop();
  kv.close();
});

Deno.test("scheduler - a wake-up beyond the queue's 30-day limit is re-enqueued, not run early", async () => {
  using s = await setup({ wakeups: ["queue", "cron"] });
  const dueAt = s.clock.now() + MAX_QUEUE_DELAY_MS + 5 * 86_400_000;
  await s.add(dueAt);
  s.clock.advance(MAX_QUEUE_DELAY_MS);
  await s.scheduler.onQueueMessage({ beacon: "wake", dueAt });
  assert.equal(s.ran.length, 0, "not yet due");
  s.clock.set(dueAt);
  await s.scheduler.onQueueMessage({ beacon: "wake", dueAt });
  assert.equal(s.ran.length, 1);
});

Deno.test("scheduler - the timer wakes the instance when a job comes due", async () => {
  const kv = await Deno.openKv(":memory:");
  const scheduler = new Scheduler(kv, systemClock, { wakeups: ["timer", "cron"] });
  const done = Promise.withResolvers<number>();
  scheduler.handle("note", () => {
    done.resolve(Date.now());
    return Promise.resolve();
  });
  const op = kv.atomic();
  const dueAt = Date.now() + 80;
  scheduler.add(op, { kind: "note", teamId: "t", payload: {}, dueAt, now: Date.now() });
  await op.commit();
  scheduler.wake(dueAt);
  const at = await done.promise;
  assert.ok(at >= dueAt && at < dueAt + 1000, `ran ${at - dueAt} ms after due`);
  await scheduler.stop();
  kv.close();
});

Deno.test("scheduler - stopping waits for the jobs under way, then claims nothing more", async () => {
  using s = await setup();
  const gate = Promise.withResolvers<void>();
  const started = Promise.withResolvers<void>();
  s.scheduler.handle("slow", async () => {
    started.resolve();
    await gate.promise;
  });
  const op = s.kv.atomic();
  s.scheduler.add(op, { kind: "slow", teamId: "t", payload: {}, dueAt: s.clock.now(), now: s.clock.now() });
  await op.commit();
  const pass = s.scheduler.runDue();
  await started.promise;
  let stopped = false;
  const stopping = s.scheduler.stop().then(() => stopped = true);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(stopped, false, "the job under way is waited for");
  gate.resolve();
  await stopping;
  assert.equal(await pass, 1);

  await s.add(s.clock.now());
  assert.equal(await s.scheduler.runDue(), 0, "nothing is claimed once stopped");
  assert.equal(s.ran.length, 0);
  await s.scheduler.start();
  assert.equal(await s.scheduler.runDue(), 1, "started again, it runs what is due");
});

Deno.test("scheduler - stopping gives back jobs claimed ahead, except those due soon enough to finish", async () => {
  using s = await setup({ wakeups: ["queue", "cron"] });
  const start = s.clock.now();
  const steps: string[] = [];
  const prepared = Promise.withResolvers<void>();
  const handler = (name: string) => async (job: Job, context: JobContext) => {
    steps.push(`${name} prepare ${(job.payload as { n: string }).n} attempt ${job.attempt}`);
    if (steps.length === 2) prepared.resolve();
    await context.untilDue();
    steps.push(`${name} send ${(job.payload as { n: string }).n} at ${s.clock.now() - start}`);
  };
  s.scheduler.handle("send", handler("first"), { leadMs: 3000 });
  const wakes: number[] = [];
  s.kv.listenQueue((message) => {
    if (isWakeMessage(message)) wakes.push(message.dueAt);
  });
  const op = s.kv.atomic();
  for (const [n, dueAt] of [["soon", start + 1000], ["later", start + 2900]] as const) {
    s.scheduler.add(op, { kind: "send", teamId: "t", payload: { n }, dueAt, now: start });
  }
  await op.commit();
  assert.equal(await s.scheduler.runDue(), 2, "both are claimed ahead");
  await prepared.promise;

  let stopped = false;
  const stopping = s.scheduler.stop({ finishAheadBy: start + 2000 }).then(() => stopped = true);
  // The later one goes back to the index as it was: same due time, not counted as an attempt.
  for (let i = 0; i < 50 && (await Array.fromAsync(s.kv.list<Job>({ prefix: ["due"] }))).length < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const due = await Array.fromAsync(s.kv.list<Job>({ prefix: ["due"] }));
  const back = due.find((e) => (e.value.payload as { n: string }).n === "later");
  assert.ok(back, "the later job is in the index again");
  assert.equal(back.value.dueAt, start + 2900);
  assert.equal(back.value.attempt, 0);
  assert.equal(stopped, false, "the one due soon is waited for");
  s.clock.set(start + 1000);
  await stopping;
  assert.deepEqual(steps, [
    "first prepare soon attempt 1",
    "first prepare later attempt 1",
    "first send soon at 1000",
  ]);
  assert.equal(s.ran.length, 0);

  // Another instance (or the next start) claims it ahead again and sends it on time.
  const other = new Scheduler(s.kv, s.clock, { wakeups: ["cron"] });
  other.handle("send", handler("other"), { leadMs: 3000 });
  assert.equal(await other.runDue(), 1);
  s.clock.set(start + 2900);
  await other.drain();
  assert.deepEqual(steps.slice(3), ["other prepare later attempt 1", "other send later at 2900"]);
  assert.equal((await Array.fromAsync(s.kv.list({ prefix: ["due"] }))).length, 0);
  // Giving back enqueued a wake-up for its claim time (as scheduling it did).
  for (let i = 0; i < 100 && wakes.filter((at) => at === start - 100).length < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(wakes.filter((at) => at === start - 100).length, 2);
});

Deno.test("scheduler - a kind's lead is for a job's first claim: a lease ends when it ends", async () => {
  using s = await setup({ leaseMs: 10_000 });
  const start = s.clock.now();
  const runs: number[] = [];
  s.scheduler.handle("send", async (job, context) => {
    runs.push(job.attempt);
    await context.untilDue();
    if (job.attempt === 1) throw new Error("the process died while sending");
  }, { leadMs: 3000 });
  const op = s.kv.atomic();
  s.scheduler.add(op, { kind: "send", teamId: "t", payload: {}, dueAt: start + 1000, now: start });
  await op.commit();
  assert.equal(await s.scheduler.runDue(), 1, "claimed ahead");
  s.clock.set(start + 1000);
  await s.scheduler.drain();
  assert.deepEqual(runs, [1]);
  // Its lease ends at 11 s; within the lead before that, it is still leased (maybe still running).
  s.clock.set(start + 9_000);
  assert.equal(await s.scheduler.runDue(), 0);
  s.clock.set(start + 11_000);
  assert.equal(await s.scheduler.runDue(), 1);
  assert.deepEqual(runs, [1, 2]);
  assert.equal((await Array.fromAsync(s.kv.list({ prefix: ["due"] }))).length, 0);
});
