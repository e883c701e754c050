/**
 * Benchmark of live updates (`deno task bench:realtime`): hit → event delay with 1,000 subscribers on
 * the embedded adapter (in-process hub → Server-Sent Events). Not a test: it measures.
 *
 * 1. Starts Beacon as `deno task start` does (`deno run <its flags> main.ts`), with PORT,
 *    BEACON_DATA_DIR=<temp dir> and no SUPABASE_* so the local hub is used; signs up through the real
 *    form, creates a contact, sends --messages emails through the JSON API and finds their open pixels on
 *    the Outbox pages (hits go to the messages in turn, as opens of many emails would).
 * 2. Opens --subscribers Server-Sent Event streams of /api/live with the seller's session, from
 *    --procs other processes (bench/live_subscribers.ts), and waits until every stream is ready.
 * 3. Sends a stream of open-pixel hits at --rate per second for --duration seconds (each its own request,
 *    not waiting for the previous one), each with a mail client's user agent ending in
 *    `beacon-bench-hit-<n>`, so every subscriber can tell which hit an event reports.
 * 4. Reports the delay from sending a hit to each subscriber receiving its event (p50, p99, max over every
 *    subscriber × hit), the hits' own answer times, events missed per subscriber (must be 0), duplicates,
 *    Beacon's peak RSS (VmHWM) and the CPU each process used.
 *
 * Before measuring it waits (up to --quiet-wait seconds) until other processes use under 10% of a core,
 * and says so when the machine was busy anyway.
 *
 * Options: --subscribers 1000  --procs 2  --rate 20  --duration 10  --warmup 2  --messages 20  --quiet-wait 120
 *          --client tcp|fetch (how the subscriber processes read their streams)
 *          --app <dir>  --keep
 * Exits 1 when any subscriber missed an event or the p99 is not under --goal-ms (100).
 */
import {
  appDir,
  beaconRunArgs,
  childEnv,
  cmdline,
  commandOutput,
  cpuSnapshot,
  cpuUsage,
  freePort,
  HttpClient,
  int,
  logTail,
  mb,
  NOISY_PCT,
  pixelFromOutbox,
  procStatusKb,
  sendAndWait,
  type Server,
  servingPid,
  sleep,
  spawnServer,
  stop,
  table,
  waitForHttp,
  waitForQuiet,
} from "./lib.ts";
import type { SubscriberReport } from "./live_subscribers.ts";
import { benchArgs } from "./args.ts";

function options() {
  const { num, str, flag } = benchArgs({
    numbers: {
      subscribers: 1000,
      procs: 2,
      rate: 20,
      duration: 10,
      warmup: 2,
      "goal-ms": 100,
      messages: 20,
      "quiet-wait": 120,
    },
    strings: { client: "tcp", app: "" },
    flags: ["keep"],
  });
  return {
    subscribers: num.subscribers,
    procs: num.procs,
    rate: num.rate,
    duration: num.duration,
    warmup: num.warmup,
    messages: num.messages,
    goalMs: num["goal-ms"],
    quietWait: num["quiet-wait"],
    client: str.client === "fetch" ? "fetch" : "tcp",
    keep: flag.keep,
    app: appDir(str.app),
  };
}

const opts = options();
const benchDir = new URL(".", import.meta.url).pathname;
const log = (text = "") => console.log(text);
const step = (text: string) => console.log(`· ${text}`);
const now = () => performance.timeOrigin + performance.now();
const fmt = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : "n/a");

const MAIL_CLIENT = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko)";

function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface SubscriberProcess {
  child: Deno.ChildProcess;
  pid: number;
  count: number;
  lines: AsyncIterator<string>;
  writer: WritableStreamDefaultWriter<Uint8Array>;
}

async function* linesOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffer = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
    }
  }
  if (buffer) yield buffer;
}

function startSubscribers(base: string, cookie: string, count: number, after: string): SubscriberProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      `${benchDir}live_subscribers.ts`,
      base,
      cookie,
      String(count),
      after,
      opts.client,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  return { child, pid: child.pid, count, lines: linesOf(child.stdout), writer: child.stdin.getWriter() };
}

async function waitReady(p: SubscriberProcess, timeoutMs = 120_000): Promise<void> {
  const timeout = sleep(timeoutMs).then(() => ({ done: true, value: "timeout" }));
  for (;;) {
    const next = await Promise.race([p.lines.next(), timeout]) as IteratorResult<string>;
    if (next.done) throw new Error(`subscriber process ${p.pid}: ${next.value ?? "exited"} before ready`);
    if (next.value.startsWith("ready")) return;
    if (next.value.startsWith("error")) throw new Error(`subscriber process ${p.pid}: ${next.value}`);
  }
}

async function report(p: SubscriberProcess): Promise<SubscriberReport> {
  await p.writer.write(new TextEncoder().encode("report\n"));
  await p.writer.close().catch(() => {});
  for (;;) {
    const next = await p.lines.next();
    if (next.done) throw new Error(`subscriber process ${p.pid} exited without a report`);
    if (next.value.startsWith("{")) return JSON.parse(next.value);
    if (next.value.startsWith("error")) log(`    subscriber process ${p.pid}: ${next.value}`);
  }
}

async function main(): Promise<number> {
  const cores = (await commandOutput("nproc", [])) ?? String(navigator.hardwareConcurrency);
  const cpu = (await commandOutput("sh", ["-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"]))
    ?.trim();
  const dataDir = await Deno.makeTempDir({ prefix: "beacon-bench-realtime-" });
  log("Beacon live-updates benchmark (embedded adapter: in-process hub → Server-Sent Events)");
  log(`  machine : ${cores} cores (nproc)${cpu ? `, ${cpu}` : ""}`);
  log(`  deno    : ${Deno.version.deno} (v8 ${Deno.version.v8}, ${Deno.build.target})`);
  log(
    `  load    : ${opts.subscribers} SSE subscribers (${opts.client} client) in ${opts.procs} process(es); open-pixel hits at ` +
      `${opts.rate}/s for ${opts.duration}s (after ${opts.warmup}s of warm-up hits)`,
  );
  log(`  app     : ${opts.app}   data: ${dataDir}`);
  log(
    `  repro   : deno task bench:realtime   (= deno run -A bench/realtime.ts ${Deno.args.join(" ")})`
      .trimEnd(),
  );
  log();

  let beacon: Server | null = null;
  const subscriberProcs: SubscriberProcess[] = [];
  try {
    const port = freePort();
    const args = await beaconRunArgs(opts.app);
    step(`starting Beacon: PORT=${port} BEACON_DATA_DIR=${dataDir} deno ${args.join(" ")}`);
    beacon = spawnServer("Beacon", args, {
      cwd: opts.app,
      env: childEnv({ PORT: String(port), BEACON_DATA_DIR: dataDir }),
      port,
      logPath: `${dataDir}/beacon.log`,
    });
    await waitForHttp(beacon, "/healthz");
    beacon.pid = servingPid(beacon.child.pid, "main.ts");
    step(`Beacon is up (pid ${beacon.pid}: ${cmdline(beacon.pid)})`);
    const startLog = (await Deno.readTextFile(beacon.logPath)).split("\n").filter((l) =>
      /^(realtime|wake-ups)/.test(l)
    );
    for (const line of startLog) log(`    ${line}`);

    const base = `http://127.0.0.1:${port}`;
    const client = new HttpClient(base);
    await client.signUp({ teamName: "Bench Co", email: "ana@bench.example" });
    const contact = await client.api("POST", "/contacts", { firstName: "Ken", email: "ken@globex.example" });
    if (contact.status !== 201) throw new Error(`contact failed: ${contact.status}`);
    const pixels: string[] = [];
    for (let i = 1; i <= opts.messages; i++) {
      await sendAndWait(client, contact.json.email, `Bench: live ${i}`);
    }
    for (let i = 1; i <= opts.messages; i++) pixels.push(await pixelFromOutbox(client, `Bench: live ${i}`));
    step(
      `sent ${opts.messages} emails; their pixels found on /outbox; Beacon RSS now ${
        mb(procStatusKb(beacon.pid, "VmRSS"))
      }`,
    );

    // Subscribers: every stream starts after the newest feed entry, so none replays old events.
    const feed = await client.api("GET", "/feed?after=00000000000000000000000000");
    const after: string = feed.json.items.at(-1)?.id ?? "00000000000000000000000000";
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const per = Math.ceil(opts.subscribers / opts.procs);
    const opening = performance.now();
    for (let i = 0; i < opts.procs; i++) {
      const count = Math.min(per, opts.subscribers - i * per);
      if (count > 0) subscriberProcs.push(startSubscribers(base, cookie, count, after));
    }
    await Promise.all(subscriberProcs.map((p) => waitReady(p)));
    step(
      `${opts.subscribers} SSE streams ready in ${((performance.now() - opening) / 1000).toFixed(1)} s ` +
        `(pids ${subscriberProcs.map((p) => p.pid).join(", ")}); Beacon RSS now ${
          mb(procStatusKb(beacon.pid, "VmRSS"))
        }`,
    );

    // Hits, open loop at a fixed rate; each hit's send time is kept by number.
    const sentAt = new Map<number, number>();
    const answerMs: number[] = [];
    let failed = 0;
    let n = 0;
    const inFlight = new Set<Promise<void>>();
    const hit = (measured: boolean) => {
      const k = n++;
      const t0 = now();
      if (measured) sentAt.set(k, t0);
      const p = fetch(`${base}${pixels[k % pixels.length]}`, {
        headers: { "user-agent": `${MAIL_CLIENT} beacon-bench-hit-${k}` },
      })
        .then(async (r) => {
          await r.arrayBuffer();
          if (r.status !== 200) failed++;
          if (measured) answerMs.push(now() - t0);
        })
        .catch(() => {
          failed++;
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    };
    const drive = async (seconds: number, measured: boolean) => {
      const total = Math.round(seconds * opts.rate);
      const start = now();
      for (let i = 0; i < total; i++) {
        const due = start + (i * 1000) / opts.rate;
        const wait = due - now();
        if (wait > 0) await sleep(wait);
        hit(measured);
      }
      await Promise.all([...inFlight]);
    };
    if (opts.warmup > 0) {
      step(`warm-up: ${Math.round(opts.warmup * opts.rate)} hits`);
      await drive(opts.warmup, false);
    }
    const warmupHits = n;
    await sleep(500);
    const pids = [beacon.pid, ...subscriberProcs.map((p) => p.pid)];
    await waitForQuiet(pids, opts.quietWait, step);
    const cpuBefore = cpuSnapshot(pids);
    step(`measuring: ${Math.round(opts.duration * opts.rate)} hits at ${opts.rate}/s`);
    await drive(opts.duration, true);
    await sleep(2_000); // the tail: events still on their way
    const usage = cpuUsage(cpuBefore, cpuSnapshot(pids));
    const hwm = procStatusKb(beacon.pid, "VmHWM");
    const reports = await Promise.all(subscriberProcs.map((p) => report(p)));

    // Delays and misses.
    const measuredHits = [...sentAt.keys()];
    const delays: number[] = [];
    const missed: number[] = [];
    let duplicates = 0;
    const errors: string[] = [];
    for (const r of reports) {
      duplicates += r.duplicates;
      errors.push(...r.errors);
      for (const got of r.received) {
        const seen = new Set<number>();
        for (const [k, at] of got) {
          seen.add(k);
          const t0 = sentAt.get(k);
          if (t0 !== undefined) delays.push(at - t0);
        }
        let miss = 0;
        for (const k of measuredHits) if (!seen.has(k)) miss++;
        for (let k = 0; k < warmupHits; k++) if (!seen.has(k)) miss++;
        missed.push(miss);
      }
    }
    const sorted = Float64Array.from(delays).sort();
    const answers = Float64Array.from(answerMs).sort();
    const totalMissed = missed.reduce((a, b) => a + b, 0);
    const subscribersMissing = missed.filter((m) => m > 0).length;
    const p99 = percentile(sorted, 99);

    log();
    log(`Results (${opts.subscribers} subscribers, ${measuredHits.length} measured hits at ${opts.rate}/s):`);
    log(table([
      ["", "p50", "p99", "max", "samples"],
      [
        "hit → event received",
        fmt(percentile(sorted, 50)),
        fmt(p99),
        fmt(sorted.at(-1) ?? NaN),
        int(sorted.length),
      ],
      [
        "hit answered (pixel)",
        fmt(percentile(answers, 50)),
        fmt(percentile(answers, 99)),
        fmt(answers.at(-1) ?? NaN),
        int(answers.length),
      ],
    ]));
    log(
      `  events expected per subscriber: ${warmupHits + measuredHits.length} (${warmupHits} warm-up + ` +
        `${measuredHits.length} measured); missed: ${totalMissed} in total, ${subscribersMissing} subscriber(s) ` +
        `missed any (max per subscriber ${Math.max(0, ...missed)}); duplicates dropped: ${duplicates}`,
    );
    log(
      `  hits not answered 200: ${failed}; subscriber stream errors: ${errors.length}${
        errors[0] ? ` (${errors[0]})` : ""
      }`,
    );
    log(
      `  events delivered: ${int(delays.length)} measured (${
        int(delays.length / opts.duration)
      }/s to subscribers)`,
    );
    log(`  Beacon peak RSS (VmHWM): ${mb(hwm)}`);
    log(
      `  CPU, % of one core, while measuring: Beacon ${usage.byPid.get(beacon.pid)!.toFixed(0)} (${
        usage.threadsByPid.get(beacon.pid)!.map(([t, p]) => `${t} ${p.toFixed(0)}`).join(", ")
      }); subscriber processes ${
        subscriberProcs.map((p) => usage.byPid.get(p.pid)!.toFixed(0)).join(" + ")
      }; this driver ${usage.loadTool.toFixed(0)}; other processes ${usage.others.toFixed(0)} (of ${
        usage.cores.toFixed(1)
      } cores)${usage.others > NOISY_PCT ? "  <-- NOISY: the machine was not idle" : ""}`,
    );
    const ok = totalMissed === 0 && errors.length === 0 && failed === 0 && p99 < opts.goalMs;
    log();
    log(
      `${ok ? "PASS" : "FAIL"}: p99 ${fmt(p99)} ${p99 < opts.goalMs ? "<" : "≥"} ${opts.goalMs} ms goal; ` +
        `${totalMissed} missed event(s)`,
    );
    return ok ? 0 : 1;
  } catch (error) {
    log(`benchmark failed: ${error instanceof Error ? error.stack : error}`);
    if (beacon) log(`Beacon log:\n${await logTail(beacon)}`);
    return 1;
  } finally {
    for (const p of subscriberProcs) {
      try {
        p.child.kill("SIGTERM");
      } catch {
        // exited
      }
      await p.child.status.catch(() => {});
    }
    if (beacon) step(`Beacon stopped: ${await stop(beacon)}`);
    if (!opts.keep) await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
}

Deno.exit(await main());
