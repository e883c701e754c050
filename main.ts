/** Start-up: configuration, KV, secrets, island bundles, adapters, workers, then Deno.serve. */
import { ConfigError, loadConfig } from "./lib/config/config.ts";
import { ensureSecrets } from "./lib/config/secrets.ts";
import { systemClock } from "./lib/clock/clock.ts";
import { ensureIslandsBuilt } from "./lib/islands/build.ts";
import { OutboxMailer } from "./lib/mail/outbox.ts";
import { LocalHub } from "./lib/realtime/local_hub.ts";
import { openKv } from "./lib/storage/kv.ts";
import { createApp } from "./routes/app.tsx";

async function main() {
  const config = loadConfig(Deno.env.toObject());
  if (config.kvPath && config.kvPath !== ":memory:" && !config.kvPath.includes("://")) {
    await Deno.mkdir(config.kvPath.replace(/\/[^/]*$/, "") || ".", { recursive: true });
  }
  const kv = await openKv(config.kvPath);
  const secrets = await ensureSecrets(kv, config);
  const assetsHash = await ensureIslandsBuilt(".", { canWrite: !config.onDeploy });
  const clock = systemClock;
  const mailer = new OutboxMailer(kv, clock);
  const realtime = new LocalHub();
  const app = createApp({ kv, config, secrets, clock, mailer, realtime, assetsHash });

  console.log(
    `Beacon ${config.production ? "production" : "development"} · KV ${
      config.kvPath ?? "platform default"
    } · ` +
      `mailer ${mailer.name} · realtime ${realtime.name}`,
  );
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
