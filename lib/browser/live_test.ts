import assert from "node:assert/strict";
import { HEARTBEAT_MS, type LiveEvent } from "../realtime/realtime.ts";
import { installPage, locks, page, PageSource, withServer } from "../../tests/helpers/live_page.ts";

installPage();

const { onLive, onLiveStatus, reconnectNow, BACKGROUND_LOCK, HIDDEN_GRACE_MS, SILENT_HEARTBEATS } =
  await import(
    "./live.ts"
  );
/** The page's watchdog on a stream whose `ready` didn't say how often it hears from the server. */
const DEFAULT_WATCHDOG_MS = HEARTBEAT_MS * SILENT_HEARTBEATS;

Deno.test("live - an island that starts listening late gets what came before it, and every event once", () => {
  using _server = withServer(() => ({ status: 200 }));
  const first: string[] = [], late: string[] = [];
  onLive((e) => first.push(e.id));
  const [source] = PageSource.opened;
  source.emit({ id: "01KA0000000000000000000001", type: "message.updated" });
  onLive((e) => late.push(e.id));
  source.emit({ id: "01KA0000000000000000000002", type: "message.updated" });
  source.emit({ id: "01KA0000000000000000000001", type: "message.updated" });
  assert.equal(PageSource.opened.length, 1, "one connection for the page");
  assert.deepEqual(first, ["01KA0000000000000000000001", "01KA0000000000000000000002"]);
  assert.deepEqual(late, ["01KA0000000000000000000001", "01KA0000000000000000000002"]);
});

Deno.test("live - a hidden tab leaves its stream to the one background tab, waits its turn, and resumes from its last event", async () => {
  using server = withServer(() => ({ status: 200 }));
  const stream = () => PageSource.opened.at(-1)!;
  const before = stream();
  const closed = () => stream().readyState === PageSource.CLOSED;
  // Another hidden tab of this browser streams in the background.
  const otherTab = Promise.withResolvers<void>();
  locks.request(BACKGROUND_LOCK, {}, () => otherTab.promise);
  await server.settle();

  page.setVisible(false);
  assert.equal(server.timers.at(-1)?.ms, HIDDEN_GRACE_MS);
  assert.equal(closed(), false, "it keeps its stream for a while (a quick look at another tab)");
  server.timers.at(-1)!.run();
  await server.settle();
  assert.equal(closed(), true, "then closes it: the other tab streams");
  assert.equal(stream(), before);

  // The other tab is closed or shown: this one takes over and resumes where it stopped.
  otherTab.resolve();
  await server.settle();
  assert.notEqual(stream(), before);
  assert.equal(stream().url, "/api/live?after=01KA0000000000000000000002");
  assert.equal(closed(), false);
  assert.ok(locks.held.has(BACKGROUND_LOCK), "it holds the lock now");

  // Shown again: it lets the lock go, and keeps its stream.
  const streaming = stream();
  page.setVisible(true);
  await server.settle();
  assert.equal(locks.held.has(BACKGROUND_LOCK), false);
  assert.equal(stream(), streaming);
  assert.equal(closed(), false);

  // Hidden with no other tab in the background: it is the one that streams, without reconnecting.
  page.setVisible(false);
  server.timers.at(-1)!.run();
  await server.settle();
  assert.ok(locks.held.has(BACKGROUND_LOCK));
  assert.equal(stream(), streaming);
  assert.equal(closed(), false);
  page.setVisible(true);
  await server.settle();
  assert.equal(locks.held.has(BACKGROUND_LOCK), false);

  // Shown again while the lock was being asked for: it doesn't keep it.
  page.setVisible(false);
  server.timers.at(-1)!.run();
  page.setVisible(true);
  await server.settle();
  assert.equal(locks.held.has(BACKGROUND_LOCK), false, "let go at once");
  assert.equal(stream(), streaming);
  assert.equal(closed(), false);
});

Deno.test("live - a stream silent for a few heartbeats is taken for dead and reopened from the last event", () => {
  using server = withServer(() => ({ status: 200 }));
  const statuses: string[] = [];
  const stop = onLiveStatus((s) => statuses.push(s));
  try {
    const stream = PageSource.opened.at(-1)!;
    const opened = PageSource.opened.length;
    const watchdogs = () => server.timers.filter((t) => !t.cancelled);
    stream.ready({ heartbeatMs: 1_000 });
    assert.deepEqual(watchdogs().map((t) => t.ms), [1_000 * SILENT_HEARTBEATS], "told by the server");
    // Heartbeats and events keep it alive: one watchdog at a time, armed anew.
    stream.ping();
    stream.emit({ id: "01KA0000000000000000000002", type: "message.updated" });
    assert.equal(watchdogs().length, 1);
    assert.equal(server.timers.length, 3);
    assert.equal(PageSource.opened.length, opened);

    // Then nothing for 2.5 heartbeats: the stream is closed and a new one resumes from the last event.
    watchdogs()[0].run();
    assert.equal(stream.readyState, PageSource.CLOSED);
    assert.equal(PageSource.opened.length, opened + 1);
    assert.equal(PageSource.opened.at(-1)!.url, "/api/live?after=01KA0000000000000000000002");
    assert.equal(statuses.at(-1), "connecting");
    PageSource.opened.at(-1)!.ready();
    assert.equal(statuses.at(-1), "live");
  } finally {
    stop();
  }
});

Deno.test("live - a stream the server refused is reopened from the last event, after growing, spread-out waits", async () => {
  const statuses: string[] = [], got: string[] = [];
  const stop = onLiveStatus((s) => statuses.push(s));
  const stopLive = onLive((e) => got.push(e.id));
  let feed: { status: number; items?: Partial<LiveEvent>[] } = {
    status: 200,
    items: [{ id: "01KA0000000000000000000003", type: "message.updated" }],
  };
  using server = withServer(() => feed);
  /** The page's own waits to reopen (not its watchdog on the streams). */
  const waits = () => server.timers.filter((t) => t.ms !== DEFAULT_WATCHDOG_MS);
  try {
    PageSource.opened.at(-1)!.ready();
    // A deploy: the proxy answers 502, so the browser gives up on the stream.
    PageSource.opened.at(-1)!.refuse();
    await server.settle();
    assert.deepEqual(
      server.asked,
      ["/api/feed?after=01KA0000000000000000000002"],
      "catches up from the feed",
    );
    assert.ok(got.includes("01KA0000000000000000000003"), "what the feed had is shown");
    assert.equal(statuses.at(-1), "offline");
    assert.equal(waits().length, 1);
    assert.ok(
      waits()[0].ms >= 500 && waits()[0].ms <= 1_000,
      `first wait ${waits()[0].ms}`,
    );

    // Still down: the next wait is longer.
    feed = { status: 503 };
    const opened = PageSource.opened.length;
    waits()[0].run();
    assert.equal(PageSource.opened.length, opened + 1);
    assert.equal(PageSource.opened.at(-1)!.url, "/api/live?after=01KA0000000000000000000003");
    assert.equal(statuses.at(-1), "connecting");
    PageSource.opened.at(-1)!.refuse();
    await server.settle();
    assert.equal(statuses.at(-1), "offline");
    assert.ok(
      waits()[1].ms >= 1_000 && waits()[1].ms <= 2_000,
      `second wait ${waits()[1].ms}`,
    );

    // Back on the network: no need to wait for the timer; once live, the waits start small again.
    globalThis.dispatchEvent(new Event("online"));
    assert.equal(PageSource.opened.length, opened + 2);
    PageSource.opened.at(-1)!.ready();
    assert.equal(statuses.at(-1), "live");
    reconnectNow();
    assert.equal(PageSource.opened.length, opened + 2, "nothing to retry while live");
    PageSource.opened.at(-1)!.refuse();
    await server.settle();
    assert.ok(waits()[2].ms <= 1_000, `wait after being live again ${waits()[2].ms}`);

    // The session ended: the feed says 401, and the page stops trying.
    feed = { status: 401 };
    waits()[2].run();
    PageSource.opened.at(-1)!.refuse();
    await server.settle();
    assert.equal(statuses.at(-1), "signed-out");
    assert.equal(waits().length, 3, "no more attempts");
  } finally {
    stop();
    stopLive();
  }
});
