/** End-to-end helpers: the real app on a listening port, and Debian's Chromium driven by playwright-core. */
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from "playwright-core";
import { ensureIslandsBuilt } from "../../lib/islands/build.ts";
import { makeTestApp, type TestApp } from "./app.ts";
import { CHROME_UA } from "./people.ts";
import { serveHandler } from "../../routes/serve.ts";

export const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
export const SCREENSHOTS = "tests/screenshots";

export interface LiveServer extends TestApp {
  url: string;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts the app (with fresh island bundles) on 127.0.0.1 and a random port. */
export async function startServer(options: Parameters<typeof makeTestApp>[0] = {}): Promise<LiveServer> {
  // The app needs the server's address (its base URL), so the server starts first and serves it once made.
  // deno-lint-ignore prefer-const
  let serve: Deno.ServeHandler<Deno.NetAddr> | undefined;
  const assetsHash = await ensureIslandsBuilt();
  let url = "";
  const ac = new AbortController();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: ac.signal,
    onListen: ({ port }) => url = `http://127.0.0.1:${port}`,
  }, (request, info) => serve!(request, info));
  const t = await makeTestApp({
    scheduler: { wakeups: ["timer", "cron"] },
    ...options,
    assetsHash,
    env: { ...options.env, BEACON_BASE_URL: `http://127.0.0.1:${server.addr.port}` },
  });
  serve = serveHandler(t.app, t.deps);
  return {
    ...t,
    url,
    async [Symbol.asyncDispose]() {
      ac.abort();
      await server.finished;
      await t[Symbol.asyncDispose]();
    },
  };
}

export async function launchBrowser(): Promise<Browser & { [Symbol.asyncDispose](): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
      // Headless Chromium says "HeadlessChrome", which tracking rightly treats as a machine; pages in
      // these tests stand for people, so the browser introduces itself as the desktop Chrome it is.
      `--user-agent=${CHROME_UA}`,
    ],
  });
  return Object.assign(browser, { [Symbol.asyncDispose]: () => browser.close() });
}

/**
 * A new browser context and page for the seller (desktop size, Lisbon time), with the page's errors
 * collected for the test to check: uncaught exceptions, and console errors too when `consoleErrorsExcept`
 * says which of them are expected (failed requests, say).
 */
export async function newSellerPage(
  browser: Browser,
  { timeout = 10_000, consoleErrorsExcept, ...contextOptions }: BrowserContextOptions & {
    timeout?: number;
    consoleErrorsExcept?: RegExp;
  } = {},
): Promise<{ context: BrowserContext; page: Page; errors: (Error | string)[] }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    timezoneId: "Europe/Lisbon",
    ...contextOptions,
  });
  context.setDefaultTimeout(timeout);
  const page = await context.newPage();
  const errors: (Error | string)[] = [];
  page.on("pageerror", (error) => errors.push(error));
  if (consoleErrorsExcept) {
    page.on("console", (message) => {
      if (message.type() === "error" && !consoleErrorsExcept.test(message.text())) {
        errors.push(message.text());
      }
    });
  }
  return { context, page, errors };
}

/** Saves a desktop and a phone screenshot of the page as it is now. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await Deno.mkdir(SCREENSHOTS, { recursive: true });
  const size = page.viewportSize();
  // A full-page shot of a scrolled page paints the sticky header and sidebar where the view was: start at the top.
  await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  // Let the page (and its frames) lay out and paint at the new size first.
  await page.evaluate(() =>
    new Promise((painted) => requestAnimationFrame(() => requestAnimationFrame(painted)))
  );
  await page.screenshot({ path: `${SCREENSHOTS}/${name}-phone.png`, fullPage: true });
  if (size) await page.setViewportSize(size);
}

/**
 * Notes every script the page loads (for page-weight reporting); `rawBytes` then fetches each once and adds up
 * their sizes. Only addresses are kept while the page runs: reading a response's body races the navigation
 * that follows it.
 */
export function trackScripts(page: Page): { rawBytes(): Promise<number> } {
  const urls = new Set<string>();
  page.on("response", (response) => {
    if (response.request().resourceType() === "script") urls.add(response.url());
  });
  return {
    async rawBytes() {
      let total = 0;
      for (const url of urls) total += (await (await fetch(url)).arrayBuffer()).byteLength;
      return total;
    },
  };
}
