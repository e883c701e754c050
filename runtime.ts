/**
 * Assembles the running system from its parts: the adapters chosen by
 * configuration, the scheduler with its job handlers, the tracking recorder and
 * what happens after each recorded hit. main.ts and the tests both build Beacon
 * through here, so they run the same wiring.
 */
import type { Clock } from "./lib/clock/clock.ts";
import type { Config } from "./lib/config/config.ts";
import type { Secrets } from "./lib/config/secrets.ts";
import type { Mailer } from "./lib/mail/mailer.ts";
import { OutboxMailer } from "./lib/mail/outbox.ts";
import { ResendMailer } from "./lib/mail/resend.ts";
import { LocalHub } from "./lib/realtime/local_hub.ts";
import type { Realtime } from "./lib/realtime/realtime.ts";
import { SupabaseRealtime } from "./lib/realtime/supabase.ts";
import { Scheduler, type SchedulerOptions } from "./lib/scheduler/scheduler.ts";
import { EventRecorder } from "./lib/tracking/recorder.ts";
import { TrackingSigner } from "./lib/tracking/tokens.ts";
import { ReplyTokenSigner } from "./lib/inbound/reply_token.ts";
import { type BlobStore, KvBlobStore } from "./lib/storage/blobs.ts";
import type { AppDeps } from "./routes/deps.ts";
import { registerAlarms } from "./workers/alarms.ts";
import { registerDelivery } from "./workers/delivery.ts";
import { registerNotifications } from "./workers/notifications.ts";
import { registerAttachmentCleanup } from "./workers/replies.ts";
import { registerRetention } from "./workers/retention.ts";
import { afterTrackingCommit } from "./workers/engagement.ts";
import { CsrfTokens } from "./lib/accounts/csrf.ts";

export interface RuntimeParts {
  kv: Deno.Kv;
  config: Config;
  secrets: Secrets;
  clock: Clock;
  assetsHash: string;
  /** Overrides for tests; production picks adapters from the config. */
  mailer?: Mailer;
  realtime?: Realtime;
  scheduler?: SchedulerOptions;
  blobs?: BlobStore;
  passwordIterations?: number;
}

export function chooseMailer(config: Config, kv: Deno.Kv, clock: Clock): Mailer {
  return config.mail.resendApiKey
    ? new ResendMailer({ apiKey: config.mail.resendApiKey, baseUrl: config.mail.resendBaseUrl })
    : new OutboxMailer(kv, clock);
}

/** The embedded hub by default; Supabase Realtime broadcast when SUPABASE_* are set (see loadConfig). */
export function chooseRealtime(config: Config): Realtime {
  const supabase = config.realtime.supabase;
  return config.realtime.adapter === "supabase" && supabase
    ? new SupabaseRealtime({ url: supabase.url, serviceRoleKey: supabase.serviceRoleKey })
    : new LocalHub();
}

export function assemble(parts: RuntimeParts): AppDeps {
  const { kv, config, clock } = parts;
  const deps: AppDeps = {
    kv,
    config,
    secrets: parts.secrets,
    clock,
    assetsHash: parts.assetsHash,
    passwordIterations: parts.passwordIterations,
    mailer: parts.mailer ?? chooseMailer(config, kv, clock),
    realtime: parts.realtime ?? chooseRealtime(config),
    scheduler: new Scheduler(kv, clock, { wakeups: config.wakeups, ...parts.scheduler }),
    recorder: new EventRecorder(kv),
    signer: new TrackingSigner(parts.secrets.tracking),
    replyTokens: new ReplyTokenSigner(parts.secrets.tracking),
    csrf: new CsrfTokens(parts.secrets.session),
    blobs: parts.blobs ?? new KvBlobStore(kv),
  };
  registerDelivery(deps);
  registerAlarms(deps);
  registerNotifications(deps);
  registerAttachmentCleanup(deps);
  registerRetention(deps);
  deps.recorder.onCommitted = (committed) => afterTrackingCommit(deps, committed);
  return deps;
}

/** What start-up logs: where Beacon runs, and which adapters and wake-ups are active. */
export function describeRuntime(deps: AppDeps): string[] {
  const { config } = deps;
  const where = config.onDeploy ? "on Deno Deploy" : "self-hosted";
  const lines = [
    `Beacon ${config.production ? "production" : "development"} · ${where} · KV ${
      config.kvPath ?? "platform default"
    } · mailer ${deps.mailer.name}`,
  ];
  const supabase = config.realtime.supabase;
  lines.push(
    deps.realtime.name === "supabase" && supabase
      ? `realtime: supabase (${new URL(supabase.url).host}) — HTTP broadcast to private topics ` +
        "team:<team> and team:<team>:user:<user>, retried in the background; browsers join with 10-minute tokens"
      : "realtime: local hub — Server-Sent Events from /api/live, within this process",
  );
  if (config.realtime.note) lines.push(`realtime note: ${config.realtime.note}`);
  const wakeups = deps.scheduler.wakeups;
  const what: string[] = [];
  if (wakeups.has("timer")) what.push("timer (this instance, while it runs)");
  if (wakeups.has("queue")) what.push("KV queue (delayed messages)");
  if (wakeups.has("cron")) what.push("cron sweep (every minute)");
  lines.push(
    `wake-ups: ${what.join(", ")}` +
      (config.onDeploy ? " — no KV queues on Deno Deploy: the cron sweep covers delayed work" : ""),
  );
  return lines;
}
