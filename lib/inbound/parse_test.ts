import assert from "node:assert/strict";
import { compose } from "./fixtures/mime.ts";
import { parseInbound, parseMessageIds } from "./parse.ts";

Deno.test("inbound parse - In-Reply-To and References: several ids, commas, comments, folding, bare ids", () => {
  assert.deepEqual(parseMessageIds("<a@x.example> <b@y.example>"), ["<a@x.example>", "<b@y.example>"]);
  assert.deepEqual(parseMessageIds("<a@x.example>,\r\n <b@y.example>"), ["<a@x.example>", "<b@y.example>"]);
  assert.deepEqual(
    parseMessageIds(`<a@x.example> (Ana Lima's message of "Tue, 3 Mar 2026 09:10:00 +0000")`),
    ["<a@x.example>"],
  );
  assert.deepEqual(parseMessageIds("< a@x.example >"), ["<a@x.example>"]);
  assert.deepEqual(parseMessageIds("a@x.example, b@y.example"), ["<a@x.example>", "<b@y.example>"]);
  assert.deepEqual(parseMessageIds("<a@x.example> <a@x.example>"), ["<a@x.example>"]);
  assert.deepEqual(parseMessageIds("Your message of Tuesday"), []);
  assert.deepEqual(parseMessageIds(""), []);
});

Deno.test("inbound parse - a message with almost no headers parses to empty values", async () => {
  const parsed = await parseInbound("\r\nhello\r\n");
  assert.deepEqual(parsed, {
    messageId: null,
    inReplyTo: [],
    references: [],
    subject: "",
    from: null,
    to: [],
    cc: [],
    deliveredTo: [],
    date: null,
    text: "hello\n",
    html: null,
    headers: {},
    attachments: [],
  });
  const broken = await parseInbound("From: not an address\r\nDate: yesterday-ish\r\nTo: ;\r\n\r\nx");
  assert.equal(broken.from, null);
  assert.equal(broken.date, null);
  assert.deepEqual(broken.to, []);
});

Deno.test("inbound parse - addresses, groups, every Delivered-To, first header value, ArrayBuffer input", async () => {
  const raw = await compose(
    {
      from: '"Lima, Ana" <Ana@Client.Example>',
      to: "Buyers: pedro@client.example, Luis <luis@client.example>;",
      cc: ["Sam <sam@beacon.test>"],
      subject: "Hello",
      text: "Hi",
      date: new Date("2026-03-03T11:02:00Z"),
      messageId: "<m1@client.example>",
    },
    [
      ["Delivered-To", "sam@beacon.test"],
      ["Delivered-To", "Reply+abc@In.Example"],
      ["X-Original-To", "reply+abc@in.example"],
      ["X-Custom", "first"],
      ["X-Custom", "second"],
    ],
  );
  const parsed = await parseInbound(raw.slice().buffer);
  assert.deepEqual(parsed.from, { address: "ana@client.example", name: "Lima, Ana" });
  assert.deepEqual(parsed.to, ["pedro@client.example", "luis@client.example"]);
  assert.deepEqual(parsed.cc, ["sam@beacon.test"]);
  assert.deepEqual(parsed.deliveredTo, ["sam@beacon.test", "reply+abc@in.example"]);
  assert.equal(parsed.headers["x-custom"], "first");
  assert.equal(parsed.messageId, "<m1@client.example>");
  assert.equal(parsed.date, Date.UTC(2026, 2, 3, 11, 2));
});
