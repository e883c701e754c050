/** Builds the real app on an in-memory KV for tests, with the embedded adapters. */
import { type Clock, ManualClock } from "../../lib/clock/clock.ts";
import { loadConfig } from "../../lib/config/config.ts";
import type { Mailer } from "../../lib/mail/mailer.ts";
import { OutboxMailer } from "../../lib/mail/outbox.ts";
import type { Realtime } from "../../lib/realtime/realtime.ts";
import type { SchedulerOptions } from "../../lib/scheduler/scheduler.ts";
import { createApp } from "../../routes/app.tsx";
import type { AppDeps } from "../../routes/deps.ts";
import { assemble } from "../../runtime.ts";

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  kv: Deno.Kv;
  clock: ManualClock;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function makeTestApp(
  options: {
    clock?: ManualClock;
    mailer?: (kv: Deno.Kv, clock: Clock) => Mailer;
    realtime?: Realtime;
    env?: Record<string, string>;
    assetsHash?: string;
    scheduler?: SchedulerOptions;
    /** A KV file (default: a fresh in-memory database). */
    kvPath?: string;
  } = {},
): Promise<TestApp> {
  const kv = await Deno.openKv(options.kvPath ?? ":memory:");
  const clock = options.clock ?? new ManualClock(Date.now());
  const config = loadConfig({ BEACON_BASE_URL: "http://beacon.test", ...options.env });
  const deps: AppDeps = assemble({
    kv,
    config,
    secrets: { session: "s".repeat(43), tracking: "t".repeat(43) },
    clock,
    mailer: options.mailer ? options.mailer(kv, clock) : new OutboxMailer(kv, clock),
    realtime: options.realtime,
    assetsHash: options.assetsHash ?? "test",
    passwordIterations: 1000,
    // Tests drive the scheduler themselves (drain) unless they ask for wake-ups.
    scheduler: { wakeups: ["cron"], ...options.scheduler },
  });
  return {
    app: createApp(deps),
    deps,
    kv,
    clock,
    async [Symbol.asyncDispose]() {
      await deps.scheduler.stop();
      await deps.recorder.idle();
      try {
        kv.close();
      } catch {
        // already closed by the test
      }
    },
  };
}
