import assert from "node:assert/strict";
import ipaddr from "ipaddr.js";
import appleData from "./data/apple_egress.json" with { type: "json" };
import { renderAppleRangesFile } from "./apple_ranges.ts";
import {
  type AppleRangesFile,
  cidrInterval,
  CidrSet,
  familyOf,
  isAppleAddress,
  isGoogleAddress,
  listedNetworkOf,
  mergeCidrs,
  networkOf,
  parseAddress,
  truncateAddress,
} from "./networks.ts";

Deno.test("classify networks - truncateAddress keeps the /24 of IPv4 and the /48 of IPv6", () => {
  assert.equal(truncateAddress("203.0.113.77"), "203.0.113.0");
  assert.equal(truncateAddress("2001:db8:abcd:12:3456::1"), "2001:db8:abcd::");
  assert.equal(truncateAddress("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::");
  assert.equal(truncateAddress("::ffff:17.1.2.3"), "17.1.2.0", "IPv4-mapped addresses are IPv4");
  assert.equal(truncateAddress("[2001:db8:1:2::1]:443"), "2001:db8:1::");
  assert.equal(truncateAddress("198.51.100.9:50312"), "198.51.100.0");
  assert.equal(truncateAddress("fe80::1%en0"), "fe80::");
  assert.equal(truncateAddress(" 10.1.2.3 "), "10.1.2.0");
  assert.equal(truncateAddress("203.0.113.0"), "203.0.113.0", "truncating twice changes nothing");
});

Deno.test("classify networks - anything that is not an address is stored as unknown", () => {
  for (const bad of ["unknown", "", "999.1.1.1", "17", "0x11.1.1.1", "example.com", "1.2.3", "::g"]) {
    assert.equal(truncateAddress(bad), "unknown", bad);
    assert.equal(parseAddress(bad), null, bad);
  }
});

Deno.test("classify networks - networkOf and familyOf", () => {
  assert.equal(networkOf("203.0.113.57"), networkOf("203.0.113.190"));
  assert.notEqual(networkOf("203.0.113.57"), networkOf("203.0.114.57"));
  assert.equal(networkOf("2001:db8:4a1:7::21"), networkOf("2001:db8:4a1:ffff::1"));
  assert.equal(familyOf("2001:db8::1"), "ipv6");
  assert.equal(familyOf("::ffff:1.2.3.4"), "ipv4");
  assert.equal(familyOf("nope"), null);
});

Deno.test("classify networks - CIDR intervals", () => {
  const v4 = cidrInterval("10.0.0.0/8");
  assert.equal(v4.family, "ipv4");
  assert.equal(v4.end - v4.start + 1n, 1n << 24n);
  assert.equal(cidrInterval("10.1.2.3/24").start, cidrInterval("10.1.2.0/24").start, "host bits are ignored");
  assert.equal(cidrInterval("1.2.3.4").start, cidrInterval("1.2.3.4").end, "a bare address is a /32");
  assert.throws(() => cidrInterval("10.0.0.0/33"));
  assert.throws(() => cidrInterval("10.0.0/8"));
  assert.throws(() => cidrInterval("2001:db8::/129"));
});

Deno.test("classify networks - mergeCidrs gives the fewest ranges covering exactly the same addresses", () => {
  assert.deepEqual(mergeCidrs(["10.0.0.128/25", "10.0.0.0/25"]), ["10.0.0.0/24"]);
  assert.deepEqual(mergeCidrs(["10.0.0.0/8", "10.1.0.0/16"]), ["10.0.0.0/8"]);
  assert.deepEqual(mergeCidrs(["10.0.0.1/32", "10.0.0.2/31"]), ["10.0.0.1/32", "10.0.0.2/31"]);
  assert.deepEqual(
    mergeCidrs([
      "172.224.224.0/27",
      "172.224.224.32/31",
      "172.224.224.34/31",
      "172.224.224.36/30",
      "172.224.224.40/29",
    ]),
    ["172.224.224.0/27", "172.224.224.32/28"],
  );
  assert.deepEqual(mergeCidrs(["2001:db8::/33", "2001:db8:8000::/33", "10.0.0.0/31"]), [
    "10.0.0.0/31",
    "2001:db8::/32",
  ]);
  assert.deepEqual(mergeCidrs([]), []);
  assert.throws(() => mergeCidrs(["not-a-range"]));
});

Deno.test("classify networks - CidrSet membership for both families", () => {
  const set = new CidrSet(["17.0.0.0/8", "172.224.224.0/27", "172.224.224.32/27", "2620:149::/32"]);
  assert.equal(set.size, 3, "adjacent ranges are merged");
  assert.ok(set.has("17.0.0.0"));
  assert.ok(set.has("17.255.255.255"));
  assert.ok(!set.has("18.0.0.0"));
  assert.ok(!set.has("16.255.255.255"));
  assert.ok(set.has("172.224.224.63"));
  assert.ok(!set.has("172.224.224.64"));
  assert.ok(set.has("2620:149:a44::1"));
  assert.ok(!set.has("2620:14a::1"));
  assert.ok(set.has("::ffff:17.1.1.1"));
  assert.ok(!set.has("unknown"));
  assert.ok(!new CidrSet([]).has("17.1.1.1"));
});

Deno.test("classify networks - Apple's address space: 17.0.0.0/8, Apple's IPv6 blocks, the egress sample", () => {
  assert.ok(isAppleAddress("17.58.62.14"));
  assert.ok(isAppleAddress("17.58.62.0"), "still Apple after truncation");
  assert.ok(isAppleAddress("2620:149:a44:1000::9"));
  assert.ok(isAppleAddress("172.224.224.41"));
  assert.ok(!isAppleAddress("172.224.224.48"));
  assert.ok(!isAppleAddress("8.8.8.8"));
  assert.ok(!isAppleAddress("unknown"));
});

Deno.test("classify networks - listed mail-security networks", () => {
  assert.equal(listedNetworkOf("40.107.22.61")?.id, "microsoft_exchange_online");
  assert.equal(listedNetworkOf("2a01:111:f400:7e1b::201")?.id, "microsoft_exchange_online");
  assert.equal(listedNetworkOf("66.249.84.201")?.id, "google_mail");
  assert.ok(isGoogleAddress("108.177.2.32"));
  assert.equal(listedNetworkOf("203.0.113.5"), null);
  assert.equal(listedNetworkOf("17.58.62.14"), null, "Apple is not a scanner network");
  assert.equal(listedNetworkOf("unknown"), null);
});

Deno.test("classify networks - the shipped Apple data file is valid and formatted as the refresh writes it", async () => {
  const file = appleData as AppleRangesFile;
  assert.equal(file.source, "https://mask-api.icloud.com/egress-ip-ranges.csv");
  assert.ok(file.fixed.some((f) => f.cidr === "17.0.0.0/8"));
  for (const cidr of [...file.fixed.map((f) => f.cidr), ...file.egress]) cidrInterval(cidr);
  assert.deepEqual(mergeCidrs(file.egress), file.egress, "egress ranges are stored merged");
  const text = await Deno.readTextFile(new URL("./data/apple_egress.json", import.meta.url));
  assert.equal(renderAppleRangesFile(file), text);
});

Deno.test("classify networks - the fast CIDR parser agrees with ipaddr.js", () => {
  const samples = [
    "17.0.0.0/8",
    "172.224.224.32/31",
    "255.255.255.255/32",
    "0.0.0.0/0",
    "1.2.3.4",
    "2620:149::/32",
    "2a02:26f7:b3c0:4000::/64",
    "::/0",
    "::1/128",
    "1:2:3:4:5:6:7::/112",
    "::ffff:0:0/96",
    "2001:db8:0:0:1:0:0:1/128",
    "fe80::1:2/10",
  ];
  for (const cidr of samples) {
    const [address, bits] = cidr.includes("/")
      ? ipaddr.parseCIDR(cidr)
      : [ipaddr.parse(cidr), ipaddr.parse(cidr).kind() === "ipv4" ? 32 : 128];
    const width = address.kind() === "ipv4" ? 32 : 128;
    const n = address.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
    const start = (n >> BigInt(width - bits)) << BigInt(width - bits);
    assert.deepEqual(cidrInterval(cidr), {
      family: address.kind(),
      start,
      end: start + (1n << BigInt(width - bits)) - 1n,
    }, cidr);
  }
  assert.throws(() => cidrInterval("1:::2/64"));
  assert.throws(() => cidrInterval(":1::/64"));
  assert.throws(() => cidrInterval("1:2:3:4:5:6:7:8:9/64"));
  assert.throws(() => cidrInterval("256.0.0.0/8"));
});
