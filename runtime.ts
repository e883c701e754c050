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
import { Scheduler, type SchedulerOptions } from "./lib/scheduler/scheduler.ts";
import { EventRecorder } from "./lib/tracking/recorder.ts";
import { TrackingSigner } from "./lib/tracking/tokens.ts";
import type { AppDeps } from "./routes/deps.ts";
import { registerAlarms } from "./workers/alarms.ts";
import { registerDelivery } from "./workers/delivery.ts";
import { registerNotifications } from "./workers/notifications.ts";
import { afterTrackingCommit } from "./workers/engagement.ts";

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
  passwordIterations?: number;
}

export function chooseMailer(config: Config, kv: Deno.Kv, clock: Clock): Mailer {
  return config.mail.resendApiKey
    ? new ResendMailer({ apiKey: config.mail.resendApiKey, baseUrl: config.mail.resendBaseUrl })
    : new OutboxMailer(kv, clock);
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
    realtime: parts.realtime ?? new LocalHub(),
    scheduler: new Scheduler(kv, clock, { wakeups: config.wakeups, ...parts.scheduler }),
    recorder: new EventRecorder(kv),
    signer: new TrackingSigner(parts.secrets.tracking),
  };
  registerDelivery(deps);
  registerAlarms(deps);
  registerNotifications(deps);
  deps.recorder.onCommitted = (committed) => afterTrackingCommit(deps, committed);
  return deps;
}
