import assert from "node:assert/strict";
import { MAX_CATCH_UP } from "../realtime/realtime.ts";
import { installPage, PageSource, withServer } from "../../tests/helpers/live_page.ts";

installPage();
// The stream's own `missed` is seen in a real browser: tests/e2e/live_connection_test.ts.
const { onLive, onLiveStatus } = await import("./live.ts");

/** `count` events with ids after `from`'s. */
const events = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    id: `01KA${String(from + i).padStart(22, "0")}`,
    type: "message.updated",
  }));

Deno.test("live - catching up from the feed goes page by page, and a page away too long says it missed some", async () => {
  const feed = new Map<string, { status: number; items: ReturnType<typeof events>; next?: string }>([
    ["/api/feed?after=01KA0000000000000000000001", { status: 200, items: events(2, 1_000), next: "p2" }],
    ["/api/feed?cursor=p2", { status: 200, items: events(1_002, MAX_CATCH_UP - 1_000), next: "p3" }],
  ]);
  using server = withServer((url) => feed.get(url) ?? { status: 500, items: [] });
  const statuses: string[] = [], got: string[] = [];
  onLiveStatus((s) => statuses.push(s));
  onLive((e) => got.push(e.id));
  const stream = PageSource.opened[0];
  stream.ready();
  stream.emit({ id: "01KA0000000000000000000001", type: "message.updated" });
  assert.equal(statuses.at(-1), "live");

  // A proxy's error page: the page catches up through the feed, a page at a time, up to MAX_CATCH_UP.
  stream.refuse();
  await server.settle();
  assert.deepEqual(server.asked, ["/api/feed?after=01KA0000000000000000000001", "/api/feed?cursor=p2"]);
  assert.equal(got.length, 1 + MAX_CATCH_UP);
  assert.equal(statuses.at(-1), "offline");

  // Back live, the page says it is out of date: more came than it caught up on.
  server.timers.find((t) => t.ms < 5_000)!.run();
  PageSource.opened.at(-1)!.ready();
  assert.equal(statuses.at(-1), "missed");
  const late: string[] = [];
  onLiveStatus((s) => late.push(s));
  assert.deepEqual(late, ["missed"], "an island that starts late hears it too");
});

Deno.test("live - a page whose last event is older than the feed keeps says it missed some", async () => {
  // A page of its own (a fresh copy of live.ts): the one above already says it missed some.
  const live: typeof import("./live.ts") = await import(new URL("./live.ts?expired", import.meta.url).href);
  using server = withServer(() => ({ status: 200, items: events(9_000, 3), missed: true }));
  const statuses: string[] = [];
  live.onLiveStatus((s) => statuses.push(s));
  live.onLive(() => {});
  const stream = PageSource.opened.at(-1)!;
  stream.ready();
  stream.emit({ id: "01KA0000000000000000000001", type: "message.updated" });
  assert.equal(statuses.at(-1), "live");
  stream.refuse();
  await server.settle();
  assert.equal(server.asked.length, 1, "one page: nothing more to fetch");
  server.timers.find((t) => t.ms < 5_000)!.run();
  PageSource.opened.at(-1)!.ready();
  assert.equal(statuses.at(-1), "missed");
});
