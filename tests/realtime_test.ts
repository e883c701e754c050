/**
 * Realtime through the app: which transport a page is told to use, the Supabase token endpoint, and
 * tracking hits broadcast to the right private topics — against the local STAND-IN for Supabase
 * Realtime (tests/standins/supabase_standin.ts).
 */
import assert from "node:assert/strict";
import { decodeTime } from "ulid";
import {
  addToFeed,
  FEED_TTL_MS,
  type FeedFrom,
  feedPage,
  liveEvent,
  replayFeed,
} from "../lib/realtime/feed.ts";
import { HEARTBEAT_MS, MAX_CATCH_UP } from "../lib/realtime/realtime.ts";
import { verifyJwt } from "../lib/realtime/jwt.ts";
import { newId } from "../lib/storage/ids.ts";
import type { LiveEvent } from "../lib/realtime/realtime.ts";
import type { LocalHub } from "../lib/realtime/local_hub.ts";
import type { SupabaseRealtime } from "../lib/realtime/supabase.ts";
import { RECHECK_MS, RECONNECT_WINDOW_MS } from "../routes/api/live.ts";
import { serveHandler } from "../routes/serve.ts";
import { makeTestApp } from "./helpers/app.ts";
import { Client, teammate } from "./helpers/client.ts";
import { outbox, sendEmail, trackingPaths } from "./helpers/mail.ts";
import { fillFeed } from "./helpers/feed.ts";
import { standinEnv, startSupabaseStandin } from "./standins/supabase_standin.ts";

Deno.test("realtime - embedded by default: pages use SSE and there is no Supabase token", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  assert.equal(t.deps.realtime.name, "local");
  const page = await ana.page("/");
  assert.match(page.html, /<meta name="live-transport" content="local"\/?>/);
  assert.match(page.response.headers.get("content-security-policy")!, /connect-src 'self';/);
  const token = await ana.api("GET", "/realtime/token");
  assert.equal(token.status, 404);
});

Deno.test("realtime - with Supabase: a 10-minute token for the user's team and own topics only", async () => {
  await using standin = await startSupabaseStandin({ quiet: true });
  await using t = await makeTestApp({ env: standinEnv(standin) });
  assert.equal(t.deps.realtime.name, "supabase");
  const ana = new Client(t);
  const me = await ana.signUp();
  const page = await ana.page("/");
  assert.match(page.html, /<meta name="live-transport" content="supabase"\/?>/);
  const csp = page.response.headers.get("content-security-policy")!;
  assert.ok(csp.includes(`connect-src 'self' ${standin.url} ${standin.url.replace("http:", "ws:")}`), csp);

  const before = Date.now();
  const response = await ana.request("/api/realtime/token");
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("cache-control"), "no-store");
  const body = await response.json();
  assert.deepEqual(body.topics, [`team:${me.team.id}`, `team:${me.team.id}:user:${me.user.id}`]);
  assert.equal(body.url, standin.url);
  assert.equal(body.anonKey, standin.anonKey);
  assert.ok(
    !JSON.stringify(body).includes(standin.serviceRoleKey),
    "the service key never leaves the server",
  );
  const check = await verifyJwt(body.token, standin.jwtSecret, Date.now());
  assert.ok(check.ok);
  assert.equal(check.claims.sub, me.user.id);
  assert.equal(check.claims.team_id, me.team.id);
  assert.equal(check.claims.role, "authenticated");
  assert.ok(Math.abs(body.expiresAt - (before + 600_000)) < 5_000, "about 10 minutes");
  assert.equal(body.expiresAt, (check.claims.exp as number) * 1000);

  // /api/live is the embedded hub's; with Supabase it says where events come from instead.
  assert.equal((await ana.api("GET", "/live")).status, 404);
  assert.equal((await new Client(t).api("GET", "/realtime/token")).status, 401);
});

Deno.test("realtime - with Supabase: hits are broadcast after commit, team events and a user's alert apart", async () => {
  await using standin = await startSupabaseStandin({ quiet: true });
  await using t = await makeTestApp({ env: standinEnv(standin) });
  const ana = new Client(t);
  const me = await ana.signUp({ email: "ana@acme.example" });
  const ken = (await ana.api("POST", "/contacts", { firstName: "Ken", email: "ken@globex.example" })).json;
  await sendEmail(t, ana, { to: [ken.email] });
  const [email] = await outbox(t, me.team.id);
  const { pixel } = trackingPaths(email.html);
  t.clock.advance(10 * 60_000);
  const hit = await t.app.request(`http://beacon.test${pixel}`, {
    headers: { "user-agent": "Mozilla/5.0 (Macintosh) Thunderbird/128.0" },
  }, {
    remoteAddr: { hostname: "198.51.100.9", port: 1, transport: "tcp" },
  });
  assert.equal(hit.status, 200);
  await t.deps.recorder.idle();
  await (t.deps.realtime as SupabaseRealtime).idle();
  const byType = new Map(standin.broadcasts.map((b) => [(b.payload as LiveEvent).type, b]));
  assert.equal(byType.get("engagement")?.topic, `team:${me.team.id}`);
  assert.equal(byType.get("alert.first_open")?.topic, `team:${me.team.id}:user:${me.user.id}`);
  assert.ok(standin.broadcasts.every((b) => b.private && b.event === "live"));
  // Everything broadcast is also in the feed a page catches up from (alerts are toasts of the moment).
  const feed = (await ana.api("GET", "/feed?after=00000000000000000000000000")).json.items as LiveEvent[];
  for (const b of standin.broadcasts.filter((b) => !(b.payload as LiveEvent).type.startsWith("alert."))) {
    assert.ok(feed.some((e) => e.id === (b.payload as LiveEvent).id), (b.payload as LiveEvent).type);
  }
});

Deno.test("realtime - catch-up returns what came after the page's last event, though newer ids exist", async () => {
  using kv = await Deno.openKv(":memory:");
  const t0 = Date.now();
  const seen = liveEvent("T", "seen", {}, t0);
  const missed = [liveEvent("T", "missed-1", {}, t0 + 60_000), liveEvent("T", "missed-2", {}, t0 + 90_000)];
  const op = kv.atomic();
  for (const e of [seen, ...missed]) addToFeed(op, e);
  await op.commit();
  // Ids keep being minted meanwhile (pages, other events): newId() is monotonic, so it can't go back.
  newId(t0 + 120_000);
  const got = await feedPage(kv, "T", { after: seen.id });
  assert.deepEqual(got.events.map((e) => e.type), ["missed-1", "missed-2"]);
  assert.equal(got.next, null);
});

Deno.test("realtime - catch-up comes a page at a time, each from where the last ended, and says when it stopped short", async () => {
  using kv = await Deno.openKv(":memory:");
  // All within the few seconds a catch-up re-reads before the page's last event: the pages still move on.
  const events = await fillFeed(kv, "T", 1_234, Date.now());
  const after = events[100].id;
  const seen: string[] = [];
  let from: FeedFrom = { after }, pages = 0;
  for (;;) {
    const page = await feedPage(kv, "T", from);
    pages++;
    seen.push(...page.events.map((e) => e.id));
    if (!page.next) break;
    from = { cursor: page.next };
  }
  assert.equal(pages, 3);
  assert.equal(new Set(seen).size, seen.length, "no event twice");
  assert.deepEqual(
    seen,
    events.filter((e) => e.id !== after).map((e) => e.id),
    "the overlap, then everything after",
  );

  const all = await replayFeed(kv, "T", after, Date.now());
  assert.equal(all.complete, true);
  assert.equal(all.events.length, 1_233);
  const short = await replayFeed(kv, "T", after, Date.now(), 700);
  assert.equal(short.complete, false);
  assert.equal(short.events.length, 100 + 700, "the 100 re-read before it don't count");
  // A page whose last event is older than the feed keeps may have missed what expired since.
  // (Ids never go back in time, so after other tests they may be ahead of the clock: go by the id's.)
  const late = await replayFeed(kv, "T", after, decodeTime(after) + FEED_TTL_MS + 60_000);
  assert.deepEqual([late.events.length, late.complete], [1_233, false]);
});

Deno.test("realtime - a stream replays up to MAX_CATCH_UP missed events, then says it missed the rest", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  const me = await ana.signUp();
  // Later than signing up (ids never go back in time), and ten seconds apart: the few seconds a replay
  // re-reads before the page's last event hold none of them.
  const t0 = decodeTime(newId(t.clock.now())) + 60_000;
  const filler = await fillFeed(t.kv, me.team.id, MAX_CATCH_UP + 100, t0, 10_000);
  const read = async (after: string) => {
    const response = await ana.request(`/api/live?after=${after}`);
    // Published once the stream is open: it comes after all the replay sends.
    await t.deps.realtime.publish(liveEvent(me.team.id, "sentinel", {}, t.clock.now()));
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes('"sentinel"')) text += (await reader.read()).value;
    await reader.cancel();
    return { live: text.match(/event: live/g)!.length - 1, missed: /event: missed/.test(text) };
  };
  assert.deepEqual(await read(filler[0].id), { live: MAX_CATCH_UP, missed: true });
  assert.deepEqual(await read(filler.at(-MAX_CATCH_UP)!.id), { live: MAX_CATCH_UP - 1, missed: false });

  // The JSON catch-up gives the same a page at a time, with a cursor for the next.
  let page = await ana.api("GET", `/feed?after=${filler[0].id}`);
  assert.equal(page.json.items.length, 500);
  assert.equal(page.json.next, filler[500].id);
  page = await ana.api("GET", `/feed?cursor=${page.json.next}`);
  assert.equal(page.json.items[0].id, filler[501].id);
  assert.equal(page.json.missed, false);
  assert.equal((await ana.api("GET", "/feed")).status, 400);
  assert.equal((await ana.api("GET", `/feed?after=${filler[0].id}&cursor=${filler[1].id}`)).status, 400);
  // A week on, the feed may have let some of it go: the page is told.
  t.clock.set(decodeTime(filler[0].id) + FEED_TTL_MS + 60_000);
  assert.equal((await ana.api("GET", `/feed?after=${filler[0].id}`)).json.missed, true);
});

Deno.test("realtime - a page that goes away over HTTP takes its listener with it", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  const me = await ana.signUp();
  const hub = t.deps.realtime as LocalHub;
  const stop = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: stop.signal, onListen: () => {} },
    serveHandler(t.app, t.deps),
  );
  try {
    const leave = new AbortController();
    const response = await fetch(`http://127.0.0.1:${server.addr.port}/api/live`, {
      headers: { cookie: ana.cookieHeader },
      signal: leave.signal,
    });
    const reader = response.body!.getReader();
    assert.match(new TextDecoder().decode((await reader.read()).value), /^event: ready/);
    assert.equal(hub.listenerCount(me.team.id), 1);
    // The tab closes mid-stream: the connection drops, and the server lets the page's listener go.
    leave.abort();
    await reader.cancel().catch(() => {});
    for (let i = 0; i < 200 && hub.listenerCount(me.team.id) > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(hub.listenerCount(me.team.id), 0);
  } finally {
    stop.abort();
    await server.finished;
  }
});

Deno.test("realtime - a live stream ends once its session does: a removed member stops hearing the team", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  const me = await ana.signUp();
  const ken = await teammate(t, ana, "ken@example.com", "Ken");
  const kenId = (await ken.api("GET", "/me")).json.user.id;
  const open = async (client: Client) => {
    const reader = (await client.request("/api/live")).body!.pipeThrough(new TextDecoderStream()).getReader();
    assert.match((await reader.read()).value!, /^event: ready/);
    return reader;
  };
  /** What the stream sends within a second, and whether it ended. */
  const drain = async (reader: ReadableStreamDefaultReader<string>) => {
    let text = "";
    const timeout = new Promise<"open">((resolve) => setTimeout(() => resolve("open"), 1000));
    for (;;) {
      const next = await Promise.race([reader.read(), timeout]);
      if (next === "open") {
        await reader.cancel();
        return { text, ended: false };
      }
      if (next.done) return { text, ended: true };
      text += next.value;
    }
  };
  const kens = await open(ken);
  const anas = await open(ana);
  assert.equal((await ana.api("DELETE", `/members/${kenId}`)).status, 204);
  t.clock.advance(RECHECK_MS);
  await t.deps.realtime.publish(
    liveEvent(me.team.id, "after_removal", { subject: "Pricing" }, t.clock.now()),
  );
  const heard = await drain(kens);
  assert.doesNotMatch(heard.text, /after_removal/, "nothing the team does reaches a removed member");
  assert.equal(heard.ended, true);
  assert.equal((await ken.request("/api/live")).status, 401, "and coming back is refused");
  const stays = await drain(anas);
  assert.match(stays.text, /after_removal/, "a member still signed in hears it");
  assert.equal(stays.ended, false);
});

Deno.test("realtime - an SSE page that stops reading is cut off, not buffered without end", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  const me = await ana.signUp();
  const hub = t.deps.realtime as LocalHub;
  const response = await ana.request("/api/live");
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(hub.listenerCount(me.team.id), 1);
  // Nobody reads the body: about 5 MB of events later, the stream ends and the page's listener is gone.
  for (let i = 0; i < 50; i++) {
    await hub.publish(liveEvent(me.team.id, "big", { blob: "x".repeat(100_000) }, Date.now()));
  }
  assert.equal(hub.listenerCount(me.team.id), 0);
  const text = await response.text();
  assert.match(text, /^event: ready/);
  assert.ok(text.length < 4.5 * 1024 * 1024, `${text.length} bytes were kept`);
});

Deno.test("realtime - SSE pages are told different reconnect waits (so a restart doesn't bring them all back at once) and the heartbeat", async () => {
  await using t = await makeTestApp();
  const ana = new Client(t);
  await ana.signUp();
  const waits: number[] = [];
  for (let i = 0; i < 12; i++) {
    const response = await ana.request("/api/live");
    const reader = response.body!.getReader();
    const ready = new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const retry = ready.match(/^retry: (\d+)$/m);
    assert.ok(retry, `the ready frame sets retry: ${ready}`);
    waits.push(Number(retry[1]));
    // It also says how often an idle stream pings, so the page can tell a dead one.
    const data = JSON.parse(ready.match(/^data: (.*)$/m)![1]);
    assert.equal(data.heartbeatMs, HEARTBEAT_MS);
  }
  const [min, max] = RECONNECT_WINDOW_MS;
  for (const wait of waits) assert.ok(wait >= min && wait < max, `${wait} ms within ${min}–${max}`);
  assert.ok(new Set(waits).size >= 8, `spread out: ${waits.join(", ")}`);
});
