/// <reference lib="dom" />
/**
 * The page's one live connection, shared by every island on it. Events carry
 * ULIDs; the connection resumes from the last one it saw (the server replays
 * what was missed), and events are handed to listeners once each.
 */
import type { LiveEvent } from "../realtime/realtime.ts";

export type { LiveEvent };
type Listener = (event: LiveEvent) => void;
export type LiveStatus = "connecting" | "live" | "offline";

const listeners = new Set<Listener>();
const statusListeners = new Set<(status: LiveStatus) => void>();
const seen = new Set<string>();
let source: EventSource | null = null;
let lastId = "";

function meta(name: string): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? "";
}

function setStatus(status: LiveStatus) {
  for (const fn of statusListeners) fn(status);
}

function dispatch(event: LiveEvent) {
  if (seen.has(event.id)) return;
  seen.add(event.id);
  if (seen.size > 2_000) seen.delete(seen.values().next().value!);
  if (event.id > lastId) lastId = event.id;
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      console.error("live listener failed", error);
    }
  }
}

function connect() {
  if (source || typeof EventSource === "undefined") return;
  lastId = meta("live-after");
  setStatus("connecting");
  source = new EventSource(`/api/live?after=${encodeURIComponent(lastId)}`);
  source.addEventListener("ready", () => setStatus("live"));
  source.addEventListener("live", (message) => dispatch(JSON.parse((message as MessageEvent).data)));
  // EventSource reconnects by itself and sends Last-Event-ID; the server replays from there.
  source.addEventListener(
    "error",
    () => setStatus(source?.readyState === EventSource.CLOSED ? "offline" : "connecting"),
  );
}

/** Calls `listener` with every live event for this user; returns an unsubscribe function. */
export function onLive(listener: Listener): () => void {
  listeners.add(listener);
  connect();
  return () => listeners.delete(listener);
}

export function onLiveStatus(listener: (status: LiveStatus) => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}
