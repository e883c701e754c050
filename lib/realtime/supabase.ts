/**
 * The Supabase Realtime adapter: live events cross instances and regions through Supabase
 * broadcast on private channels.
 *
 * Server side, `publish` only queues the event and returns: a background sender posts queued
 * events in order, in batches, to Supabase's HTTP broadcast endpoint (`POST
 * /realtime/v1/api/broadcast`, the endpoint realtime-js itself uses to send without a socket),
 * authenticated with the service role key, and retries failures with exponential backoff. A
 * request never waits on it and never fails because of it; an event that cannot be delivered
 * after the retries is dropped with a log line, and pages still get it from the team feed in KV
 * when they (re)subscribe, and when they next check it (every 30 s, lib/browser/live.ts).
 *
 * Browser side (lib/browser/live.ts), supabase-js joins two private channels with a short-lived
 * JWT that Beacon signs (routes/api/realtime.ts): the team's topic and the user's own topic.
 * Supabase checks every join against RLS policies on realtime.messages
 * (supabase/realtime_policies.sql), so a user receives only their team's and their own topics.
 */
import { backoffMs } from "./backoff.ts";
import type { RealtimeConfig } from "../config/config.ts";
import { signJwt } from "./jwt.ts";
import type { LiveEvent, Realtime } from "./realtime.ts";

/** Every live event is broadcast under this event name; its `type` says what it is. */
export const BROADCAST_EVENT = "live";

/** Events for the whole team. */
export const teamTopic = (teamId: string) => `team:${teamId}`;
/** Events for one user only (their cards, their alerts): a topic only that user may join. */
export const userTopic = (teamId: string, userId: string) => `team:${teamId}:user:${userId}`;
export const topicOf = (event: LiveEvent) =>
  event.userId ? userTopic(event.teamId, event.userId) : teamTopic(event.teamId);

/** How long a browser's channel token lives; the page fetches a new one before it ends. */
export const BROWSER_TOKEN_TTL_MS = 10 * 60_000;

/** The claims Supabase reads from a browser's token: RLS checks `team_id` and `sub` against the topic. */
export interface BrowserClaims {
  sub: string;
  team_id: string;
  role: "authenticated";
  aud: "authenticated";
  iss: "beacon";
  iat: number;
  exp: number;
}

export interface BrowserAccess {
  token: string;
  expiresAt: number;
  url: string;
  anonKey: string;
  topics: string[];
}

/** What a signed-in browser needs to receive its live events from Supabase. */
export async function browserAccess(
  supabase: NonNullable<RealtimeConfig["supabase"]>,
  who: { teamId: string; userId: string },
  now: number,
  ttlMs = BROWSER_TOKEN_TTL_MS,
): Promise<BrowserAccess> {
  const iat = Math.floor(now / 1000);
  const exp = Math.floor((now + ttlMs) / 1000);
  const claims: BrowserClaims = {
    sub: who.userId,
    team_id: who.teamId,
    role: "authenticated",
    aud: "authenticated",
    iss: "beacon",
    iat,
    exp,
  };
  return {
    token: await signJwt({ ...claims }, supabase.jwtSecret),
    expiresAt: exp * 1000,
    url: supabase.url,
    anonKey: supabase.anonKey,
    topics: [teamTopic(who.teamId), userTopic(who.teamId, who.userId)],
  };
}

/** The origins a page must be allowed to connect to (Content-Security-Policy connect-src). */
export function connectSources(config: RealtimeConfig): string[] {
  if (config.adapter !== "supabase" || !config.supabase) return [];
  const url = new URL(config.supabase.url);
  const ws = `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}`;
  return [url.origin, ws];
}

export interface SupabaseRealtimeOptions {
  /** The project URL (https://<ref>.supabase.co). */
  url: string;
  /** The service role key: sends to private topics without RLS checks. */
  serviceRoleKey: string;
  fetch?: typeof fetch;
  /** Most events per request (Supabase also limits events per second per project). */
  batchSize?: number;
  /** Per request. */
  timeoutMs?: number;
  /** Backoff: first delay, cap, and how many attempts before a batch is dropped. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  maxAttempts?: number;
  /** Where failures are reported (console.error by default). */
  log?: (message: string) => void;
}

interface Outgoing {
  topic: string;
  event: string;
  payload: LiveEvent;
  private: true;
}

/** Statuses worth another try: timeouts, rate limits, server errors. Others are configuration problems. */
const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

export class SupabaseRealtime implements Realtime {
  readonly name = "supabase" as const;
  readonly endpoint: string;
  /** Counters for tests, logs and the benchmark. */
  readonly stats = { published: 0, sent: 0, requests: 0, retries: 0, dropped: 0 };
  #queue: Outgoing[] = [];
  #sending: Promise<void> | null = null;
  #idleWaiters: (() => void)[] = [];
  #options: Required<Omit<SupabaseRealtimeOptions, "url">>;
  #batchLimit: number;

  constructor(options: SupabaseRealtimeOptions) {
    this.endpoint = `${options.url.replace(/\/+$/, "")}/realtime/v1/api/broadcast`;
    this.#options = {
      serviceRoleKey: options.serviceRoleKey,
      fetch: options.fetch ?? fetch,
      batchSize: options.batchSize ?? 100,
      timeoutMs: options.timeoutMs ?? 10_000,
      retryBaseMs: options.retryBaseMs ?? 250,
      retryMaxMs: options.retryMaxMs ?? 10_000,
      maxAttempts: options.maxAttempts ?? 8,
      log: options.log ?? ((message) => console.error(message)),
    };
    this.#batchLimit = this.#options.batchSize;
  }

  /** Queues the event for broadcast and returns at once: the caller's request never waits on Supabase. */
  publish(event: LiveEvent): Promise<void> {
    this.stats.published++;
    this.#queue.push({ topic: topicOf(event), event: BROADCAST_EVENT, payload: event, private: true });
    this.#kick();
    return Promise.resolve();
  }

  #kick(): void {
    if (this.#sending) return;
    this.#sending = this.#drain().finally(() => {
      this.#sending = null;
      if (this.#queue.length) this.#kick();
      else for (const resolve of this.#idleWaiters.splice(0)) resolve();
    });
  }

  /** Browsers receive from Supabase directly: there is no in-process subscription. */
  subscribe(): null {
    return null;
  }

  /** No in-process subscriptions to end; what is queued is still sent (see `idle`). */
  close(): void {}

  /** Events queued or in flight. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Resolves when everything queued so far has been sent or given up on (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.#sending) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async #drain(): Promise<void> {
    const { batchSize, maxAttempts, retryBaseMs, retryMaxMs } = this.#options;
    let attempt = 0;
    // Let the events published in this turn join the first request.
    await new Promise((resolve) => setTimeout(resolve, 0));
    while (this.#queue.length) {
      // Batches go one at a time, so topics keep the order events were published in.
      const batch = this.#queue.slice(0, this.#batchLimit);
      const outcome = await this.#post(batch);
      if (outcome.ok) {
        this.#queue.splice(0, batch.length);
        this.stats.sent += batch.length;
        this.#batchLimit = Math.min(batchSize, this.#batchLimit * 2);
        attempt = 0;
        continue;
      }
      attempt++;
      if (!outcome.retry || attempt >= maxAttempts) {
        this.#queue.splice(0, batch.length);
        this.stats.dropped += batch.length;
        this.#options.log(
          `realtime: dropped ${batch.length} event(s) after ${attempt} attempt(s): ${outcome.error}` +
            (outcome.retry ? "" : " (not retried)") + "; pages catch up from the feed when they reconnect",
        );
        attempt = 0;
        continue;
      }
      // Supabase limits messages per second: after a 429, send smaller batches for a while.
      if (outcome.status === 429) this.#batchLimit = Math.max(1, Math.floor(batch.length / 2));
      this.stats.retries++;
      const wait = outcome.retryAfterMs ?? backoffMs(attempt - 1, { baseMs: retryBaseMs, maxMs: retryMaxMs });
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, retryMaxMs)));
    }
  }

  async #post(
    batch: Outgoing[],
  ): Promise<
    { ok: true } | { ok: false; retry: boolean; error: string; status?: number; retryAfterMs?: number }
  > {
    this.stats.requests++;
    const { serviceRoleKey, fetch, timeoutMs } = this.#options;
    try {
      const response = await fetch(this.endpoint, {
        method: "POST",
        headers: {
          apikey: serviceRoleKey,
          authorization: `Bearer ${serviceRoleKey}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ messages: batch }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text().catch(() => "");
      if (response.ok) return { ok: true };
      const retryAfter = Number(response.headers.get("retry-after"));
      return {
        ok: false,
        retry: RETRYABLE.has(response.status),
        status: response.status,
        error: `HTTP ${response.status} ${text.slice(0, 200)}`.trim(),
        retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      };
    } catch (error) {
      return { ok: false, retry: true, error: error instanceof Error ? error.message : String(error) };
    }
  }
}
