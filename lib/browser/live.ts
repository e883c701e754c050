/// <reference lib="dom" />
/**
 * The page's one live connection, shared by every island on it. Events carry
 * ULIDs; the connection resumes from the last one it saw, and events are handed
 * to listeners once each — also to an island that starts listening after they came.
 *
 * The layout says which transport the server uses (`<meta name="live-transport">`):
 * - `local`: Server-Sent Events from /api/live; the server replays what was missed
 *   (`?after=`, then the browser's Last-Event-ID when EventSource reconnects). When
 *   the server answers with something other than a stream (a proxy's error page during
 *   a deploy), the browser gives up; the page then catches up from /api/feed and opens
 *   a new stream after a growing, spread-out wait — unless the feed says it signed out.
 *   Browsers open at most six HTTP/1.1 connections to a host and each stream holds one, so
 *   a seller with more Beacon tabs would find new pages stalled (local runs, hosts without
 *   HTTP/2): a tab hidden for a while closes its stream, except one per browser — the one
 *   holding a Web Lock, which keeps streaming for alerts while the seller is elsewhere. The
 *   others wait for that lock or to be shown again, then resume from their last event.
 * - `supabase`: Supabase Realtime private channels (the team's topic and the user's
 *   own), joined with a short-lived token from /api/realtime/token that is renewed
 *   before it ends (realtime.setAuth). Each time every channel is (re)joined, and every
 *   30 s while they are, the page asks /api/feed?after=<last id> for what it missed (a
 *   broadcast can be lost). supabase-js is loaded only here, with a dynamic import, so
 *   pages on the local transport never download it.
 *
 * Either way a page stops catching up after MAX_CATCH_UP events, and then says it missed some.
 */
import { backoffMs } from "../realtime/backoff.ts";
import { HEARTBEAT_MS, type LiveEvent, MAX_CATCH_UP } from "../realtime/realtime.ts";

export type { LiveEvent };
type Listener = (event: LiveEvent) => void;
/**
 * `offline`: live updates are down; `reconnectNow` tries again (the SSE stream also does by itself,
 * after growing waits). `signed-out`: the session ended, so nothing will until the user signs in.
 * `missed`: live, but the page was away too long to catch up on everything (see MAX_CATCH_UP): what
 * it shows may be out of date until a reload.
 */
export type LiveStatus = "connecting" | "live" | "offline" | "signed-out" | "missed";

const listeners = new Set<Listener>();
const statusListeners = new Set<(status: LiveStatus) => void>();
/**
 * The events this page has had, by id, in the order they came: each is handed out once, and a
 * listener that starts late (its island hydrated after they came) is handed them too.
 */
const seen = new Map<string, LiveEvent>();
let started = false;
/** Where the page resumes: the newest event it had in order (from the stream or the feed). */
let lastId = "";
let status: LiveStatus = "connecting";
/** Some events were never shown (more than catch-up replays); stays so until the page is reloaded. */
let missed = false;

function meta(name: string): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? "";
}

function setStatus(next: LiveStatus) {
  status = next;
  for (const fn of statusListeners) fn(shownStatus());
}

const shownStatus = (): LiveStatus => missed && status === "live" ? "missed" : status;

/** Some change will not show on this page (too much to catch up on, or a read that kept failing): say so. */
export function markMissed() {
  missed = true;
  setStatus(status);
}

/** Hands out an event once; `advance`: it comes in order (the stream, the feed), so resume after it. */
function dispatch(event: LiveEvent, advance = true) {
  if (!event?.id) return;
  if (advance && event.id > lastId) lastId = event.id;
  if (seen.has(event.id)) return;
  seen.set(event.id, event);
  if (seen.size > 2_000) seen.delete(seen.keys().next().value!);
  for (const listener of listeners) deliver(listener, event);
}

function deliver(listener: Listener, event: LiveEvent) {
  try {
    listener(event);
  } catch (error) {
    console.error("live listener failed", error);
  }
}

/**
 * Shows what the page missed, from Beacon's feed after the last event shown, a page at a time (up to
 * MAX_CATCH_UP events); answers the feed's HTTP status (0 when it couldn't be reached or there is
 * nothing to resume from).
 */
async function catchUpFromFeed(): Promise<number> {
  if (!lastId) return 0;
  try {
    const from = lastId;
    let query = `after=${encodeURIComponent(from)}`;
    /** Events newer than the last one shown (the few seconds re-read before it don't count). */
    let caught = 0;
    for (;;) {
      const response = await fetch(`/api/feed?${query}`, { credentials: "same-origin" });
      if (!response.ok) return response.status;
      const { items, next, missed: expired } = await response.json() as {
        items: LiveEvent[];
        next?: string | null;
        missed?: boolean;
      };
      for (const event of items) {
        dispatch(event);
        if (event.id > from) caught++;
      }
      if (expired || (next && caught >= MAX_CATCH_UP)) markMissed();
      if (!next || missed) return response.status;
      query = `cursor=${encodeURIComponent(next)}`;
    }
  } catch {
    return 0;
  }
}

function connect() {
  if (started) return;
  started = true;
  lastId = meta("live-after");
  if (meta("live-transport") === "supabase") startSupabase();
  else startSse();
  // Back on the network, or back to the tab: no need to sit out the rest of a long wait.
  globalThis.addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") reconnectNow();
  });
}

/** Waits between the page's own attempts: reopening a stream the browser gave up on, fetching a token. */
const RETRY_WAITS = { baseMs: 1_000, maxMs: 30_000 };
/** How the page tries again while live updates are down (`reconnectNow`). */
let reopen: (() => void) | null = null;

/** Tries again now while live updates are down ("Retry now"), instead of waiting for the next attempt. */
export function reconnectNow(): void {
  if (status === "offline" && !suspended) reopen?.();
}

// ---------------------------------------------------------------------------------------------------------
// Server-Sent Events (the embedded hub)

/** Failed reopenings since the stream was last live. */
let reopenFailures = 0;
let reopenTimer: ReturnType<typeof setTimeout> | undefined;
/** The page's stream; null while it has none (closed in the background, or given up on). */
let source: EventSource | null = null;
/**
 * A stream silent for this many of the server's heartbeats is taken for dead and opened again: a
 * connection can be lost without the browser noticing (a laptop that slept, a NAT that forgot it).
 */
export const SILENT_HEARTBEATS = 2.5;
let watchdog: ReturnType<typeof setTimeout> | undefined;

function connectSse() {
  if (typeof EventSource === "undefined") return;
  clearTimeout(reopenTimer);
  source?.close();
  setStatus("connecting");
  const current = source = new EventSource(`/api/live?after=${encodeURIComponent(lastId)}`);
  /** The server's, as its `ready` tells it (this bundle's until then). */
  let heartbeatMs = HEARTBEAT_MS;
  /** Heard from the server: the stream is alive for a few more heartbeats. */
  const heard = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      if (current === source) connectSse();
    }, heartbeatMs * SILENT_HEARTBEATS);
  };
  heard();
  current.addEventListener("ready", (message) => {
    heartbeatMs = JSON.parse((message as MessageEvent).data).heartbeatMs ?? HEARTBEAT_MS;
    heard();
    reopenFailures = 0;
    setStatus("live");
  });
  current.addEventListener("ping", heard);
  current.addEventListener("missed", () => {
    heard();
    markMissed();
  });
  current.addEventListener("live", (message) => {
    heard();
    dispatch(JSON.parse((message as MessageEvent).data));
  });
  current.addEventListener("error", () => {
    if (current !== source) return;
    // A dropped connection: EventSource reconnects by itself (after the server's `retry`) and sends
    // Last-Event-ID; the server replays from there.
    if (current.readyState !== EventSource.CLOSED) return setStatus("connecting");
    // An answer that wasn't a stream (a proxy's 502 during a deploy, a session that ended): the browser
    // gives up for good, so the page tries again itself.
    clearTimeout(watchdog);
    current.close();
    source = null;
    reopenLater().catch((error) => console.error("live: could not reconnect", error));
  });
}

/** How long a hidden tab keeps its stream before it leaves it to the background tab (see above). */
export const HIDDEN_GRACE_MS = 10_000;
/** Held by the one hidden tab per browser that keeps streaming. */
export const BACKGROUND_LOCK = "beacon-live-background";
/** True while this tab has closed its stream to leave the connection to others. */
let suspended = false;
let hiddenTimer: ReturnType<typeof setTimeout> | undefined;
/** Set while this tab holds the background lock or waits for it: lets it go. */
let leaveBackground: (() => void) | null = null;

const isHidden = () => document.visibilityState === "hidden";

function startSse() {
  suspended = true;
  if (isHidden()) goBackground(); // opened in a background tab
  else resume();
  document.addEventListener("visibilitychange", () => {
    clearTimeout(hiddenTimer);
    if (isHidden()) hiddenTimer = setTimeout(goBackground, HIDDEN_GRACE_MS);
    else {
      leaveBackground?.();
      resume();
    }
  });
}

/** Closes the stream while this tab is in the background and another one streams. */
function suspend() {
  clearTimeout(reopenTimer);
  clearTimeout(watchdog);
  source?.close();
  source = null;
  suspended = true;
}

/** Opens the stream again, from the last event shown. */
function resume() {
  if (!suspended) return;
  suspended = false;
  connectSse();
}

/**
 * A hidden tab: keeps streaming if no other hidden tab does (it takes the background lock), else closes
 * its stream and waits its turn. Without Web Locks (an insecure context), every tab keeps its stream.
 */
function goBackground() {
  const locks = globalThis.navigator?.locks;
  if (!locks) return resume();
  if (leaveBackground) return;
  const abort = new AbortController();
  let release = () => {};
  /** Holds the lock until this tab is shown again, or lets it go at once if it already was. */
  const hold = () =>
    abort.signal.aborted ? undefined : new Promise<void>((resolve) => {
      release = resolve;
      resume();
    });
  leaveBackground = () => {
    leaveBackground = null;
    abort.abort();
    release();
  };
  locks.request(BACKGROUND_LOCK, { ifAvailable: true }, (lock) => {
    if (lock) return hold();
    if (abort.signal.aborted) return;
    suspend();
    locks.request(BACKGROUND_LOCK, { signal: abort.signal }, hold).catch(() => {}); // aborted: shown again
  }).catch((error) => console.error("live: background lock failed", error));
}

/**
 * After the browser gave up on the stream: asks the feed for what was missed, which also tells a
 * signed-out session (stop) from a server that is down (wait longer each time, then reopen).
 */
async function reopenLater() {
  if (await catchUpFromFeed() === 401) return setStatus("signed-out");
  setStatus("offline");
  if (suspended) return; // in the background meanwhile: it reconnects when its turn comes
  reopen = connectSse;
  reopenTimer = setTimeout(connectSse, backoffMs(reopenFailures++, RETRY_WAITS));
}

// ---------------------------------------------------------------------------------------------------------
// Supabase Realtime

interface Access {
  token: string;
  expiresAt: number;
  url: string;
  anonKey: string;
  topics: string[];
}

/** Renew this long before the token ends. */
const RENEW_BEFORE_MS = 2 * 60_000;
/**
 * How often a page on Supabase checks Beacon's feed for events whose broadcast never came: an instance
 * stopped before it sent them, or Supabase refused them (the server drops a batch after its retries).
 * Broadcasts come fast; the feed is the record.
 */
export const RECONCILE_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function fetchAccess(): Promise<Access> {
  for (let attempt = 0;; attempt++) {
    try {
      const response = await fetch("/api/realtime/token", { credentials: "same-origin" });
      if (response.ok) return await response.json();
      if (response.status === 401) {
        setStatus("signed-out");
        throw new Error("signed out");
      }
    } catch (error) {
      if ((error as Error).message === "signed out") throw error;
    }
    await sleep(backoffMs(attempt, RETRY_WAITS));
  }
}

function startSupabase() {
  connectSupabase().catch((error) => {
    if (status === "signed-out") return;
    console.error("live: Supabase Realtime failed to start", error);
    setStatus("offline");
    reopen = startSupabase;
  });
}

async function connectSupabase() {
  setStatus("connecting");
  let access = await fetchAccess();
  let renewing: Promise<void> | null = null;
  const { createClient } = await import("@supabase/supabase-js");
  const client = createClient(access.url, access.anonKey, {
    // Beacon signs the token; supabase-js asks for it on connect and with each heartbeat.
    accessToken: () => Promise.resolve(access.token),
  });

  const renew = () =>
    renewing ??= (async () => {
      access = await fetchAccess();
      // Sends the new token to every joined channel now (an expired one would close them).
      await client.realtime.setAuth(access.token);
      schedule();
    })().catch(() => {}).finally(() => renewing = null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(renew, Math.max(5_000, access.expiresAt - Date.now() - RENEW_BEFORE_MS));
  };
  // A tab that slept past its timer renews as soon as it wakes.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && access.expiresAt - Date.now() < RENEW_BEFORE_MS) renew();
  });
  await client.realtime.setAuth(access.token);
  schedule();

  const joined = new Set<string>();
  let catchingUp: Promise<unknown> | null = null;
  /** What happened while not every channel was joined. */
  const catchUp = () => catchingUp ??= catchUpFromFeed().finally(() => catchingUp = null);

  const join = (topic: string) => {
    const channel = client.channel(topic, { config: { private: true } });
    let replaced = false;
    channel.on("broadcast", { event: "live" }, ({ payload }) => {
      // Only the feed moves the resume point: a broadcast may have been lost before this one.
      dispatch(payload as LiveEvent, false);
    });
    channel.subscribe((status) => {
      if (status === "SUBSCRIBED") {
        joined.add(topic);
        if (joined.size === access.topics.length) {
          setStatus("live");
          catchUp();
        }
        return;
      }
      joined.delete(topic);
      if (replaced) return;
      setStatus("connecting");
      // supabase-js rejoins after errors and timeouts by itself (with the latest token); a channel the
      // server closed (an expired token) is joined again here, with a fresh token.
      if (status === "CHANNEL_ERROR") renew();
      if (status === "CLOSED") {
        replaced = true;
        renew();
        client.removeChannel(channel).finally(() => setTimeout(() => join(topic), 1_000));
      }
    });
  };
  for (const topic of access.topics) join(topic);
  setInterval(() => {
    if (joined.size === access.topics.length) catchUp();
  }, RECONCILE_MS);
}

// ---------------------------------------------------------------------------------------------------------

/** Calls `listener` with every live event for this user; returns an unsubscribe function. */
export function onLive(listener: Listener): () => void {
  listeners.add(listener);
  // Islands hydrate one by one; what came before this one did is newer than its server-rendered state.
  for (const event of seen.values()) deliver(listener, event);
  connect();
  return () => listeners.delete(listener);
}

/** Calls `listener` with the connection's status now and whenever it changes. */
export function onLiveStatus(listener: (status: LiveStatus) => void): () => void {
  statusListeners.add(listener);
  listener(shownStatus());
  return () => statusListeners.delete(listener);
}
