/**
 * deno task bench:schedule — how late scheduled sends go out. Starts Beacon as `deno task start`
 * does (its own process, its flags, a KV file, the Outbox mailer), schedules 1,000 emails for the same
 * second, and measures lateness (sentAt − due time) with (a) KV queue wake-ups and (b) the
 * once-a-minute cron sweep alone. Goals: p99 under 1 s for (a), under 61 s for (b).
 *
 *   deno task bench:schedule [--count 1000]
 */
import {
  appDir,
  beaconRunArgs,
  childEnv,
  freePort,
  HttpClient,
  int,
  mb,
  procStatusKb,
  servingPid,
  sleep,
  spawnServer,
  stop,
  table,
  waitForHttp,
} from "./lib.ts";
import { benchArgs } from "./args.ts";

const COUNT = benchArgs({ numbers: { count: 1000 } }).num.count;
const ROOT = appDir("");

interface Result {
  mode: string;
  lateness: number[];
  peakRssKb: number | null;
  setupMs: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];

async function run(mode: string, wakeups: string): Promise<Result> {
  const dir = await Deno.makeTempDir({ prefix: "beacon-bench-schedule-" });
  const port = freePort();
  const server = spawnServer(mode, await beaconRunArgs(ROOT), {
    cwd: ROOT,
    env: childEnv({ PORT: String(port), BEACON_DATA_DIR: dir, BEACON_WAKEUPS: wakeups }),
    port,
    logPath: `${dir}/server.log`,
  });
  try {
    await waitForHttp(server, "/healthz");
    const client = new HttpClient(`http://127.0.0.1:${port}`);
    await client.signUp({ teamName: "Bench", name: "Ana", email: "ana@bench.example", timeZone: "UTC" });
    await client.api("POST", "/contacts", {
      firstName: "Ken",
      email: "ken@globex.example",
      timeZone: "Asia/Tokyo",
    });
    const started = Date.now();
    const ids: string[] = [];
    // Drafts first; the due time is set once they exist, so every email is due in the same second.
    for (let i = 0; i < COUNT; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, COUNT - i) }, (_, j) =>
          client.api("POST", "/messages", {
            to: ["ken@globex.example"],
            subject: `Bench ${i + j}`,
            html: "<p>Hello</p>",
          })),
      );
      ids.push(...batch.map((r) => r.json.id));
    }
    const dueAt = Math.ceil((Date.now() + 15_000) / 1000) * 1000;
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(
        ids.slice(i, i + 50).map((id) => client.api("POST", `/messages/${id}/schedule`, { at: dueAt })),
      );
    }
    const setupMs = Date.now() - started;
    const pid = servingPid(server.pid, "main.ts");
    const deadline = dueAt + (wakeups.includes("queue") ? 60_000 : 150_000);
    let sent: number[] = [];
    // Results are read after the send window: listing a thousand messages every second would compete
    // with the sends for KV. sentAt is stored with each message, so when it is read changes nothing.
    const firstLook = dueAt + (wakeups.includes("queue") ? 3_000 : 0);
    while (Date.now() < deadline) {
      await sleep(wakeups.includes("queue") ? 1000 : 5000);
      if (Date.now() < firstLook) continue;
      sent = [];
      let cursor: string | null = null;
      do {
        const page: { json: { items: { message: { sentAt: number | null } }[]; cursor: string | null } } =
          await client
            .api("GET", `/messages?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        sent.push(...page.json.items.map((i) => i.message.sentAt).filter((t): t is number => t !== null));
        cursor = page.json.cursor;
      } while (cursor);
      if (sent.length >= COUNT) break;
    }
    const peakRssKb = procStatusKb(pid, "VmHWM");
    if (sent.length < COUNT) {
      throw new Error(`${mode}: only ${sent.length} of ${COUNT} sent before the deadline`);
    }
    return { mode, lateness: sent.map((t) => t - dueAt).sort((a, b) => a - b), peakRssKb, setupMs };
  } finally {
    await stop(server);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

console.log(`bench:schedule — ${COUNT} emails due in the same second, sent to the Outbox`);
console.log(`machine: ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}\n`);
const results = [await run("(a) queue wake-ups", "queue,cron"), await run("(b) cron sweep only", "cron")];
const s = (n: number) => `${(n / 1000).toFixed(2)} s`;
console.log(table([
  ["mode", "sent", "min late", "p50 late", "p99 late", "max late", "peak RSS"],
  ...results.map((r) => [
    r.mode,
    int(r.lateness.length),
    s(r.lateness[0]),
    s(percentile(r.lateness, 0.5)),
    s(percentile(r.lateness, 0.99)),
    s(r.lateness.at(-1)!),
    mb(r.peakRssKb),
  ]),
]));
const [a, b] = results;
console.log(`\ngoal (a) p99 < 1 s: ${percentile(a.lateness, 0.99) < 1000 ? "met" : "NOT met"}`);
console.log(`goal (b) p99 < 61 s: ${percentile(b.lateness, 0.99) < 61_000 ? "met" : "NOT met"}`);
console.log(`peak RSS under 256 MB: ${results.every((r) => (r.peakRssKb ?? 0) < 256 * 1024) ? "yes" : "NO"}`);
console.log("\nreproduce: deno task bench:schedule");
