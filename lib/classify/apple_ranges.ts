/**
 * Apple's address list (pure): parsing Apple's published egress CSV and rendering
 * data/apple_egress.json. scripts/refresh_apple_ranges.ts does the download and the write.
 *
 * Where the data comes from: Apple owns 17.0.0.0/8, and Mail Privacy Protection fetches
 * images from Apple's address space and from the partner CDNs (Akamai, Cloudflare, Fastly)
 * that run iCloud Private Relay egress. Apple publishes those egress ranges at
 * https://mask-api.icloud.com/egress-ip-ranges.csv, one "prefix,country,region,city," row each.
 */
import { type AppleRangesFile, mergeCidrs } from "./networks.ts";

export const APPLE_EGRESS_URL = "https://mask-api.icloud.com/egress-ip-ranges.csv";

export const APPLE_ABOUT = "Apple's address space for telling Mail Privacy Protection fetches from people. " +
  "'fixed' is Apple's own space and survives refreshes; 'egress' is Apple's published iCloud Private Relay " +
  "egress list, merged into the fewest CIDR ranges. Refresh: deno run --allow-net=mask-api.icloud.com " +
  "--allow-read --allow-write scripts/refresh_apple_ranges.ts";

/** Apple's own blocks, kept in the file whatever the egress list says. */
export const APPLE_FIXED: AppleRangesFile["fixed"] = [
  {
    cidr: "17.0.0.0/8",
    note: "Apple's own /8 (ARIN, AS714); Mail Privacy Protection proxies fetch from here",
  },
  { cidr: "2620:149::/32", note: "Apple's IPv6 block (ARIN, AS714)" },
  { cidr: "2403:300::/32", note: "Apple's IPv6 block (APNIC, AS714)" },
];

/** The prefixes of Apple's egress CSV (first column of each row); throws on a malformed prefix. */
export function parseEgressCsv(text: string): string[] {
  const prefixes: string[] = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const prefix = line.split(",", 1)[0].trim();
    if (!prefix || prefix.startsWith("#")) continue;
    if (!/^[0-9a-f:.]+\/\d{1,3}$/i.test(prefix)) {
      throw new Error(
        `Line ${i + 1} of Apple's egress list is not a range: ${JSON.stringify(line.slice(0, 80))}`,
      );
    }
    prefixes.push(prefix);
  }
  return prefixes;
}

/** Builds the data file from the egress CSV; refuses a list that looks truncated. */
export function buildAppleRangesFile(
  csv: string,
  options: { fetchedAt: string; fixed?: AppleRangesFile["fixed"]; minPrefixes?: number },
): AppleRangesFile {
  const prefixes = parseEgressCsv(csv);
  const min = options.minPrefixes ?? 1_000;
  if (prefixes.length < min) {
    throw new Error(
      `Apple's egress list has ${prefixes.length} ranges, expected at least ${min}: not written`,
    );
  }
  return {
    source: APPLE_EGRESS_URL,
    about: APPLE_ABOUT,
    fetchedAt: options.fetchedAt,
    fixed: options.fixed ?? APPLE_FIXED,
    egress: mergeCidrs(prefixes),
  };
}

/** The file's text, formatted as `deno fmt` leaves it. */
export function renderAppleRangesFile(file: AppleRangesFile): string {
  return JSON.stringify(file, null, 2) + "\n";
}
