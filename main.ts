/** Start-up: configuration, KV, secrets, island bundles, adapters, workers, then Deno.serve. */
import { ConfigError, loadConfig } from "./lib/config/config.ts";
import { ensureSecrets } from "./lib/config/secrets.ts";
import { systemClock } from "./lib/clock/clock.ts";
import { ensureIslandsBuilt } from "./lib/islands/build.ts";
import { openKv } from "./lib/storage/kv.ts";
import { isWakeMessage } from "./lib/scheduler/scheduler.ts";
import { createApp } from "./routes/app.tsx";
import type { AppDeps } from "./routes/deps.ts";
import { SupabaseRealtime } from "./lib/realtime/supabase.ts";
import { assemble, describeRuntime } from "./runtime.ts";

let running = null as AppDeps | null;

// The safety net for time-driven work, and the only wake-up on Deno Deploy (no KV queues there).
// Deno Deploy wants crons registered at the top level of the main module.
if (import.meta.main) {
  Deno.cron("beacon scheduler sweep", "* * * * *", async () => {
    await running?.scheduler.runDue();
  });
}

export async function main(): Promise<void> {
  const config = loadConfig(Deno.env.toObject());
  if (config.kvPath && config.kvPath !== ":memory:" && !config.kvPath.includes("://")) {
    await Deno.mkdir(config.kvPath.replace(/\/[^/]*$/, "") || ".", { recursive: true });
  }
  const kv = await openKv(config.kvPath);
  const secrets = await ensureSecrets(kv, config);
  const assetsHash = await ensureIslandsBuilt(".", { canWrite: !config.onDeploy });
  const deps = assemble({ kv, config, secrets, clock: systemClock, assetsHash });
  const app = createApp(deps);
  running = deps;
  if (config.wakeups.includes("queue")) {
    // One listener per database (a second one would silently miss messages).
    kv.listenQueue(async (message) => {
      if (isWakeMessage(message)) await deps.scheduler.onQueueMessage(message);
    });
  }
  // Anything that came due while Beacon was down runs now; then the timer takes over.
  await deps.scheduler.start();
  deps.scheduler.runDue().then((n) => n && console.log(`ran ${n} overdue job(s) after start-up`));

  for (const line of describeRuntime(deps)) console.log(line);
  if (deps.realtime instanceof SupabaseRealtime) {
    // Deno Deploy stops an instance with SIGINT and 5 s of grace: send what is queued first.
    const realtime = deps.realtime;
    const flushThenExit = async () => {
      await Promise.race([realtime.idle(), new Promise((resolve) => setTimeout(resolve, 3_000))]);
      Deno.exit(0);
    };
    for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, flushThenExit);
  }
  Deno.serve({
    port: config.port,
    onListen: ({ port }) =>
      console.log(`Beacon is running at ${config.production ? config.baseUrl : `http://localhost:${port}`}`),
  }, (request, info) => app.fetch(request, { remoteAddr: info.remoteAddr }));
}

if (import.meta.main) {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      Deno.exit(1);
    }
    throw error;
  }
}
