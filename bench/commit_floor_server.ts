/**
 * The second baseline for bench/tracking.ts: the least a server can do that answers a hit only once it is
 * durable in KV, as Beacon does. It keeps Beacon's commit pattern and nothing else: one commit in flight,
 * hits arriving meanwhile form the next batch, and each batch commits one entry of EVENT_BYTES per hit (about
 * what Beacon stores for an open) and a counter, then answers its hits with the same GIF. No routing, tokens,
 * classification or live events. Beacon's distance to the bare server is mostly this floor's distance; its
 * own work is the rest.
 *
 *   PORT=8124 KV_PATH=/tmp/floor.kv deno run --allow-net --allow-env --allow-read --allow-write \
 *     --unstable-kv bench/commit_floor_server.ts
 */
import { GIF, HEADERS } from "./gif.ts";

/** A stored open in Beacon is 408–474 bytes (docs/ARCHITECTURE.md, Tracking). */
const EVENT_BYTES = 450;

const port = Number(Deno.env.get("PORT") ?? 8124);
const kv = await Deno.openKv(Deno.env.get("KV_PATH") ?? ":memory:");

let waiting: (() => void)[] = [];
let inFlight = false;
let batches = 0;

function pump() {
  if (inFlight || !waiting.length) return;
  inFlight = true;
  const batch = waiting;
  waiting = [];
  batches++;
  kv.atomic()
    .set(["events", batches], new Uint8Array(EVENT_BYTES * batch.length))
    .sum(["count"], BigInt(batch.length))
    .commit()
    .then(() => {
      inFlight = false;
      pump();
      for (const answer of batch) answer();
    }, (error) => {
      console.error("commit failed:", error);
      Deno.exit(1);
    });
}

Deno.serve(
  { port, onListen: ({ port }) => console.log(`commit floor server on http://127.0.0.1:${port}`) },
  async (request) => {
    await new Promise<void>((answer) => {
      waiting.push(answer);
      pump();
    });
    return new Response(request.method === "HEAD" ? null : GIF, { status: 200, headers: HEADERS });
  },
);
