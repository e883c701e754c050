/**
 * Helpers for bench/tracking.ts: subprocesses, a cookie-keeping HTTP client that signs up and calls the
 * JSON API the way the pages do, wrk and its output, /proc readings, and KV counting.
 */

import { BrowserClient } from "../tests/helpers/client.ts";

// ---------------------------------------------------------------------------------------------------------
// Processes

export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

export interface Server {
  name: string;
  child: Deno.ChildProcess;
  /** The pid of the process that serves (see servingPid). */
  pid: number;
  port: number;
  logPath: string;
  /** Resolves once the child's output is written to logPath. */
  logDone: Promise<void>;
  exited: boolean;
}

/**
 * The environment for a Beacon (or baseline) subprocess: this process's, so Deno finds its cache, CA
 * certificates and proxy, without Beacon's own settings (BEACON_*, RESEND_*, SUPABASE_*, PORT, Deploy's),
 * plus `settings`.
 */
export function childEnv(settings: Record<string, string> = {}): Record<string, string> {
  const env = Deno.env.toObject();
  for (const name of Object.keys(env)) {
    if (/^(BEACON_|RESEND_|SUPABASE_|DENO_DEPLOY)/.test(name) || name === "PORT") delete env[name];
  }
  return { ...env, ...settings };
}

/** Spawns a server with its output appended to a log file (piped, so it never blocks on a full pipe). */
export function spawnServer(
  name: string,
  args: string[],
  { cwd, env, port, logPath }: { cwd: string; env: Record<string, string>; port: number; logPath: string },
): Server {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const file = Deno.openSync(logPath, { create: true, write: true, append: true });
  const sink = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) file.writeSync(chunk);
  };
  const logDone = Promise.all([sink(child.stdout), sink(child.stderr)]).then(() => file.close());
  const server: Server = { name, child, pid: child.pid, port, logPath, logDone, exited: false };
  child.status.then(() => server.exited = true);
  return server;
}

/** The Beacon to measure: the directory given with --app, or this checkout. */
export function appDir(given: string): string {
  return (given || new URL("..", import.meta.url).pathname).replace(/\/+$/, "");
}

/**
 * `deno run` arguments that start Beacon in `appDir` as `deno task start` does (its permissions and V8's
 * heap limit, read from the app's deno.json), with `extraFlags` (e.g. profiling) before main.ts.
 */
export async function beaconRunArgs(appDir: string, extraFlags: string[] = []): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(`${appDir}/deno.json`));
  const words = String(config.tasks?.start ?? "").trim().split(/\s+/);
  if (words[0] !== "deno" || words[1] !== "run" || words.at(-1) !== "main.ts") {
    throw new Error(
      `${appDir}/deno.json: tasks.start is not "deno run <flags> main.ts": ${config.tasks?.start}`,
    );
  }
  return ["run", ...words.slice(2, -1), ...extraFlags, "main.ts"];
}

export async function logTail(server: Server, lines = 30): Promise<string> {
  try {
    return (await Deno.readTextFile(server.logPath)).trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

export async function waitForHttp(server: Server, path: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (server.exited) break;
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
      await response.body?.cancel();
      if (response.ok) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await sleep(200);
  }
  throw new Error(
    `${server.name} did not answer ${path} (${server.exited ? "it exited" : last}). Log:\n${await logTail(
      server,
    )}`,
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Command line of a pid, NUL separators turned into spaces. */
export function cmdline(pid: number): string {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
      const text = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/children`).trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // gone, or no /proc
  }
  return out;
}

/**
 * The pid that actually runs `marker` (e.g. "main.ts"): the spawned pid itself when `deno run` runs the
 * script in-process (it does today), else the first descendant whose command line names it.
 */
export function servingPid(pid: number, marker: string): number {
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift()!;
    if (cmdline(p).includes(marker)) return p;
    queue.push(...childrenOf(p));
  }
  return pid;
}

/** A kB field of /proc/<pid>/status (VmHWM: peak resident set; VmRSS: current), or null. */
export function procStatusKb(pid: number, field: string): number | null {
  try {
    const match = Deno.readTextFileSync(`/proc/${pid}/status`).match(
      new RegExp(`^${field}:\\s+(\\d+) kB`, "m"),
    );
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Sends SIGTERM; if the process has not exited after `graceMs`, SIGKILL. Says how it ended (a process
 * without a SIGTERM handler dies of the signal at once: that is not a graceful shutdown).
 */
export async function stop(server: Server, graceMs = 3_000): Promise<string> {
  if (!server.exited) {
    try {
      server.child.kill("SIGTERM");
    } catch {
      // already gone
    }
    const deadline = Date.now() + graceMs;
    while (!server.exited && Date.now() < deadline) await sleep(20);
  }
  let how = "ended after SIGTERM";
  if (!server.exited) {
    server.child.kill("SIGKILL");
    how = `did not exit within ${graceMs} ms of SIGTERM; SIGKILL sent`;
  }
  const status = await server.child.status;
  await server.logDone;
  return `${how} (${status.signal ? `killed by ${status.signal}` : `exit code ${status.code}`})`;
}

export async function commandOutput(cmd: string, args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// A browser stand-in over real HTTP (tests/helpers/client.ts's, against a running Beacon)

export class HttpClient extends BrowserClient {
  constructor(public base: string) {
    super();
  }

  protected send(path: string, init: RequestInit): Promise<Response> {
    return fetch(`${this.base}${path}`, { redirect: "manual", ...init });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Steps through Beacon's HTTP API and pages

/** Drafts an email with a link to `to`, sends it, and waits until it is sent; returns the message id. */
export async function sendAndWait(client: HttpClient, to: string, subject: string): Promise<string> {
  const draft = await client.api("POST", "/messages", {
    to: [to],
    subject,
    html: '<p>Hi Ken, here is <a href="https://example.com/pricing">our pricing</a>.</p>',
  });
  if (draft.status !== 201) throw new Error(`draft failed: ${draft.status} ${JSON.stringify(draft.json)}`);
  const sent = await client.api("POST", `/messages/${draft.json.id}/send`);
  if (sent.status !== 202) throw new Error(`send failed: ${sent.status} ${JSON.stringify(sent.json)}`);
  const id: string = sent.json.items[0].id;
  const deadline = Date.now() + 60_000;
  while (true) {
    const message = await client.api("GET", `/messages/${id}`);
    if (message.json?.status === "sent") return id;
    if (message.json?.status === "failed" || Date.now() > deadline) {
      throw new Error(`message ${id} did not reach "sent": ${JSON.stringify(message.json)}`);
    }
    await sleep(100);
  }
}

/** Finds, on the Outbox pages, the email with this subject and the open pixel path in its srcdoc. */
export async function pixelFromOutbox(client: HttpClient, subject: string): Promise<string> {
  const list = await client.page("/outbox");
  if (list.status !== 200) throw new Error(`GET /outbox answered ${list.status}`);
  const row = [...list.html.matchAll(/href="\/outbox\/([0-9A-Z]{26})"[^>]*>([^<]*)</g)].find((m) =>
    m[2] === subject
  );
  if (!row) throw new Error(`no Outbox row with subject "${subject}"`);
  const page = await client.page(`/outbox/${row[1]}`);
  const srcdoc = page.html.match(/srcdoc="([^"]*)"/)?.[1];
  if (!srcdoc) throw new Error(`no iframe srcdoc on /outbox/${row[1]}`);
  const pixel = unescapeHtml(srcdoc).match(/src="https?:\/\/[^"]+(\/t\/o\/[\w-]+)"/)?.[1];
  if (!pixel) throw new Error(`no /t/o/ pixel in the email on /outbox/${row[1]}`);
  return pixel;
}

/** Undoes the HTML escaping of an attribute value (what srcdoc holds). */
export function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;|&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** 16 bytes → a 26-character ULID (Crockford base32), as lib/storage/ids.ts writes them. */
export function bytesToUlid(bytes: Uint8Array): string {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  let out = "";
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

/** The team and message ids inside an open-pixel token (layout in lib/tracking/tokens.ts). */
export function pixelTokenIds(token: string): { teamId: string; messageId: string } | null {
  try {
    const bytes = Uint8Array.from(atob(token.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    if (bytes.length !== 49 || bytes[1] !== 0) return null;
    return { teamId: bytesToUlid(bytes.subarray(2, 18)), messageId: bytesToUlid(bytes.subarray(18, 34)) };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// wrk

export interface WrkResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx3xx: number;
  socketErrors: number;
  raw: string;
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === "us"
    ? n / 1000
    : unit === "ms"
    ? n
    : unit === "s"
    ? n * 1000
    : unit === "m"
    ? n * 60_000
    : NaN;
}

export function parseWrk(raw: string): WrkResult {
  const rps = raw.match(/Requests\/sec:\s+([\d.]+)/);
  const latency = (p: string) => {
    const m = raw.match(new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m"));
    return m ? toMs(m[1], m[2]) : NaN;
  };
  const requests = raw.match(/(\d+) requests in/);
  const non2xx = raw.match(/Non-2xx or 3xx responses:\s+(\d+)/);
  const socket = raw.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  if (!rps) throw new Error(`could not parse wrk output:\n${raw}`);
  return {
    requestsPerSec: Number(rps[1]),
    p50Ms: latency("50"),
    p99Ms: latency("99"),
    requests: requests ? Number(requests[1]) : NaN,
    non2xx3xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
    raw,
  };
}

export async function runWrk(
  wrk: string,
  url: string,
  { threads = 1, connections = 100, seconds = 10 } = {},
): Promise<WrkResult> {
  const out = await new Deno.Command(wrk, {
    args: [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, "--latency", url],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`wrk failed: ${new TextDecoder().decode(out.stderr)}\n${text}`);
  return parseWrk(text);
}

export async function findWrk(): Promise<string | null> {
  for (const candidate of ["/usr/bin/wrk", "/usr/local/bin/wrk"]) {
    try {
      if (Deno.statSync(candidate).isFile) return candidate;
    } catch {
      // not here
    }
  }
  return await commandOutput("sh", ["-c", "command -v wrk"]) || null;
}

// ---------------------------------------------------------------------------------------------------------
// Output

export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r.map((cell, i) => i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])).join("  ");
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

export const int = (n: number) => Math.round(n).toLocaleString("en-US");
export const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)} ms` : "n/a");
export const mb = (kb: number | null) => (kb === null ? "n/a" : `${(kb / 1024).toFixed(1)} MB`);

// ---------------------------------------------------------------------------------------------------------
// CPU accounting, from /proc (Linux): who used the cores during a run

const TICKS_PER_SEC = 100; // USER_HZ on Linux

function readFileOrEmpty(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

/** utime, stime, cutime, cstime of /proc/<path>/stat, in ticks (0s when gone). */
function statTicks(path: string): { own: number; children: number; name: string } {
  const text = readFileOrEmpty(path);
  const close = text.lastIndexOf(")");
  if (close < 0) return { own: 0, children: 0, name: "" };
  const name = text.slice(text.indexOf("(") + 1, close);
  const f = text.slice(close + 2).split(" "); // f[0] is field 3 (state)
  return { own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]), name };
}

export interface CpuSnapshot {
  at: number;
  /** All cores: busy and total ticks. */
  busy: number;
  total: number;
  /** Ticks of the watched processes, by pid, and of this process with its reaped children. */
  procs: Map<number, number>;
  self: number;
  threads: Map<number, Map<string, number>>;
}

export function cpuSnapshot(pids: number[]): CpuSnapshot {
  const line = readFileOrEmpty("/proc/stat").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = line[3] + line[4];
  const procs = new Map<number, number>();
  const threads = new Map<number, Map<string, number>>();
  for (const pid of pids) {
    procs.set(pid, statTicks(`/proc/${pid}/stat`).own);
    const byName = new Map<string, number>();
    try {
      for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
        const t = statTicks(`/proc/${pid}/task/${task.name}/stat`);
        const name = task.name === String(pid) ? "main" : t.name.replace(/-?\d+$/, "") || "thread";
        byName.set(name, (byName.get(name) ?? 0) + t.own);
      }
    } catch {
      // gone
    }
    threads.set(pid, byName);
  }
  const self = statTicks("/proc/self/stat");
  return { at: performance.now(), busy: total - idle, total, procs, self: self.own + self.children, threads };
}

export interface CpuUsage {
  /** Percent of one core, over the interval. */
  byPid: Map<number, number>;
  threadsByPid: Map<number, [string, number][]>;
  /** This process with the load tool it waited for (wrk, load.ts), percent of one core. */
  loadTool: number;
  /** Everything else on the machine (other users' work), percent of one core. */
  others: number;
  /** Cores the machine has, for scale. */
  cores: number;
}

export function cpuUsage(a: CpuSnapshot, b: CpuSnapshot): CpuUsage {
  const seconds = (b.at - a.at) / 1000;
  const pct = (ticks: number) => (100 * ticks) / TICKS_PER_SEC / seconds;
  const byPid = new Map<number, number>();
  const threadsByPid = new Map<number, [string, number][]>();
  let ours = 0;
  for (const [pid, ticks] of b.procs) {
    const d = ticks - (a.procs.get(pid) ?? 0);
    ours += d;
    byPid.set(pid, pct(d));
    const before = a.threads.get(pid) ?? new Map();
    threadsByPid.set(
      pid,
      [...(b.threads.get(pid) ?? new Map())].map(([name, t]) =>
        [name, pct(t - (before.get(name) ?? 0))] as [string, number]
      )
        .filter(([, p]) => p >= 1).sort((x, y) => y[1] - x[1]),
    );
  }
  const self = b.self - a.self;
  ours += self;
  const cores = (b.total - a.total) / TICKS_PER_SEC / seconds;
  return {
    byPid,
    threadsByPid,
    loadTool: pct(self),
    others: Math.max(0, pct(b.busy - a.busy - ours)),
    cores,
  };
}

/** Other processes using more than this share of one core during a run make it noisy. */
export const NOISY_PCT = 10;

/** Waits (up to `maxSeconds`) until processes other than `pids` use under NOISY_PCT of one core. */
export async function waitForQuiet(
  pids: number[],
  maxSeconds: number,
  step: (text: string) => void,
): Promise<void> {
  const deadline = Date.now() + maxSeconds * 1000;
  let warned = false;
  while (true) {
    const a = cpuSnapshot(pids);
    await sleep(1_000);
    const others = cpuUsage(a, cpuSnapshot(pids)).others;
    if (others < NOISY_PCT) return;
    if (Date.now() > deadline) {
      step(`other processes still use ${others.toFixed(0)}% of a core; measuring anyway`);
      return;
    }
    if (!warned) step(`other processes use ${others.toFixed(0)}% of a core; waiting for a quiet machine`);
    warned = true;
  }
}
