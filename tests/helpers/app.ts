/** Builds the real app on an in-memory KV for tests, with the embedded adapters. */
import { type Clock, ManualClock } from "../../lib/clock/clock.ts";
import { loadConfig } from "../../lib/config/config.ts";
import { OutboxMailer } from "../../lib/mail/outbox.ts";
import type { Mailer } from "../../lib/mail/mailer.ts";
import { LocalHub } from "../../lib/realtime/local_hub.ts";
import type { Realtime } from "../../lib/realtime/realtime.ts";
import { createApp } from "../../routes/app.tsx";
import type { AppDeps } from "../../routes/deps.ts";

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
  } = {},
): Promise<TestApp> {
  const kv = await Deno.openKv(":memory:");
  const clock = options.clock ?? new ManualClock(Date.now());
  const config = loadConfig({ BEACON_BASE_URL: "http://beacon.test", ...options.env });
  const deps: AppDeps = {
    kv,
    config,
    secrets: { session: "s".repeat(43), tracking: "t".repeat(43) },
    clock,
    mailer: options.mailer ? options.mailer(kv, clock) : new OutboxMailer(kv, clock),
    realtime: options.realtime ?? new LocalHub(),
    assetsHash: options.assetsHash ?? "test",
    passwordIterations: 1000,
  };
  return {
    app: createApp(deps),
    deps,
    kv,
    clock,
    [Symbol.asyncDispose]() {
      try {
        kv.close();
      } catch {
        // already closed by the test
      }
      return Promise.resolve();
    },
  };
}
