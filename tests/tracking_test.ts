import assert from "node:assert/strict";
import type { LiveEvent } from "../lib/realtime/realtime.ts";
import { feedKey } from "../lib/realtime/feed.ts";
import { makeTestApp } from "./helpers/app.ts";
import { Client } from "./helpers/client.ts";
import { outbox, sendEmail, trackingPaths } from "./helpers/mail.ts";
import { personHeaders, personRequest } from "./helpers/people.ts";
import { serveHandler } from "../routes/serve.ts";
import { readEvents } from "../lib/tracking/event_log.ts";
import { trackingKeys } from "../lib/tracking/keys.ts";
import { EventRecorder, type Hit } from "../lib/tracking/recorder.ts";

async function sentEmail(t: Awaited<ReturnType<typeof makeTestApp>>) {
  const ana = new Client(t);
  const me = await ana.signUp({ email: "ana@acme.example" });
  const ken = (await ana.api("POST", "/contacts", { firstName: "Ken", email: "ken@globex.example" })).json;
  const { ids } = await sendEmail(t, ana, { to: [ken.email] });
  const [email] = await outbox(t, me.team.id);
  return { ana, me, id: ids[0], ...trackingPaths(email.html) };
}

const request = personRequest;

Deno.test("tracking - the pixel is a 43-byte GIF, never cached, and the open is stored before the answer", async () => {
  await using t = await makeTestApp();
  const { ana, id, pixel } = await sentEmail(t);
  t.clock.advance(90_000);
  const response = await request(t, pixel!, {
    headers: { "user-agent": "Mozilla/5.0 (Macintosh) Thunderbird/128.0" },
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "image/gif");
  assert.equal(response.headers.get("content-length"), "43");
  assert.match(response.headers.get("cache-control")!, /no-store/);
  assert.equal((await response.arrayBuffer()).byteLength, 43);
  assert.equal(response.headers.get("set-cookie"), null, "recipients get no cookies");

  const { json } = await ana.api("GET", `/messages/${id}/events`);
  assert.equal(json.items.length, 1);
  const [event] = json.items;
  assert.equal(event.type, "open");
  assert.equal(event.recipient, 0);
  assert.equal(event.sinceSendMs, 90_000 + 5 * 60_000);
  assert.match(event.userAgent, /Thunderbird/);
  assert.equal(json.stats.opens, 1);
  assert.equal(json.stats.lastOpenedAt, t.clock.now());
  const stored = await readEvents(t.kv, (await ana.api("GET", "/me")).json.team.id, id);
  assert.equal(stored[0].clientAddress, "203.0.113.0", "truncated to its /24 after classification");
  assert.equal(stored[0].method, "GET");
});

Deno.test("tracking - the server answers the pixel the short way (no router) exactly as the app's route does", async () => {
  await using t = await makeTestApp();
  const { ana, me, id, pixel } = await sentEmail(t);
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    serveHandler(t.app, t.deps),
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  const headers = personHeaders(pixel!);
  const answers = [await fetch(base + pixel!, { headers }), await t.app.request(pixel!, { headers })];
  const described = await Promise.all(answers.map(async (r) => ({
    status: r.status,
    type: r.headers.get("content-type"),
    length: r.headers.get("content-length"),
    cache: r.headers.get("cache-control"),
    body: [...new Uint8Array(await r.arrayBuffer())],
  })));
  assert.deepEqual(described[0], described[1]);
  assert.equal(described[0].body.length, 43);
  const head = await fetch(base + pixel!, { method: "HEAD", headers });
  assert.equal(head.status, 200);
  await head.body?.cancel();
  const forged = await fetch(`${base}/t/o/${"A".repeat(66)}`, { headers });
  assert.equal(forged.headers.get("content-type"), "image/gif", "a bad token still gets the GIF");
  await forged.body?.cancel();

  const stored = await readEvents(t.kv, me.team.id, id);
  assert.deepEqual(stored.map((e) => [e.method, e.prefetch]), [["GET", false], ["GET", false], [
    "HEAD",
    true,
  ]]);
  assert.equal(stored[0].clientAddress, "127.0.0.0", "the socket's address, from the server");
  assert.equal((await ana.api("GET", `/messages/${id}`)).json.stats.opens, 2);

  // Only GET and HEAD of the pixel's path take the short way: the rest is the app's.
  const posted = await fetch(base + pixel!, { method: "POST", headers });
  assert.equal(posted.status, 404);
  assert.match(posted.headers.get("content-type")!, /text\/html/);
  await posted.body?.cancel();
  const health = await fetch(`${base}/healthz`);
  assert.equal(health.status, 200);
  await health.body?.cancel();
});

Deno.test("tracking - an email with a Cc or Bcc tracks no one person: an open may be any of theirs", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  const me = await ana.signUp({ email: "ana@acme.example" });
  for (const [field, address] of [["cc", "ed@globex.example"], ["bcc", "boss@acme.example"]] as const) {
    const { ids } = await sendEmail(t, ana, { to: ["ken@globex.example"], [field]: [address] });
    const sent = (await outbox(t, me.team.id)).find((e) => e[field].includes(address));
    const { pixel } = trackingPaths(sent!.html);
    await request(t, pixel!);
    const { json } = await ana.api("GET", `/messages/${ids[0]}/events`);
    assert.equal(json.items[0].recipient, null, field);
  }
});

Deno.test("tracking - HEAD requests and prefetches are recorded but not counted", async () => {
  await using t = await makeTestApp();
  const { ana, id, pixel, links } = await sentEmail(t);
  assert.equal((await request(t, pixel!, { method: "HEAD" })).status, 200);
  await request(t, pixel!, { headers: { "sec-purpose": "prefetch" } });
  const click = await request(t, links[0], { method: "HEAD" });
  assert.equal(click.status, 302, "scanners are redirected too");
  const { json } = await ana.api("GET", `/messages/${id}/events`);
  assert.equal(json.items.length, 3);
  assert.ok(json.items.every((e: { prefetch: boolean }) => e.prefetch));
  assert.equal(json.stats.opens, 0);
  assert.equal(json.stats.clicks, 0);
  assert.equal(json.stats.prefetches, 3);
});

Deno.test("tracking - a click redirects to its stored destination and counts per link", async () => {
  await using t = await makeTestApp();
  const { ana, id, links } = await sentEmail(t);
  const first = await request(t, links[1]);
  assert.equal(first.status, 302);
  assert.equal(first.headers.get("location"), "https://example.com/case");
  assert.equal(first.headers.get("referrer-policy"), "no-referrer");
  await request(t, links[1]);
  await request(t, links[0]);
  const { json } = await ana.api("GET", `/messages/${id}/events`);
  assert.equal(json.stats.clicks, 3);
  assert.deepEqual(json.stats.linkClicks, { "0": 1, "1": 2 });
  assert.equal(json.items[0].url, "https://example.com/pricing");
});

Deno.test("tracking - when KV cannot take a hit, the recipient still gets the GIF and the link, and the loss is logged", async () => {
  await using t = await makeTestApp();
  const { pixel, links } = await sentEmail(t);
  assert.equal((await request(t, links[1])).status, 302, "a first click while KV works");
  t.kv.close();
  const logged: string[] = [];
  const error = console.error;
  console.error = (...args: unknown[]) => logged.push(args.map(String).join(" "));
  try {
    const gif = await request(t, pixel!);
    assert.equal(gif.status, 200);
    assert.equal(gif.headers.get("content-type"), "image/gif");
    assert.equal((await gif.arrayBuffer()).byteLength, 43);
    const click = await request(t, links[1]);
    assert.equal(click.status, 302);
    assert.equal(click.headers.get("location"), "https://example.com/case");
  } finally {
    console.error = error;
  }
  assert.equal(logged.length, 2, logged.join("\n"));
  assert.match(logged[0], /tracking: open of message \w+ not recorded/);
  assert.match(logged[1], /tracking: click of message \w+ not recorded/);
});

Deno.test("tracking - forged, truncated and unknown tokens never redirect; a bad pixel records nothing", async () => {
  await using t = await makeTestApp();
  const { ana, id, pixel, links } = await sentEmail(t);
  const token = links[0].split("/").pop()!;
  const attempts = [
    `/t/c/${token.slice(0, -2)}`,
    `/t/c/${token}xx`,
    `/t/c/${token.slice(0, 30)}${token[30] === "A" ? "B" : "A"}${token.slice(31)}`,
    `/t/c/${pixel!.split("/").pop()}`, // a pixel token is not a click token
    "/t/c/%2F%2Fevil.example",
    "/t/c///evil.example",
    "/t/c/javascript:alert(1)",
    "/t/c/https%3A%2F%2Fevil.example",
    "/t/c/%252F%252Fevil.example",
    `/t/c/${"A".repeat(66)}`,
  ];
  for (const path of attempts) {
    const response = await request(t, path);
    assert.equal(response.status, 404, path);
    assert.equal(response.headers.get("location"), null, path);
    assert.match(await response.text(), /This link is not valid/);
    assert.match(
      response.headers.get("content-security-policy")!,
      /default-src 'none'.*frame-ancestors 'none'/,
    );
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
  }
  const pixelToken = pixel!.split("/").pop()!;
  for (
    const path of [
      `/t/o/${"B".repeat(66)}`,
      `/t/o/${token}`, // a click token is not a pixel token
      `/t/o/${pixelToken.slice(0, -1)}`,
      `/t/o/${pixelToken}/extra`,
      "/t/o/",
      "/t/o",
    ]
  ) {
    const badPixel = await request(t, path);
    assert.equal(badPixel.status, 200, path);
    assert.equal(badPixel.headers.get("content-type"), "image/gif", path);
    assert.equal((await badPixel.arrayBuffer()).byteLength, 43, path);
  }
  const { json } = await ana.api("GET", `/messages/${id}/events`);
  assert.equal(json.items.length, 0);
});

Deno.test("tracking - team B's messages and events answer 404 to team A", async () => {
  await using t = await makeTestApp();
  const { id } = await sentEmail(t);
  const eve = new Client(t);
  await eve.signUp({ email: "eve@other.example" });
  for (
    const [method, path] of [
      ["GET", `/messages/${id}`],
      ["GET", `/messages/${id}/events`],
      ["PATCH", `/messages/${id}`],
      ["POST", `/messages/${id}/send`],
      ["POST", `/messages/${id}/retry`],
      ["DELETE", `/messages/${id}`],
    ]
  ) {
    assert.equal(
      (await eve.api(method, path, method === "PATCH" ? { subject: "x" } : undefined)).status,
      404,
      `${method} ${path}`,
    );
  }
  assert.equal((await eve.page(`/messages/${id}`)).status, 404);
  assert.equal((await eve.page(`/compose/${id}`)).status, 404);
  assert.equal((await eve.api("GET", "/messages")).json.items.length, 0);
  const outboxPage = await eve.page("/outbox");
  assert.doesNotMatch(outboxPage.html, /Proposal for Q3/);
});

Deno.test("tracking - hits are published live after commit, with counters; the first open alerts the sender", async () => {
  await using t = await makeTestApp();
  const { me, pixel } = await sentEmail(t);
  const seen: LiveEvent[] = [];
  t.deps.realtime.subscribe(me.team.id, (e) => seen.push(e));
  await request(t, pixel!);
  await request(t, pixel!);
  await t.deps.recorder.idle();
  const engagement = seen.filter((e) => e.type === "engagement");
  assert.equal(engagement.length, 2);
  assert.equal((engagement[1].data.stats as { opens: number }).opens, 2);
  const alerts = seen.filter((e) => e.type === "alert.first_open");
  assert.equal(alerts.length, 1, "only the first open alerts");
  assert.equal(alerts[0].userId, me.user.id);
});

Deno.test("tracking - many concurrent hits are all stored, counted exactly, in grouped commits", async () => {
  await using t = await makeTestApp();
  const { ana, id, pixel, links } = await sentEmail(t);
  const responses = await Promise.all(
    Array.from({ length: 300 }, (_, i) => request(t, i % 3 ? pixel! : links[i % 2])),
  );
  assert.ok(responses.every((r) => r.status === 200 || r.status === 302));
  const { json } = await ana.api("GET", `/messages/${id}/events`);
  assert.equal(json.stats.opens, 200);
  assert.equal(json.stats.clicks, 100);
  const teamId = (await ana.api("GET", "/me")).json.team.id;
  const stored = await readEvents(t.kv, teamId, id);
  assert.equal(stored.length, 300);
  assert.equal(new Set(stored.map((e) => e.id)).size, 300, "each hit once");
  assert.ok(
    (await Array.fromAsync(t.kv.list({ prefix: trackingKeys.event(teamId, id) }))).length < 300,
    "grouped: fewer entries than events",
  );
});

Deno.test("tracking - two instances recording the same message never lose each other's counts", async () => {
  await using t = await makeTestApp();
  const { ana, id, pixel } = await sentEmail(t);
  // A second instance: its own recorder (and its own remembered counters) on the same database.
  const other = new EventRecorder(t.kv);
  const ref = (await t.deps.signer.verify(pixel!.split("/").pop()!.replace(/\.gif$/, ""), "open"))!;
  const hit = (): Hit => ({
    ref,
    type: "open",
    at: t.clock.now(),
    method: "GET",
    userAgent: "Mozilla/5.0 (Macintosh) Thunderbird/128.0",
    clientAddress: "203.0.113.7",
    headers: {},
    url: null,
    prefetch: false,
  });
  for (let round = 0; round < 5; round++) {
    // Each side's counters are stale after the other's commit: its next batch must re-read them.
    await Promise.all([
      ...Array.from({ length: 10 }, () => request(t, pixel!)),
      ...Array.from({ length: 10 }, () => other.record(hit())),
    ]);
  }
  await Promise.all([t.deps.recorder.idle(), other.idle()]);
  const { json } = await ana.api("GET", `/messages/${id}/events`);
  assert.equal(json.stats.opens, 100);
  const teamId = (await ana.api("GET", "/me")).json.team.id;
  assert.equal((await readEvents(t.kv, teamId, id)).length, 100);
});

Deno.test("live - the SSE stream replays what a page missed, then streams, without duplicates", async () => {
  await using t = await makeTestApp();
  const { ana, pixel } = await sentEmail(t);
  const before = (await ana.api("GET", "/feed?after=00000000000000000000000000")).json.items;
  const lastSeen = before.at(-1).id;
  await request(t, pixel!);
  await t.deps.recorder.idle();

  const controller = new AbortController();
  const response = await ana.request(`/api/live?after=${lastSeen}`, { signal: controller.signal });
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const until = async (pattern: RegExp) => {
    while (!pattern.test(text)) text += (await reader.read()).value ?? "";
  };
  await until(/"type":"engagement"/);
  await request(t, pixel!);
  await until(/"opens":2/);
  controller.abort();
  await reader.cancel().catch(() => {});
  const ids = [...text.matchAll(/^id: (\S+)$/gm)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length, "no event twice");
  assert.ok(!ids.includes(lastSeen), "nothing the page already had");
  const feed = (await ana.api("GET", `/feed?after=${lastSeen}`)).json.items;
  const engagement = feed.filter((e: LiveEvent) => e.type === "engagement");
  assert.equal(engagement.length, 2);
  assert.deepEqual(
    engagement.map((e: LiveEvent) => (e.data.events as { type: string }[]).map((x) => x.type)),
    [["open"], ["open"]],
    "catch-up carries each live event's events",
  );
  const replayed = text.split("\n\n").map((frame) => frame.match(/^data: (.*)$/m)?.[1])
    .map((data) => data && JSON.parse(data)).find((e) => e?.type === "engagement");
  assert.equal(replayed.data.events[0].type, "open", "so does the replay on the stream");
  const teamId = (await ana.api("GET", "/me")).json.team.id;
  const stored = (await Array.fromAsync(t.kv.list<LiveEvent>({ prefix: feedKey(teamId) })))
    .map((e) => e.value).filter((e) => e.type === "engagement");
  assert.ok(
    stored.every((e) => !("events" in e.data) && Array.isArray(e.data.eventEntries)),
    "the feed names the event entries instead of copying the events",
  );
});

Deno.test("tracking - a message's events come a page at a time, every one once, with a cursor", async () => {
  await using t = await makeTestApp();
  const { ana, id, pixel } = await sentEmail(t);
  for (let i = 0; i < 23; i++) {
    t.clock.advance(1000);
    await request(t, pixel!);
  }
  await t.deps.recorder.idle();
  const seen: string[] = [];
  let cursor = "";
  for (const expected of [10, 10, 3]) {
    const page = await ana.api("GET", `/messages/${id}/events?limit=10${cursor ? `&cursor=${cursor}` : ""}`);
    assert.equal(page.status, 200);
    assert.equal(page.json.items.length, expected);
    assert.ok(page.json.stats, "the counters come with every page");
    seen.push(...page.json.items.map((e: { id: string }) => e.id));
    cursor = page.json.cursor ?? "";
  }
  assert.equal(cursor, "", "the last page says so");
  assert.equal(new Set(seen).size, 23);
  assert.deepEqual(seen, seen.toSorted().toReversed(), "newest first");
  const first = await ana.api("GET", `/messages/${id}/events`);
  assert.equal(first.json.items.length, 23);
  assert.equal(first.json.cursor, null);
  const bad = await ana.api("GET", `/messages/${id}/events?cursor=nope`);
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.json), /cursor/);
});
