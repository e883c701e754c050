/**
 * GET /api/live — Server-Sent Events for the embedded realtime hub. The page
 * passes the id of the last event it knows (`?after=`, or the browser's
 * Last-Event-ID on reconnect); the stream first replays what was missed from the
 * team feed in KV, then forwards live events. Subscribing happens before the
 * replay and duplicates are dropped, so nothing falls between the two.
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { feedSince } from "../../lib/realtime/feed.ts";
import type { LiveEvent } from "../../lib/realtime/realtime.ts";
import { AppError } from "../../lib/http/errors.ts";
import type { AppEnv } from "../deps.ts";
import { viewer } from "../middleware/auth.ts";

export const liveApi = new Hono<AppEnv>();

export const HEARTBEAT_MS = 20_000;

liveApi.get("/live", (c) => {
  const { kv, realtime } = c.get("deps");
  const { user, team } = viewer(c);
  const after = c.req.header("last-event-id") || c.req.query("after") || "";
  const buffered: LiveEvent[] = [];
  let deliver: ((event: LiveEvent) => void) | null = null;
  const unsubscribe = realtime.subscribe(team.id, (event) => {
    if (event.userId && event.userId !== user.id) return;
    if (deliver) deliver(event);
    else buffered.push(event);
  });
  if (!unsubscribe) {
    throw new AppError(
      404,
      "not_found",
      `Live events come from ${realtime.name} with this configuration, not from /api/live.`,
    );
  }
  c.header("X-Accel-Buffering", "no");
  return streamSSE(c, async (stream) => {
    const sent = new Set<string>();
    const send = async (event: LiveEvent) => {
      if (sent.has(event.id)) return;
      sent.add(event.id);
      if (sent.size > 5_000) sent.delete(sent.values().next().value!);
      await stream.writeSSE({ id: event.id, event: "live", data: JSON.stringify(event) });
    };
    let closed = false;
    stream.onAbort(() => {
      closed = true;
      unsubscribe();
    });
    await stream.writeSSE({ event: "ready", data: JSON.stringify({ at: Date.now() }), retry: 2000 });
    if (after) {
      for (const event of await feedSince(kv, team.id, after)) {
        if (!event.userId || event.userId === user.id) await send(event);
      }
    }
    // From here on events go straight out, in order, behind whatever is being written.
    let chain = Promise.resolve();
    deliver = (event) => {
      chain = chain.then(() => send(event)).catch(() => {});
    };
    for (const event of buffered.splice(0)) deliver(event);
    while (!closed) {
      await stream.sleep(HEARTBEAT_MS);
      if (!closed) await stream.write(": heartbeat\n\n");
    }
  });
});
