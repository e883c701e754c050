/**
 * Addresses and networks (pure): parsing client addresses, the network a person is on
 * (/24 for IPv4, /48 for IPv6), address truncation for storage, fast CIDR sets, and the
 * address lists the rules use — Apple's (data/apple_egress.json) and a few mail-security
 * networks where link scanners run.
 */
import ipaddr from "ipaddr.js";
import appleData from "./data/apple_egress.json" with { type: "json" };
import { remembered } from "../storage/bounded_map.ts";

export type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Parses a client address ("1.2.3.4", "1.2.3.4:5678", "::ffff:1.2.3.4", "[2001:db8::1]:443", "fe80::1%en0").
 * The answer is shared between callers: read it, never change it.
 */
export const parseAddress: (raw: string) => Address | null = remembered(parseAddressOnce);

function parseAddressOnce(raw: string): Address | null {
  let s = (raw ?? "").trim();
  if (!s || s.length > 100) return null;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) s = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(":"));
  s = s.replace(/%.*$/, "");
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) return ipaddr.IPv4.parse(s);
  if (!ipaddr.IPv6.isValid(s)) return null;
  const v6 = ipaddr.IPv6.parse(s);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

/** The network an address belongs to, as its first address: IPv4 → /24 ("a.b.c.0"), IPv6 → /48. */
export const networkOf: (address: string) => string | null = remembered(networkOfOnce);

function networkOfOnce(address: string): string | null {
  const parsed = parseAddress(address);
  if (!parsed) return null;
  const bytes = parsed.toByteArray();
  const keep = parsed.kind() === "ipv4" ? 3 : 6;
  return ipaddr.fromByteArray(bytes.map((b, i) => (i < keep ? b : 0))).toString();
}

/**
 * Truncates a client address for storage, after classification: IPv4 → /24 (a.b.c.0),
 * IPv6 → /48 (2001:db8:1::). Anything that is not an address is stored as "unknown".
 */
export function truncateAddress(address: string): string {
  return networkOf(address) ?? "unknown";
}

/** The address family of a client address, or null when it is not an address. */
export function familyOf(address: string): "ipv4" | "ipv6" | null {
  return parseAddress(address)?.kind() ?? null;
}

// ---------------------------------------------------------------------------------------------
// CIDR arithmetic

interface Interval {
  start: bigint;
  end: bigint;
}

function toBigInt(bytes: number[]): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function fromBigInt(n: bigint, length: number): number[] {
  const bytes = new Array<number>(length);
  for (let i = length - 1; i >= 0; i--) {
    bytes[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return bytes;
}

const V4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;
const V6_CIDR = /^([0-9a-f:]+)(?:\/(\d{1,3}))?$/i;
const HEXTET = /^[0-9a-f]{1,4}$/i;

function hostInterval(start: bigint, bits: number, width: number) {
  const hostBits = BigInt(width - bits);
  const first = (start >> hostBits) << hostBits;
  return { start: first, end: first + (1n << hostBits) - 1n };
}

/** Fast path for the plain forms data files use ("a.b.c.d/n", "x:y::/n"); null sends others to ipaddr.js. */
function quickInterval(cidr: string): { family: "ipv4" | "ipv6"; start: bigint; end: bigint } | null {
  const v4 = V4_CIDR.exec(cidr);
  if (v4) {
    const octets = v4.slice(1, 5).map(Number);
    const bits = v4[5] === undefined ? 32 : Number(v4[5]);
    if (
      octets.some((o) => o > 255) || bits > 32 || v4.slice(1, 5).some((o) => o.length > 1 && o[0] === "0")
    ) return null;
    const n = BigInt(((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3]);
    return { family: "ipv4", ...hostInterval(n, bits, 32) };
  }
  const v6 = V6_CIDR.exec(cidr);
  if (!v6) return null;
  const bits = v6[2] === undefined ? 128 : Number(v6[2]);
  const halves = v6[1].split("::");
  if (halves.length > 2 || bits > 128) return null;
  const left = halves[0] ? halves[0].split(":") : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const count = left.length + right.length;
  if ((halves.length === 1 && count !== 8) || (halves.length === 2 && count > 7)) return null;
  if (![...left, ...right].every((h) => HEXTET.test(h))) return null;
  let high = 0n;
  for (const h of left) high = (high << 16n) | BigInt(parseInt(h, 16));
  let low = 0n;
  for (const h of right) low = (low << 16n) | BigInt(parseInt(h, 16));
  const n = (high << (16n * BigInt(8 - left.length))) | low;
  return { family: "ipv6", ...hostInterval(n, bits, 128) };
}

/** Parses "a.b.c.d/n" or "v6::/n" into its family and address interval; throws on bad input. */
export function cidrInterval(cidr: string): { family: "ipv4" | "ipv6"; start: bigint; end: bigint } {
  const text = cidr.trim();
  const quick = quickInterval(text);
  if (quick) return quick;
  const slash = text.indexOf("/");
  const host = slash < 0 ? text : text.slice(0, slash);
  const address = parseAddress(host);
  if (!address || (slash >= 0 && !/^\d{1,3}$/.test(text.slice(slash + 1)))) {
    throw new Error(`Not a CIDR range: ${JSON.stringify(cidr)}`);
  }
  const family = address.kind();
  const width = family === "ipv4" ? 32 : 128;
  const bits = slash < 0 ? width : Number(text.slice(slash + 1));
  if (bits > width) throw new Error(`Not a CIDR range: ${JSON.stringify(cidr)}`);
  const hostBits = BigInt(width - bits);
  const start = (toBigInt(address.toByteArray()) >> hostBits) << hostBits;
  return { family, start, end: start + (1n << hostBits) - 1n };
}

function mergeIntervals(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged: Interval[] = [];
  for (const next of sorted) {
    const last = merged.at(-1);
    if (last && next.start <= last.end + 1n) {
      if (next.end > last.end) last.end = next.end;
    } else merged.push({ ...next });
  }
  return merged;
}

function intervalToCidrs({ start, end }: Interval, width: number): string[] {
  const out: string[] = [];
  const length = width / 8;
  while (start <= end) {
    let size = 0;
    while (size < width) {
      const next = BigInt(size + 1);
      if ((start & ((1n << next) - 1n)) !== 0n || start + (1n << next) - 1n > end) break;
      size++;
    }
    out.push(`${ipaddr.fromByteArray(fromBigInt(start, length)).toString()}/${width - size}`);
    start += 1n << BigInt(size);
  }
  return out;
}

/** The smallest list of CIDR ranges covering exactly the union of the given ones (IPv4 first, then IPv6). */
export function mergeCidrs(cidrs: Iterable<string>): string[] {
  const v4: Interval[] = [];
  const v6: Interval[] = [];
  for (const cidr of cidrs) {
    const { family, start, end } = cidrInterval(cidr);
    (family === "ipv4" ? v4 : v6).push({ start, end });
  }
  return [
    ...mergeIntervals(v4).flatMap((i) => intervalToCidrs(i, 32)),
    ...mergeIntervals(v6).flatMap((i) => intervalToCidrs(i, 128)),
  ];
}

/** A set of CIDR ranges with O(log n) membership, for lists of any size. */
export class CidrSet {
  readonly #v4: Interval[];
  readonly #v6: Interval[];

  constructor(cidrs: Iterable<string>) {
    const v4: Interval[] = [];
    const v6: Interval[] = [];
    for (const cidr of cidrs) {
      const { family, start, end } = cidrInterval(cidr);
      (family === "ipv4" ? v4 : v6).push({ start, end });
    }
    this.#v4 = mergeIntervals(v4);
    this.#v6 = mergeIntervals(v6);
  }

  /** Number of disjoint ranges held. */
  get size(): number {
    return this.#v4.length + this.#v6.length;
  }

  has(address: string | Address): boolean {
    const parsed = typeof address === "string" ? parseAddress(address) : address;
    if (!parsed) return false;
    const list = parsed.kind() === "ipv4" ? this.#v4 : this.#v6;
    const n = toBigInt(parsed.toByteArray());
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (n < list[mid].start) hi = mid - 1;
      else if (n > list[mid].end) lo = mid + 1;
      else return true;
    }
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Address lists

/** The shape of data/apple_egress.json (written by scripts/refresh_apple_ranges.ts). */
export interface AppleRangesFile {
  source: string;
  about: string;
  fetchedAt: string | null;
  /** Apple's own address space, kept across refreshes. */
  fixed: { cidr: string; note: string }[];
  /** Ranges from Apple's published egress list, merged. */
  egress: string[];
}

let appleSet: CidrSet | null = null;

/** Apple's address space: 17.0.0.0/8, Apple's other own blocks, and its published egress ranges. */
export function appleRanges(): CidrSet {
  const data = appleData as AppleRangesFile;
  appleSet ??= new CidrSet([...data.fixed.map((f) => f.cidr), ...data.egress]);
  return appleSet;
}

export function isAppleAddress(address: string): boolean {
  return appleRanges().has(address);
}

/**
 * Networks where mail-security gateways and provider scanners fetch links and images.
 * A hit from one is a weak signal only: people work at these companies too, and image
 * proxies (recognised first) legitimately fetch from them. Seed list — extend with care.
 */
export interface ListedNetwork {
  id: string;
  /** Shown to sellers: "Came from {label}". */
  label: string;
  source: string;
  cidrs: string[];
}

export const LISTED_NETWORKS: ListedNetwork[] = [
  {
    id: "microsoft_exchange_online",
    label: "Microsoft's Exchange Online mail servers",
    source: "SPF record of spf.protection.outlook.com (Exchange Online Protection ranges; v6 rounded to /48)",
    cidrs: [
      "40.92.0.0/15",
      "40.107.0.0/16",
      "52.100.0.0/15",
      "52.102.0.0/16",
      "52.103.0.0/17",
      "104.47.0.0/17",
      "2a01:111:f400::/48",
      "2a01:111:f403::/48",
    ],
  },
  {
    id: "google_mail",
    label: "Google's mail servers",
    source:
      "SPF records _netblocks.google.com / _netblocks2 / _netblocks3, plus ARIN's 108.177.0.0/17 (Google)",
    cidrs: [
      "35.190.247.0/24",
      "64.233.160.0/19",
      "66.102.0.0/20",
      "66.249.80.0/20",
      "72.14.192.0/18",
      "74.125.0.0/16",
      "108.177.0.0/17",
      "172.217.0.0/19",
      "172.253.56.0/21",
      "172.253.112.0/20",
      "173.194.0.0/16",
      "209.85.128.0/17",
      "216.58.192.0/19",
      "216.239.32.0/19",
      "2001:4860:4000::/36",
      "2404:6800:4000::/36",
      "2607:f8b0:4000::/36",
      "2800:3f0:4000::/36",
      "2a00:1450:4000::/36",
      "2c0f:fb50:4000::/36",
    ],
  },
];

const listedSets = new Map<string, CidrSet>();

function listedSet(network: ListedNetwork): CidrSet {
  let set = listedSets.get(network.id);
  if (!set) listedSets.set(network.id, set = new CidrSet(network.cidrs));
  return set;
}

/** The listed network an address belongs to, if any. */
export const listedNetworkOf: (address: string) => ListedNetwork | null = remembered(listedNetworkOfOnce);

function listedNetworkOfOnce(address: string): ListedNetwork | null {
  const parsed = parseAddress(address);
  if (!parsed) return null;
  return LISTED_NETWORKS.find((n) => listedSet(n).has(parsed)) ?? null;
}

export function isGoogleAddress(address: string): boolean {
  return listedNetworkOf(address)?.id === "google_mail";
}
