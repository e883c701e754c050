import assert from "node:assert/strict";
import type { LiveEvent } from "../realtime/realtime.ts";

/** What the page gives live.ts: its meta tags, and an EventSource (played here by the test). */
class PageSource {
  static opened: PageSource[] = [];
  readyState = 1;
  #handlers = new Map<string, (message: { data: string }) => void>();
  constructor(readonly url: string) {
    PageSource.opened.push(this);
  }
  addEventListener(type: string, handler: (message: { data: string }) => void) {
    this.#handlers.set(type, handler);
  }
  emit(event: Partial<LiveEvent>) {
    this.#handlers.get("live")!({ data: JSON.stringify(event) });
  }
}
Object.assign(globalThis, {
  document: {
    querySelector: (selector: string) => ({ content: selector.includes("live-transport") ? "local" : "" }),
  },
  EventSource: PageSource,
});
const { onLive } = await import("./live.ts");

Deno.test("live - an island that starts listening late gets what came before it, and every event once", () => {
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
