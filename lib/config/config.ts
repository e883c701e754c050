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
    /** Verifies Resend's webhooks (Svix signatures). */
    resendWebhookSecret: string | undefined;
    /** Replies come to reply+<token>@<this domain> when set. */
    inboundDomain: string | undefined;
  };
  attachments: {
    /** Largest file, in bytes. */
    maxFileBytes: number;
    /** Largest total per message, in bytes. */
    maxMessageBytes: number;
  };
  realtime: RealtimeConfig;
}

/** Where live events go: the in-process hub (one instance) or Supabase Realtime (across instances). */
export interface RealtimeConfig {
  adapter: "local" | "supabase";
  /** Set when adapter is "supabase". */
  supabase?: {
    /** The project URL, e.g. https://abcd.supabase.co (no trailing slash). */
    url: string;
    /** The public (anon) key browsers connect with. */
    anonKey: string;
    /** The server's key for HTTP broadcast (bypasses RLS; never sent to browsers). */
    serviceRoleKey: string;
    /** Signs the browsers' short-lived channel tokens (the project's JWT secret). */
    jwtSecret: string;
  };
  /** Something about the choice worth a line in the start-up log. */
  note?: string;
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
  BEACON_SESSION_SECRET: "signs CSRF tokens, bound to each session (32+ random characters)",
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
    attachments: {
      maxFileBytes: megabytes(env, "BEACON_MAX_ATTACHMENT_MB", 10),
      maxMessageBytes: megabytes(env, "BEACON_MAX_MESSAGE_ATTACHMENTS_MB", 25),
    },
    realtime: realtimeConfig(env, production, onDeploy),
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
    resendWebhookSecret: env.RESEND_WEBHOOK_SECRET || undefined,
    inboundDomain: env.BEACON_INBOUND_DOMAIN?.trim().toLowerCase() || undefined,
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

function megabytes(env: Env, name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0 || value > 1024) {
    throw new ConfigError(`${name} must be a number of megabytes, got "${env[name]}".`);
  }
  return Math.round(value * 1024 * 1024);
}

/** Supabase Realtime's variables, with what each is for (named in start-up errors). */
export const SUPABASE_VARIABLES: Record<string, string> = {
  SUPABASE_URL: "the project URL, https://<ref>.supabase.co",
  SUPABASE_ANON_KEY: "the project's anon (public) key, which browsers connect with",
  SUPABASE_SERVICE_ROLE_KEY: "the service role key Beacon publishes with (server only)",
  SUPABASE_JWT_SECRET: "the project's JWT secret, which signs the browsers' channel tokens",
};

function realtimeConfig(env: Env, production: boolean, onDeploy: boolean): RealtimeConfig {
  const choice = env.BEACON_REALTIME?.trim().toLowerCase() || "";
  if (choice && choice !== "local" && choice !== "supabase") {
    throw new ConfigError(`BEACON_REALTIME takes local or supabase, got "${env.BEACON_REALTIME}".`);
  }
  if (choice === "local") {
    return {
      adapter: "local",
      note: onDeploy
        ? "BEACON_REALTIME=local: live updates reach only pages on the same instance"
        : undefined,
    };
  }
  const names = Object.keys(SUPABASE_VARIABLES);
  const given = names.filter((name) => env[name]?.trim());
  const missing = names.filter((name) => !env[name]?.trim());
  if (given.length === 0 && choice !== "supabase") {
    if (onDeploy) {
      throw new ConfigError(
        "On Deno Deploy live updates need Supabase Realtime (instances share no memory): set " +
          names.map((name) => `${name} (${SUPABASE_VARIABLES[name]})`).join("; ") +
          ". Or set BEACON_REALTIME=local to accept live updates only within one instance.",
      );
    }
    return { adapter: "local" };
  }
  if (missing.length) {
    const list = missing.map((name) => `${name} (${SUPABASE_VARIABLES[name]})`).join("; ");
    if (production || choice === "supabase") {
      throw new ConfigError(`Supabase Realtime is partly configured; missing: ${list}.`);
    }
    return {
      adapter: "local",
      note: `Supabase Realtime is partly configured (missing ${missing.join(", ")}); using the local hub`,
    };
  }
  const url = env.SUPABASE_URL!.trim().replace(/\/+$/, "");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`SUPABASE_URL must be an absolute URL, got "${url}".`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new ConfigError(`SUPABASE_URL must be an http(s) URL, got "${url}".`);
  }
  if (production && parsed.protocol !== "https:" && !isLoopback(parsed.hostname)) {
    throw new ConfigError(`SUPABASE_URL must use https in production, got "${url}".`);
  }
  const jwtSecret = env.SUPABASE_JWT_SECRET!.trim();
  if (jwtSecret.length < 32) {
    throw new ConfigError(
      "SUPABASE_JWT_SECRET must be at least 32 characters long (the project's JWT secret).",
    );
  }
  return {
    adapter: "supabase",
    supabase: {
      url,
      anonKey: env.SUPABASE_ANON_KEY!.trim(),
      serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY!.trim(),
      jwtSecret,
    },
  };
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\./.test(hostname);
}
