/**
 * Refreshes lib/classify/data/apple_egress.json from Apple's published egress list
 * (https://mask-api.icloud.com/egress-ip-ranges.csv, "prefix,country,region,city," rows),
 * keeping the file's fixed Apple ranges (17.0.0.0/8 …) and replacing its egress ranges with
 * the list merged into the fewest CIDR ranges. A list that fails to download, does not parse
 * or looks truncated is not written.
 *
 *   deno run --allow-net=mask-api.icloud.com --allow-read --allow-write scripts/refresh_apple_ranges.ts
 *
 * Options: --from <file.csv> (use a downloaded copy instead), --out <path>, --min <rows>
 * (default 1000), --dry-run (report, write nothing). Run it from a scheduled task or by hand,
 * then review and commit the data file; verdicts change with it (see RULES_VERSION).
 */
import {
  APPLE_EGRESS_URL,
  APPLE_FIXED,
  buildAppleRangesFile,
  renderAppleRangesFile,
} from "../lib/classify/apple_ranges.ts";
import type { AppleRangesFile } from "../lib/classify/networks.ts";

const DEFAULT_OUT = new URL("../lib/classify/data/apple_egress.json", import.meta.url);

interface Options {
  from: string | null;
  out: string | URL;
  min: number;
  dryRun: boolean;
}

function parseOptions(args: string[]): Options {
  const options: Options = { from: null, out: DEFAULT_OUT, min: 1_000, dryRun: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === "--from") options.from = value();
    else if (arg === "--out") options.out = value();
    else if (arg === "--min") options.min = Number(value());
    else if (arg === "--dry-run") options.dryRun = true;
    else throw new Error(`Unknown option ${arg}`);
  }
  if (!Number.isInteger(options.min) || options.min < 0) throw new Error("--min takes a whole number");
  return options;
}

async function download(): Promise<string> {
  const response = await fetch(APPLE_EGRESS_URL, {
    headers: { "User-Agent": "beacon-refresh-apple-ranges/1 (+scripts/refresh_apple_ranges.ts)" },
    signal: AbortSignal.timeout(120_000),
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${APPLE_EGRESS_URL} answered ${response.status} ${response.statusText}`);
  }
  return await response.text();
}

async function currentFixed(out: string | URL): Promise<AppleRangesFile["fixed"]> {
  try {
    const file = JSON.parse(await Deno.readTextFile(out)) as Partial<AppleRangesFile>;
    return Array.isArray(file.fixed) && file.fixed.length > 0 ? file.fixed : APPLE_FIXED;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return APPLE_FIXED;
    throw error;
  }
}

async function main() {
  const options = parseOptions(Deno.args);
  const csv = options.from ? await Deno.readTextFile(options.from) : await download();
  const file = buildAppleRangesFile(csv, {
    fetchedAt: new Date().toISOString(),
    fixed: await currentFixed(options.out),
    minPrefixes: options.min,
  });
  const rows = csv.split("\n").filter((l) => l.trim()).length;
  console.log(
    `Apple egress list: ${rows} rows → ${file.egress.length} merged ranges (+${file.fixed.length} fixed)`,
  );
  if (options.dryRun) return;
  const out = options.out;
  const tmp = typeof out === "string" ? `${out}.tmp` : new URL(`${out.href}.tmp`);
  await Deno.writeTextFile(tmp, renderAppleRangesFile(file));
  await Deno.rename(tmp, out);
  console.log(`Wrote ${out}`);
}

if (import.meta.main) {
  try {
    await main();
  } catch (error) {
    console.error(`refresh_apple_ranges: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  }
}
