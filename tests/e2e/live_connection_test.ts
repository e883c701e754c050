/**
 * End to end: when live updates stop coming in, the seller's page says so and gets them back. A proxy's
 * error page in place of the stream (as during a deploy) makes the browser give up on it: the header says
 * "Live updates paused", the page keeps trying, "Retry now" reconnects at once, and what happened while
 * it was paused is shown. A session that ended says "Signed out" with a way to sign in again.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { ManualClock } from "../../lib/clock/clock.ts";
import { MAX_CATCH_UP } from "../../lib/realtime/realtime.ts";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import {
  draftToNewContact,
  KEN,
  openEmailInOutbox,
  pageApi,
  recipientInbox,
  signUpInBrowser,
  waitForStreams,
} from "../helpers/e2e_flows.ts";
import { fillFeed } from "../helpers/feed.ts";
import type { LocalHub } from "../../lib/realtime/local_hub.ts";

/**
 * Stops the page's timers a second from now (a retry due meanwhile still runs, and fails: the stream is
 * still refused), then waits until the page is paused again.
 */
async function holdTimers(page: Page) {
  await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1_000));
  await liveStatus(page, "offline");
}

const liveStatus = (page: Page, status: string) =>
  page.waitForSelector(`[data-testid=live-status][data-status=${status}]`, { state: "attached" });

Deno.test("e2e - live updates that stop say so, come back with 'Retry now', and miss nothing", async () => {
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, {
    // The refused streams themselves are logged by the browser.
    consoleErrorsExcept: /502|401|Failed to load resource/,
  });
  await signUpInBrowser(page, server.url);
  const { draft } = await draftToNewContact(page, KEN, {
    subject: "Pricing for 2027",
    html: "<p>Hi Ken, the new prices are attached.</p>",
  });
  await pageApi(page, "POST", `/messages/${draft.id}/send`);
  await server.deps.scheduler.drain();

  // The page's own timers can be held, so its retries don't race the test's "Retry now" clicks.
  await page.clock.install();

  // A stream that doesn't open: after a few seconds the header says so.
  await page.route("**/api/live?*", () => {});
  await page.goto(`${server.url}/`);
  await page.waitForSelector("[data-testid=live-status] >> text=Connecting…");
  await page.unroute("**/api/live?*");

  // A deploy in progress: the proxy answers the stream with an error page.
  await page.route("**/api/live?*", (route) => route.fulfill({ status: 502, body: "Bad gateway" }));
  await page.goto(`${server.url}/`);
  await page.waitForSelector("beacon-island[data-island=activity_list][data-hydrated]");
  await liveStatus(page, "offline");
  assert.match(await page.innerText("[data-testid=live-status]"), /^Live updates paused\s*Retry now$/);
  await screenshot(page, "live-paused");

  // Meanwhile Ken opens the email; the page can't hear it yet (and its next retry is held).
  await holdTimers(page);
  server.clock.advance(5 * 60_000);
  const { context: recipient, inbox } = await recipientInbox(browser, server.url);
  // The pixel is answered once the open is stored.
  const opened = inbox.waitForResponse((response) => response.url().includes("/t/o/"));
  await openEmailInOutbox(inbox, server.url, "Pricing for 2027");
  assert.equal((await opened).status(), 200);
  const row = `tr[data-message="${draft.id}"]`;
  assert.match(await page.textContent(row) ?? "", /Not opened yet/);

  // The deploy is over; "Retry now" reconnects without waiting for the next retry, and the open shows up.
  await page.unroute("**/api/live?*");
  await page.getByRole("button", { name: "Retry now" }).click();
  await page.clock.resume();
  await liveStatus(page, "live");
  await page.waitForFunction(
    (row) => /Opened once/.test(document.querySelector(row)?.textContent ?? ""),
    row,
  );
  assert.equal(await page.textContent("[data-testid=live-status]"), "", "nothing shown while live");

  // The session ends while the stream is down: the page stops trying and offers to sign in again.
  await page.route("**/api/live?*", (route) => route.fulfill({ status: 502, body: "Bad gateway" }));
  await page.reload();
  await liveStatus(page, "offline");
  await holdTimers(page);
  await context.clearCookies();
  await page.getByRole("button", { name: "Retry now" }).click();
  await liveStatus(page, "signed-out");
  await page.clock.resume();
  const signIn = page.locator("[data-testid=live-status] a", { hasText: "Sign in" });
  assert.equal(await signIn.getAttribute("href"), "/signin?next=%2F");
  await screenshot(page, "live-signed-out");
  assert.deepEqual(errors, []);
  await recipient.close();
});

Deno.test("e2e - a page away too long to catch up on everything says so, and a reload brings it up to date", async () => {
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();
  const { page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  await page.clock.install();
  await page.goto(`${server.url}/`);
  await page.waitForSelector("beacon-island[data-island=activity_list][data-hydrated]");
  const { team } = await pageApi<{ team: { id: string } }>(page, "GET", "/me");
  // Connected (the status says "live" from the start, before the stream is open).
  await waitForStreams(server.deps.realtime as LocalHub, team.id, 1);
  await liveStatus(page, "live");

  // More happens than a page catches up on, and this page's connection is lost without it noticing
  // (the events are in the feed, but never reach its stream).
  await fillFeed(server.kv, team.id, MAX_CATCH_UP + 100, server.clock.now());
  // A minute of silence: the page takes its stream for dead and opens a new one, whose replay stops short.
  await page.clock.fastForward(60_000);
  await liveStatus(page, "missed");
  assert.match(await page.innerText("[data-testid=live-status]"), /^Some updates missed\s*Reload$/);
  await screenshot(page, "live-missed");

  await page.getByRole("button", { name: "Reload" }).click();
  await page.waitForSelector("beacon-island[data-island=activity_list][data-hydrated]");
  await liveStatus(page, "live");
  assert.deepEqual(errors, []);
});
