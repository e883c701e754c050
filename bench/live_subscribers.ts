/**
 * Live subscribers for bench/realtime.ts, run as their own process: holds N Server-Sent Event streams
 * of Beacon's /api/live (as N open pages would), and notes when each benchmark hit's event arrives.
 *
 *   deno run --allow-net bench/live_subscribers.ts <base url> <cookie header> <count> <after id> [tcp|fetch]
 *
 * Each stream is a plain HTTP/1.1 GET on its own TCP connection read with Deno.connect (the default,
 * `tcp`: the cheapest client, so this process takes less of the machine than Beacon), or a fetch()
 * stream (`fetch`). The parsing is the same: the response is scanned for the hit marker.
 *
 * Prints `ready <n>` when every stream has its `ready` event, then, when a line arrives on stdin (or
 * stdin closes), one JSON line: for each subscriber, [hit number, arrival time] pairs, times in epoch
 * milliseconds with sub-millisecond precision (performance.timeOrigin + performance.now(), comparable
 * across processes on one machine). Hits are told apart by their user agent, ending `beacon-bench-hit-<n>`.
 */
const [base, cookie, countText, after, client = "tcp"] = Deno.args;
const count = Number(countText);
const now = () => performance.timeOrigin + performance.now();

export interface SubscriberReport {
  /** Per subscriber: [hit number, arrival time]. */
  received: [number, number][][];
  /** Streams that failed or ended early. */
  errors: string[];
  duplicates: number;
}

const received: [number, number][][] = Array.from({ length: count }, () => []);
const errors: string[] = [];
let duplicates = 0;
let ready = 0;
const controller = new AbortController();
const MARKER = "beacon-bench-hit-";

/** The response body's bytes, as they arrive. */
async function* streamOf(index: number): AsyncGenerator<Uint8Array> {
  const path = `/api/live?after=${after}`;
  if (client === "fetch") {
    const response = await fetch(`${base}${path}`, {
      headers: { cookie, accept: "text/event-stream" },
      signal: controller.signal,
    });
    if (!response.ok || !response.body) throw new Error(`subscriber ${index}: HTTP ${response.status}`);
    yield* response.body;
    return;
  }
  const url = new URL(base);
  const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  controller.signal.addEventListener("abort", () => conn.close());
  await conn.write(
    new TextEncoder().encode(
      `GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${cookie}\r\nAccept: text/event-stream\r\n\r\n`,
    ),
  );
  const buffer = new Uint8Array(64 * 1024);
  let first = true;
  for (;;) {
    const n = await conn.read(buffer).catch(() => null);
    if (n === null) return;
    const bytes = buffer.slice(0, n);
    if (first) {
      first = false;
      const head = new TextDecoder().decode(bytes.subarray(0, 16));
      if (!head.startsWith("HTTP/1.1 200")) throw new Error(`subscriber ${index}: ${head}`);
    }
    yield bytes;
  }
}

async function subscribe(index: number): Promise<void> {
  const seen = new Set<number>();
  const decoder = new TextDecoder();
  // Scans for the hit marker instead of parsing every frame: this process must stay cheaper than Beacon.
  let carry = "";
  let isReady = false;
  for await (const bytes of streamOf(index)) {
    const at = now();
    const text = carry + decoder.decode(bytes, { stream: true });
    if (!isReady && text.includes("event: ready")) {
      isReady = true;
      if (++ready === count) console.log(`ready ${count}`);
    }
    let from = 0;
    let end = text.length;
    for (;;) {
      const i = text.indexOf(MARKER, from);
      if (i < 0) break;
      let j = i + MARKER.length;
      while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      if (j === text.length) {
        end = i; // the number may go on in the next chunk
        break;
      }
      const n = Number(text.slice(i + MARKER.length, j));
      from = j;
      if (seen.has(n)) {
        duplicates++;
        continue;
      }
      seen.add(n);
      received[index].push([n, at]);
    }
    carry = text.slice(Math.max(from, end === text.length ? text.length - MARKER.length : end));
  }
  if (!controller.signal.aborted) throw new Error(`subscriber ${index}: stream ended`);
}

// Open the streams a few at a time, as pages would arrive.
const streams: Promise<void>[] = [];
for (let i = 0; i < count; i++) {
  streams.push(
    subscribe(i).catch((error) => {
      if (controller.signal.aborted) return;
      errors.push(String(error?.message ?? error));
      console.log(`error ${errors.at(-1)}`);
    }),
  );
  if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 20));
}

// Wait for the parent's word (a line, or stdin closing), then report and leave.
const reader = Deno.stdin.readable.getReader();
await reader.read().catch(() => {});
controller.abort();
await Promise.race([Promise.allSettled(streams), new Promise((resolve) => setTimeout(resolve, 2_000))]);
const report: SubscriberReport = { received, errors, duplicates };
console.log(JSON.stringify(report));
Deno.exit(0);
