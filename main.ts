/** Start-up: configuration, KV, secrets, island bundles, adapters, workers, then Deno.serve. */
import { ConfigError, loadConfig } from "./lib/config/config.ts";
import { ensureSecrets } from "./lib/config/secrets.ts";
import { systemClock } from "./lib/clock/clock.ts";
import { ensureIslandsBuilt } from "./lib/islands/build.ts";
import { openKv } from "./lib/storage/kv.ts";
import { listOlderMessages } from "./lib/messages/listing.ts";
import { isWakeMessage } from "./lib/scheduler/scheduler.ts";
import { createApp } from "./routes/app.tsx";
import { serveHandler } from "./routes/serve.ts";
import type { AppDeps } from "./routes/deps.ts";
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
  const listed = await listOlderMessages(kv);
  if (listed) console.log(`listed ${listed} email(s) stored before list keys on their team's Activity`);
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
  const server = Deno.serve({
    port: config.port,
    onListen: ({ port }) =>
      console.log(`Beacon is running at ${config.production ? config.baseUrl : `http://localhost:${port}`}`),
  }, serveHandler(app, deps));

  // Deno Deploy stops an instance with SIGINT and 5 s of grace; Ctrl-C and SIGTERM are treated alike.
  // A second signal while stopping ends the process at once.
  let stopping = false;
  const stop = () => {
    if (stopping) Deno.exit(130);
    stopping = true;
    console.log("Beacon is stopping: answering the requests in flight");
    Promise.race([drain(server, deps), new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS))])
      .catch((error) => console.error("shutdown:", error))
      .finally(() => Deno.exit(0));
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, stop);
}

/** How long a stop may take, inside Deno Deploy's 5 s. */
const SHUTDOWN_GRACE_MS = 4_000;
/** What a job claimed ahead is left of the grace, at least, for its effect (a hand-over to the mailer). */
const EFFECT_ALLOWANCE_MS = 1_500;

/**
 * A graceful stop: nothing in flight is dropped, so a recipient whose hit was stored gets its answer
 * (and doesn't retry into a second one), and the live events of the last hits go out.
 */
async function drain(server: Deno.HttpServer, deps: AppDeps): Promise<void> {
  // Live streams end first, or they would hold the server open; their pages reconnect, each after
  // its own `retry`, to whatever serves next, and replay what they missed.
  deps.realtime.close();
  // No new connections; each request in flight is answered (a tracking hit once it is durable). The
  // scheduler claims nothing more and finishes the jobs it is running; of those claimed ahead of their
  // time, the ones due soon enough to finish inside the grace still run, the others go back to the index.
  const finishAheadBy = deps.clock.now() + SHUTDOWN_GRACE_MS - EFFECT_ALLOWANCE_MS;
  await Promise.all([server.shutdown(), deps.scheduler.stop({ finishAheadBy })]);
  // Work after the last commits (live events, first-open alerts), then what is queued for Supabase.
  await deps.recorder.idle();
  await deps.realtime.idle();
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
