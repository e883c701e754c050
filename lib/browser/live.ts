/// <reference lib="dom" />
/**
 * The page's one live connection, shared by every island on it. Events carry
 * ULIDs; the connection resumes from the last one it saw, and events are handed
 * to listeners once each — also to an island that starts listening after they came.
 *
 * The layout says which transport the server uses (`<meta name="live-transport">`):
 * - `local`: Server-Sent Events from /api/live; the server replays what was missed
 *   (`?after=`, then the browser's Last-Event-ID when EventSource reconnects).
 * - `supabase`: Supabase Realtime private channels (the team's topic and the user's
 *   own), joined with a short-lived token from /api/realtime/token that is renewed
 *   before it ends (realtime.setAuth). Each time every channel is (re)joined, the page
 *   asks /api/feed?after=<last id> for what it missed. supabase-js is loaded only
 *   here, with a dynamic import, so pages on the local transport never download it.
 */
import type { LiveEvent } from "../realtime/realtime.ts";

export type { LiveEvent };
type Listener = (event: LiveEvent) => void;
export type LiveStatus = "connecting" | "live" | "offline";

const listeners = new Set<Listener>();
const statusListeners = new Set<(status: LiveStatus) => void>();
/**
 * The events this page has had, by id, in the order they came: each is handed out once, and a
 * listener that starts late (its island hydrated after they came) is handed them too.
 */
const seen = new Map<string, LiveEvent>();
let started = false;
let lastId = "";

function meta(name: string): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? "";
}

function setStatus(status: LiveStatus) {
  for (const fn of statusListeners) fn(status);
}

function dispatch(event: LiveEvent, advance = true) {
  if (!event?.id || seen.has(event.id)) return;
  seen.set(event.id, event);
  if (seen.size > 2_000) seen.delete(seen.keys().next().value!);
  if (advance && event.id > lastId) lastId = event.id;
  for (const listener of listeners) deliver(listener, event);
}

function deliver(listener: Listener, event: LiveEvent) {
  try {
    listener(event);
  } catch (error) {
    console.error("live listener failed", error);
  }
}

function connect() {
  if (started) return;
  started = true;
  lastId = meta("live-after");
  if (meta("live-transport") === "supabase") {
    connectSupabase().catch((error) => {
      console.error("live: Supabase Realtime failed to start", error);
      setStatus("offline");
    });
  } else {
    connectSse();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Server-Sent Events (the embedded hub)

function connectSse() {
  if (typeof EventSource === "undefined") return;
  setStatus("connecting");
  const source = new EventSource(`/api/live?after=${encodeURIComponent(lastId)}`);
  source.addEventListener("ready", () => setStatus("live"));
  source.addEventListener("live", (message) => dispatch(JSON.parse((message as MessageEvent).data)));
  // EventSource reconnects by itself and sends Last-Event-ID; the server replays from there.
  source.addEventListener(
    "error",
    () => setStatus(source.readyState === EventSource.CLOSED ? "offline" : "connecting"),
  );
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
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function fetchAccess(): Promise<Access> {
  for (let attempt = 0;; attempt++) {
    try {
      const response = await fetch("/api/realtime/token", { credentials: "same-origin" });
      if (response.ok) return await response.json();
      if (response.status === 401) {
        setStatus("offline");
        throw new Error("signed out");
      }
    } catch (error) {
      if ((error as Error).message === "signed out") throw error;
    }
    await sleep(Math.min(30_000, 1_000 * 2 ** attempt));
  }
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
  let catchingUp: Promise<void> | null = null;
  /** What happened while not every channel was joined: ask Beacon's feed, from the last event shown. */
  const catchUp = () =>
    catchingUp ??= (async () => {
      if (!lastId) return;
      const response = await fetch(`/api/feed?after=${encodeURIComponent(lastId)}`, {
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const { items } = await response.json() as { items: LiveEvent[] };
      for (const event of items) dispatch(event);
    })().catch(() => {}).finally(() => catchingUp = null);

  const join = (topic: string) => {
    const channel = client.channel(topic, { config: { private: true } });
    let replaced = false;
    channel.on("broadcast", { event: "live" }, ({ payload }) => {
      // While a channel is down, only the feed may move the resume point (nothing is skipped).
      dispatch(payload as LiveEvent, joined.size === access.topics.length);
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

export function onLiveStatus(listener: (status: LiveStatus) => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}
