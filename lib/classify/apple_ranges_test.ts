import assert from "node:assert/strict";
import {
  APPLE_EGRESS_URL,
  APPLE_FIXED,
  buildAppleRangesFile,
  parseEgressCsv,
  renderAppleRangesFile,
} from "./apple_ranges.ts";

// The first rows of Apple's published list, as mirrored in jonhadfield/ip-fetcher's test data.
const SAMPLE = [
  "172.224.224.0/27,GB,GB-EN,London,",
  "172.224.224.32/31,GB,GB-SC,Aberdeen,",
  "172.224.224.34/31,GB,GB-EN,Oxford,",
  "172.224.224.36/31,GB,GB-EN,Luton,",
  "172.224.224.38/31,GB,GB-NI,Belfast,",
  "172.224.224.40/31,GB,GB-SC,Dundee,",
  "172.224.224.42/31,GB,GB-EN,Brighton,",
  "172.224.224.44/31,GB,GB-EN,Leicester,",
  "172.224.224.46/31,GB,GB-EN,Liverpool,",
  "2a02:26f7:b3c0:4000::/64,GB,GB-EN,London,",
].join("\n");

Deno.test("classify apple ranges - parses the prefixes of Apple's egress CSV", () => {
  const prefixes = parseEgressCsv(SAMPLE + "\r\n\r\n");
  assert.equal(prefixes.length, 10);
  assert.equal(prefixes[0], "172.224.224.0/27");
  assert.equal(prefixes[9], "2a02:26f7:b3c0:4000::/64");
  assert.deepEqual(parseEgressCsv(""), []);
});

Deno.test("classify apple ranges - a malformed row is an error, not a silent skip", () => {
  assert.throws(() => parseEgressCsv("172.224.224.0/27,GB,GB-EN,London,\n<html>oops</html>"), /Line 2/);
});

Deno.test("classify apple ranges - builds the data file: merged egress, fixed Apple space kept", () => {
  const file = buildAppleRangesFile(SAMPLE, { fetchedAt: "2026-03-10T00:00:00.000Z", minPrefixes: 5 });
  assert.equal(file.source, APPLE_EGRESS_URL);
  assert.equal(file.fetchedAt, "2026-03-10T00:00:00.000Z");
  assert.deepEqual(file.fixed, APPLE_FIXED);
  assert.deepEqual(file.egress, ["172.224.224.0/27", "172.224.224.32/28", "2a02:26f7:b3c0:4000::/64"]);
  const custom = [{ cidr: "17.0.0.0/8", note: "Apple" }];
  assert.deepEqual(
    buildAppleRangesFile(SAMPLE, { fetchedAt: "x", fixed: custom, minPrefixes: 1 }).fixed,
    custom,
  );
});

Deno.test("classify apple ranges - a list that looks truncated is refused", () => {
  assert.throws(() => buildAppleRangesFile(SAMPLE, { fetchedAt: "x" }), /expected at least 1000/);
  assert.throws(() => buildAppleRangesFile("", { fetchedAt: "x", minPrefixes: 1 }));
});

Deno.test("classify apple ranges - renders JSON that reads back the same", () => {
  const file = buildAppleRangesFile(SAMPLE, { fetchedAt: "x", minPrefixes: 1 });
  const text = renderAppleRangesFile(file);
  assert.ok(text.endsWith("}\n"));
  assert.deepEqual(JSON.parse(text), file);
});
