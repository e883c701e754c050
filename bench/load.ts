/**
 * A small HTTP load generator, run as its own process by bench/tracking.ts.
 *
 *   deno run --allow-net bench/load.ts <url> --requests 20000 --concurrency 100
 *   deno run --allow-net bench/load.ts <url> --duration 10 --concurrency 100
 *
 * `concurrency` loops each send a request with keep-alive fetch, read the whole body, and only then send
 * the next; every request is awaited to completion, so the counts are exact: `ok` is the number of
 * requests answered 200. With --requests the loops share a fixed budget of requests; with --duration they
 * run until the time is up (the fallback when wrk is missing). Prints one JSON line (a LoadResult).
 */
import { benchArgs } from "./args.ts";

export interface LoadResult {
  url: string;
  mode: "requests" | "duration";
  concurrency: number;
  sent: number;
  ok: number;
  non200: number;
  errors: number;
  firstError: string | null;
  /** Answers by status code. */
  statuses: Record<string, number>;
  elapsedMs: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function runLoad(
  url: string,
  { requests, durationMs, concurrency }: { requests?: number; durationMs?: number; concurrency: number },
): Promise<LoadResult> {
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: concurrency });
  const capacity = requests ?? 4_000_000;
  const latencies = new Float64Array(capacity);
  let sent = 0, ok = 0, non200 = 0, errors = 0, recorded = 0;
  let firstError: string | null = null;
  const statuses: Record<string, number> = {};
  const start = performance.now();
  const deadline = durationMs === undefined ? Infinity : start + durationMs;

  const loop = async () => {
    while (true) {
      if (requests !== undefined ? sent >= requests : performance.now() >= deadline) return;
      sent++;
      const t0 = performance.now();
      try {
        const response = await fetch(url, { client });
        await response.arrayBuffer();
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        if (response.status === 200) ok++;
        else non200++;
        if (recorded < capacity) latencies[recorded++] = performance.now() - t0;
      } catch (error) {
        errors++;
        firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsedMs = performance.now() - start;
  client.close();

  const sorted = latencies.subarray(0, recorded).sort();
  return {
    url,
    mode: requests !== undefined ? "requests" : "duration",
    concurrency,
    sent,
    ok,
    non200,
    errors,
    firstError,
    statuses,
    elapsedMs,
    requestsPerSec: (ok + non200) / (elapsedMs / 1000),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

if (import.meta.main) {
  // 0 stands for "not given": a run has a number of requests or a duration (10 s when neither is given).
  const { num, positionals } = benchArgs({ numbers: { requests: 0, duration: 0, concurrency: 100 } });
  const url = positionals[0] ?? "";
  if (!url) {
    console.error("usage: load.ts <url> (--requests N | --duration SECONDS) [--concurrency 100]");
    Deno.exit(2);
  }
  const result = await runLoad(url, {
    requests: num.requests || undefined,
    durationMs: num.duration ? num.duration * 1000 : num.requests ? undefined : 10_000,
    concurrency: num.concurrency,
  });
  console.log(JSON.stringify(result));
}
