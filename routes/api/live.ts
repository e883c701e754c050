/**
 * GET /api/live — Server-Sent Events for the embedded realtime hub. The page
 * passes the id of the last event it knows (`?after=`, or the browser's
 * Last-Event-ID on reconnect); the stream first replays what was missed from the
 * team feed in KV (up to MAX_CATCH_UP events; beyond that it sends `missed`), then
 * forwards live events. Subscribing happens before the
 * replay and duplicates are dropped, so nothing falls between the two.
 *
 * One event goes to every open page of its team, so the fan-out is kept cheap: the
 * event's frame is encoded once and the same bytes are queued on each page's
 * stream, synchronously (no promise per page). A page that stops reading is cut off
 * once it is far behind, and every stream ends when the hub closes (shutdown); the
 * browser reconnects and replays from the feed. A stream also ends once the session or
 * API token that opened it no longer stands (RECHECK_MS): reconnecting then gets a 401.
 */
import { Hono } from "hono";
import { replayFeed } from "../../lib/realtime/feed.ts";
import { withEvents } from "../../lib/tracking/live_feed.ts";
import { HEARTBEAT_MS, type LiveEvent } from "../../lib/realtime/realtime.ts";
import { AppError } from "../../lib/http/errors.ts";
import type { AppEnv } from "../deps.ts";
import { signedInUser, viewer } from "../middleware/auth.ts";

export const liveApi = new Hono<AppEnv>();

/** Bytes a stream may have queued and unread before it is closed (the page then reconnects and replays). */
export const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;

/**
 * How often an open stream asks again whether its session (or API token) still stands, when it has something to
 * send or a heartbeat is due: a member removed, signed out or whose password changed stops hearing the team.
 */
export const RECHECK_MS = 15_000;

/**
 * How long a browser waits to reconnect a dropped stream (SSE `retry`): each page is told a
 * different wait within this window, so after a restart the pages come back spread over a few
 * seconds instead of all in the same one (each reconnect replays from the feed).
 */
export const RECONNECT_WINDOW_MS = [2_000, 5_000] as const;
const reconnectAfterMs = () => {
  const [min, max] = RECONNECT_WINDOW_MS;
  return min + Math.floor(Math.random() * (max - min));
};

const encoder = new TextEncoder();
/** One Server-Sent Events message (EventSource dispatches it as `event`; every kind carries data). */
const sseFrame = (
  { id, event, data, retry }: { id?: string; event: string; data: unknown; retry?: number },
) =>
  encoder.encode(
    `${id ? `id: ${id}\n` : ""}event: ${event}\ndata: ${JSON.stringify(data)}\n${
      retry ? `retry: ${retry}\n` : ""
    }\n`,
  );
const HEARTBEAT = sseFrame({ event: "ping", data: {} });
const MISSED = sseFrame({ event: "missed", data: {} });
const frames = new WeakMap<LiveEvent, Uint8Array>();
/** The event's SSE frame, encoded once for all the streams it goes to (chunks are only read, never changed). */
function frameOf(event: LiveEvent): Uint8Array {
  let frame = frames.get(event);
  if (!frame) {
    frame = sseFrame({ id: event.id, event: "live", data: event });
    frames.set(event, frame);
  }
  return frame;
}

liveApi.get("/live", (c) => {
  const { kv, realtime, clock } = c.get("deps");
  const { user, team } = viewer(c);
  const after = c.req.header("last-event-id") || c.req.query("after") || "";
  const buffered: LiveEvent[] = [];
  let deliver: ((event: LiveEvent) => void) | null = null;
  /** Ends the stream from this side (the hub is shutting down): the page reconnects, to whatever serves next. */
  let end = () => {};
  let checkedAt = clock.now();
  /** When a check is due: holds events back while it asks, then lets them out, or ends the stream. */
  const recheck = () => {
    if (!deliver || clock.now() - checkedAt < RECHECK_MS) return;
    checkedAt = clock.now();
    const resume = deliver;
    deliver = null;
    signedInUser(c).catch(() => null).then((still) => {
      if (still?.user.id !== user.id) return end();
      for (const event of buffered.splice(0)) resume(event);
      deliver = resume;
    });
  };
  const unsubscribe = realtime.subscribe(team.id, (event) => {
    if (event.userId && event.userId !== user.id) return;
    recheck();
    if (deliver) deliver(event);
    else buffered.push(event);
  }, () => end());
  if (!unsubscribe) {
    throw new AppError(
      404,
      "not_found",
      `Live events come from ${realtime.name} with this configuration, not from /api/live.`,
    );
  }

  let closed = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
  };

  // Ids already sent, to drop the overlap between the replay and live events; once the replay
  // is done, live events arrive once each and in order, and the set is let go.
  let sent: Set<string> | null = new Set<string>();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      end = () => {
        if (closed) return;
        close();
        controller.close();
      };
      const enqueue = (bytes: Uint8Array) => {
        if (closed) return;
        // Far behind: end this stream rather than hold its backlog in memory.
        if ((controller.desiredSize ?? 0) < -MAX_BACKLOG_BYTES) return end();
        controller.enqueue(bytes);
      };
      const send = (event: LiveEvent) => {
        if (sent) {
          if (sent.has(event.id)) return;
          sent.add(event.id);
        }
        enqueue(frameOf(event));
      };
      enqueue(sseFrame({
        event: "ready",
        data: { at: Date.now(), heartbeatMs: HEARTBEAT_MS },
        retry: reconnectAfterMs(),
      }));
      heartbeat = setInterval(() => {
        recheck();
        enqueue(HEARTBEAT);
      }, HEARTBEAT_MS);
      (async () => {
        if (!after) return;
        const { events, complete } = await replayFeed(kv, team.id, after, clock.now());
        for (const event of await withEvents(kv, events)) {
          if (!event.userId || event.userId === user.id) send(event);
        }
        // Away too long to replay it all: the page says so (a reload shows the latest).
        if (!complete) enqueue(MISSED);
      })().catch((error) => console.error("live: replay failed", error)).finally(() => {
        // From here on events go straight out, in order.
        for (const event of buffered.splice(0)) send(event);
        sent = null;
        deliver = send;
      });
    },
    // A page that goes away: Deno cancels the body when the connection drops (request.signal is not needed,
    // and would also fire after a stream that ended well).
    cancel: close,
  }, new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }));

  return c.body(body, 200, {
    "Content-Type": "text/event-stream",
    "Cache-Control": "no-cache",
    "Connection": "keep-alive",
    "X-Accel-Buffering": "no",
  });
});
