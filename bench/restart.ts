/**
 * What a restart costs with many live pages open: Beacon runs with N Server-Sent Event streams of
 * /api/live (pages that behave like EventSource: after a drop, or a refused connection, they wait the
 * `retry` the server last told them and connect again), is stopped and started again, and the bench
 * reports when the pages came back and the restarted process's peak RSS while they did.
 *
 *   deno task bench:restart [--pages 1000] [--app <dir>]
 *
 * `--app` measures another checkout (for example a copy with a different `retry`), on the same machine.
 */
import { benchArgs } from "./args.ts";
import {
  appDir,
  beaconRunArgs,
  childEnv,
  freePort,
  HttpClient,
  mb,
  procStatusKb,
  type Server,
  servingPid,
  sleep,
  spawnServer,
  stop,
  waitForHttp,
} from "./lib.ts";

const { num, str } = benchArgs({ numbers: { pages: 1_000 }, strings: { app: "" } });
const app = appDir(str.app);
const log = (line: string) => console.log(line);

const dataDir = await Deno.makeTempDir({ prefix: "beacon-bench-restart-" });
const port = freePort();
const args = await beaconRunArgs(app);
const env = childEnv({ PORT: String(port), BEACON_DATA_DIR: dataDir });
async function start(): Promise<Server> {
  const server = spawnServer("Beacon", args, { cwd: app, env, port, logPath: `${dataDir}/beacon.log` });
  await waitForHttp(server, "/healthz");
  server.pid = servingPid(server.child.pid, "main.ts");
  return server;
}

log(`Beacon restart with ${num.pages} live pages   app: ${app}   data: ${dataDir}`);
let beacon = await start();
const client = new HttpClient(`http://127.0.0.1:${port}`);
await client.signUp({ teamName: "Bench Co", email: "ana@bench.example" });
const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");

/** Pages with a stream that has said `ready`; and, after the restart, when each came back and the retry it was told. */
let open = 0;
let restartedAt = 0;
const back: number[] = [];
const retries: number[] = [];
const encoder = new TextEncoder(), decoder = new TextDecoder();
const request = encoder.encode(`GET /api/live HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\n\r\n`);

/** One page: connects, reads until the stream ends, waits its `retry` (EventSource's 3 s until told), again. */
async function page() {
  let retry = 3_000;
  for (;;) {
    let ready = false;
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(request);
      const buffer = new Uint8Array(16 * 1024);
      for (;;) {
        const n = await conn.read(buffer).catch(() => null);
        if (n === null) break;
        const told = ready ? null : decoder.decode(buffer.subarray(0, n)).match(/^retry: (\d+)$/m);
        if (told) {
          ready = true;
          retry = Number(told[1]);
          open++;
          if (restartedAt) {
            back.push(performance.now() - restartedAt);
            retries.push(retry);
          }
        }
      }
      conn.close();
    } catch {
      // refused while Beacon is down, or already closed
    }
    if (ready) open--;
    await sleep(retry);
  }
}
for (let i = 0; i < num.pages; i++) page();
while (open < num.pages) await sleep(50);
log(`· ${num.pages} pages live; Beacon RSS ${mb(procStatusKb(beacon.pid, "VmRSS"))}`);

await stop(beacon);
restartedAt = performance.now();
beacon = await start();
log(`· stopped and started again: serving after ${((performance.now() - restartedAt) / 1000).toFixed(2)} s`);
const deadline = performance.now() + 60_000;
while (back.length < num.pages && performance.now() < deadline) await sleep(50);
await sleep(1_000);

const seconds = back.toSorted((a, b) => a - b).map((t) => t / 1000);
const at = (p: number) => seconds[Math.floor(p * (seconds.length - 1))]?.toFixed(2) ?? "n/a";
const told = retries.toSorted((a, b) => a - b);
log(`· retry told to the pages: ${told[0]}–${told.at(-1)} ms`);
log(
  `· pages back: ${back.length} of ${num.pages}, from ${at(0)} s to ${at(1)} s after the stop ` +
    `(p10 ${at(0.1)}, p50 ${at(0.5)}, p90 ${at(0.9)})`,
);
log(
  `· restarted Beacon: peak RSS (VmHWM) ${mb(procStatusKb(beacon.pid, "VmHWM"))}, ` +
    `now ${mb(procStatusKb(beacon.pid, "VmRSS"))} (limit 256 MB)`,
);
await stop(beacon);
await Deno.remove(dataDir, { recursive: true }).catch(() => {});
Deno.exit(back.length === num.pages ? 0 : 1);
