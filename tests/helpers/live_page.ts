/**
 * A browser page for the unit tests of live.ts and focus.ts, played in Deno: its document (meta tags,
 * visibility, focus), its EventSource, the browser's Web Locks, and the server the page's own reconnecting
 * meets. Each test
 * module that installs it gets its own page (Deno runs test modules apart).
 */
import type { LiveEvent } from "../../lib/realtime/realtime.ts";

/** What the page gives live.ts: its meta tags, and an EventSource (played here by the test). */
export class PageSource {
  static CLOSED = 2;
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
  ready(data: { heartbeatMs?: number } = {}) {
    this.#handlers.get("ready")!({ data: JSON.stringify(data) });
  }
  ping() {
    this.#handlers.get("ping")!({ data: "{}" });
  }
  /** The server could not replay all the page missed. */
  missed() {
    this.#handlers.get("missed")!({ data: "{}" });
  }
  /** The server answered with something other than a stream: the browser closes it for good. */
  refuse() {
    this.readyState = PageSource.CLOSED;
    this.#handlers.get("error")!({ data: "" });
  }
  close() {
    this.readyState = PageSource.CLOSED;
  }
}
/** The page's document: its meta tags, whether the tab has focus, and whether it is shown (`setVisible`). */
export const page = {
  visibilityState: "visible",
  focused: true,
  hasFocus() {
    return this.focused;
  },
  handlers: [] as (() => void)[],
  querySelector: (selector: string) => ({ content: selector.includes("live-transport") ? "local" : "" }),
  addEventListener(type: string, handler: () => void) {
    if (type === "visibilitychange") this.handlers.push(handler);
  },
  setVisible(visible: boolean) {
    this.visibilityState = visible ? "visible" : "hidden";
    for (const handler of this.handlers) handler();
  },
};

/** The browser's Web Locks, shared by its tabs (this page, and the others the test plays). */
export class Locks {
  held = new Set<string>();
  #queue: { name: string; grant: () => void }[] = [];
  /** Shared holds, by name: how many there are (nothing here asks for those names exclusively). */
  shared = new Map<string, number>();
  async request(
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal; mode?: "shared" | "exclusive" },
    callback: (lock: { name: string } | null) => unknown,
  ): Promise<unknown> {
    await Promise.resolve(); // a browser answers later, not within the call
    if (options.mode === "shared") {
      this.shared.set(name, (this.shared.get(name) ?? 0) + 1);
      try {
        return await callback({ name });
      } finally {
        this.shared.set(name, this.shared.get(name)! - 1);
      }
    }
    if (this.held.has(name)) {
      if (options.ifAvailable) return await callback(null);
      await new Promise<void>((grant, reject) => {
        const waiter = { name, grant };
        this.#queue.push(waiter);
        options.signal?.addEventListener("abort", () => {
          this.#queue = this.#queue.filter((w) => w !== waiter);
          reject(new DOMException("aborted", "AbortError"));
        });
      });
    }
    this.held.add(name);
    try {
      return await callback({ name });
    } finally {
      this.held.delete(name);
      const next = this.#queue.find((w) => w.name === name);
      if (next) {
        this.#queue = this.#queue.filter((w) => w !== next);
        next.grant();
      }
    }
  }
  query(): Promise<{ held: { name: string }[] }> {
    const shared = [...this.shared].flatMap(([name, n]) => Array.from({ length: n }, () => ({ name })));
    return Promise.resolve({ held: [...[...this.held].map((name) => ({ name })), ...shared] });
  }
}
export const locks = new Locks();

/** Makes this module's page the one live.ts sees; import live.ts after it. */
export function installPage() {
  Object.defineProperty(globalThis.navigator, "locks", { value: locks, configurable: true });
  Object.assign(globalThis, { document: page, EventSource: PageSource });
}

/**
 * Plays what the page's own reconnecting meets: /api/feed answers with `feed` (a status and its
 * events), and timers are held for the test to run instead of firing.
 */
export function withServer(
  feed: (url: string) => { status: number; items?: Partial<LiveEvent>[]; next?: string; missed?: boolean },
) {
  const real = {
    fetch: globalThis.fetch,
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
  };
  const asked: string[] = [], timers: { run: () => void; ms: number; cancelled: boolean }[] = [];
  const FIRST_ID = 1_000_000;
  Object.assign(globalThis, {
    fetch: (url: string) => {
      asked.push(url);
      const { status, items = [], next = null, missed = false } = feed(url);
      const body = status === 200 ? { items, next, missed } : {};
      return Promise.resolve(new Response(JSON.stringify(body), { status }));
    },
    setTimeout: (run: () => void, ms: number) => timers.push({ run, ms, cancelled: false }) - 1 + FIRST_ID,
    clearTimeout: (id: number) => {
      const timer = timers[id - FIRST_ID];
      if (timer) timer.cancelled = true;
    },
  });
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((resolve) => real.setTimeout(resolve, 1));
  };
  return { asked, timers, settle, [Symbol.dispose]: () => Object.assign(globalThis, real) };
}
