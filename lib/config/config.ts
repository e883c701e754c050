/**
 * Configuration from the environment, read once at start-up. Pure: takes the
 * variables as a plain record so it is tested with plain values.
 */
export interface Config {
  production: boolean;
  /** Running on Deno Deploy (no local files, no KV queues). */
  onDeploy: boolean;
  port: number;
  /** Public base URL used in tracking links and emails, no trailing slash. */
  baseUrl: string;
  /** Path or URL handed to Deno.openKv; undefined means the platform's default database. */
  kvPath: string | undefined;
  dataDir: string;
  /** Secrets given in the environment; missing ones are generated and kept in KV (not in production). */
  sessionSecret: string | undefined;
  trackingSecret: string | undefined;
  /** Take the client address from X-Forwarded-For (behind a proxy you run). */
  trustProxy: boolean;
  /** What wakes the scheduler: the process's own timer, KV queue messages, the cron sweep. */
  wakeups: Wakeup[];
  mail: {
    /** The address emails are sent from (on a domain the provider has verified). */
    from: string;
    /** The domain of Message-IDs, and of sellers who may send as themselves. */
    domain: string;
    resendApiKey: string | undefined;
    resendBaseUrl: string | undefined;
  };
}

export type Env = Record<string, string | undefined>;

type Wakeup = "timer" | "queue" | "cron";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Variables a production start-up refuses to run without, with what each is for. */
export const REQUIRED_IN_PRODUCTION: Record<string, string> = {
  BEACON_BASE_URL: "the public URL of this deployment, used in tracking links",
  BEACON_SESSION_SECRET: "signs sessions and CSRF tokens (32+ random characters)",
  BEACON_TRACKING_SECRET: "signs tracking tokens (32+ random characters)",
};

export function isDenoDeploy(env: Env): boolean {
  return Boolean(env.DENO_DEPLOYMENT_ID || env.DENO_DEPLOY);
}

export function loadConfig(env: Env): Config {
  const onDeploy = isDenoDeploy(env);
  const production = env.BEACON_ENV === "production" || onDeploy;
  if (production) {
    const missing = Object.keys(REQUIRED_IN_PRODUCTION).filter((name) => !env[name]?.trim());
    if (missing.length) {
      throw new ConfigError(
        "Beacon cannot start in production without: " +
          missing.map((name) => `${name} (${REQUIRED_IN_PRODUCTION[name]})`).join("; ") + ".",
      );
    }
    for (const name of ["BEACON_SESSION_SECRET", "BEACON_TRACKING_SECRET"]) {
      if (env[name]!.length < 32) {
        throw new ConfigError(`${name} must be at least 32 characters long.`);
      }
    }
  }
  const port = Number(env.PORT ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a port number, got "${env.PORT}".`);
  }
  const dataDir = env.BEACON_DATA_DIR || "./data";
  const baseUrl = (env.BEACON_BASE_URL || `http://localhost:${port}`).replace(/\/+$/, "");
  try {
    new URL(baseUrl);
  } catch {
    throw new ConfigError(`BEACON_BASE_URL must be an absolute URL, got "${baseUrl}".`);
  }
  return {
    production,
    onDeploy,
    port,
    baseUrl,
    kvPath: env.BEACON_KV_PATH || (onDeploy ? undefined : `${dataDir}/beacon.kv`),
    dataDir,
    sessionSecret: env.BEACON_SESSION_SECRET,
    trackingSecret: env.BEACON_TRACKING_SECRET,
    trustProxy: env.BEACON_TRUST_PROXY === "true",
    mail: mailConfig(env, baseUrl),
    wakeups: wakeupsConfig(env, onDeploy),
  };
}

function mailConfig(env: Env, baseUrl: string): Config["mail"] {
  const from = (env.BEACON_MAIL_FROM || `beacon@${new URL(baseUrl).hostname}`).trim().toLowerCase();
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(from)) {
    throw new ConfigError(`BEACON_MAIL_FROM must be an email address, got "${from}".`);
  }
  return {
    from,
    domain: from.split("@")[1],
    resendApiKey: env.RESEND_API_KEY || undefined,
    resendBaseUrl: env.RESEND_BASE_URL || undefined,
  };
}

function wakeupsConfig(env: Env, onDeploy: boolean): Wakeup[] {
  if (!env.BEACON_WAKEUPS) return onDeploy ? ["timer", "cron"] : ["timer", "queue", "cron"];
  const list = env.BEACON_WAKEUPS.split(",").map((w) => w.trim()).filter(Boolean);
  const unknown = list.filter((w) => !["timer", "queue", "cron"].includes(w));
  if (unknown.length || !list.length) {
    throw new ConfigError(
      `BEACON_WAKEUPS takes timer, queue and cron (comma-separated), got "${env.BEACON_WAKEUPS}".`,
    );
  }
  if (onDeploy && list.includes("queue")) {
    throw new ConfigError("BEACON_WAKEUPS can't include queue on Deno Deploy: Deploy has no KV queues.");
  }
  if (!list.includes("cron")) {
    throw new ConfigError(
      "BEACON_WAKEUPS must include cron: the sweep is the safety net for everything else.",
    );
  }
  return list as Wakeup[];
}
