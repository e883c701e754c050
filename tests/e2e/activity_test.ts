/**
 * End to end in headless Chromium: the Activity list. A long subject keeps every column in view (laptop and
 * phone); the updates replayed when the page connects don't put a later page's emails on top; under an
 * opened / not opened filter, emails join and leave live.
 * Screenshots: tests/screenshots/activity-long-subject*.png.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { LocalHub } from "../../lib/realtime/local_hub.ts";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import { pageApi, signUpInBrowser, waitForStreams } from "../helpers/e2e_flows.ts";
import { outbox, trackingPaths } from "../helpers/mail.ts";
import { personRequest } from "../helpers/people.ts";

async function send(page: Page, subject: string) {
  const draft = await pageApi<{ id: string }>(page, "POST", "/messages", {
    to: ["ken@globex.example"],
    subject,
    html: "<p>Hi Ken</p>",
  });
  await pageApi(page, "POST", `/messages/${draft.id}/send`);
}

/** How far the table reaches past its scrolling box, and the header cells out of the box's view. */
const overflow = (page: Page) =>
  page.evaluate(() => {
    const box = document.querySelector(".table-wrap")!;
    const wrap = box.getBoundingClientRect();
    const hidden = [...document.querySelectorAll("table.activity th")]
      .filter((th) => th.getBoundingClientRect().width > 0)
      .filter((th) => th.getBoundingClientRect().right > wrap.right + 1)
      .map((th) => th.textContent);
    return { extra: box.scrollWidth - box.clientWidth, hidden };
  });

Deno.test("e2e - activity: a long subject wraps in two lines and every column stays in view", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser, { viewport: { width: 1280, height: 800 } });
  await signUpInBrowser(page, server.url);
  const long = "Renewal terms and the pricing for next year's seats ".repeat(6).trim(); // 311 characters
  await send(page, long.slice(0, 300));
  await send(page, "Short one");
  await page.goto(`${server.url}/`);
  await page.waitForSelector("table.activity");
  assert.deepEqual(await overflow(page), { extra: 0, hidden: [] });
  const link = page.locator(".row-link", { hasText: "Renewal terms" });
  assert.equal(await link.getAttribute("title"), long.slice(0, 300), "the whole subject is at hand");
  const lines = await link.evaluate((a) => Math.round(a.getBoundingClientRect().height / 20));
  assert.ok(lines <= 2, `the subject takes at most two lines (${lines})`);
  await screenshot(page, "activity-long-subject");
  await page.setViewportSize({ width: 390, height: 844 });
  assert.deepEqual(await overflow(page), { extra: 0, hidden: [] }, "Status stays on a phone's screen");

  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - activity: updates replayed on connect don't put older emails on top of the first page", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const { team } = await pageApi<{ team: { id: string } }>(page, "GET", "/me");
  // More than a page's worth within the few seconds the live connection replays.
  for (let i = 0; i < 30; i++) await send(page, `Email ${String(i).padStart(2, "0")}`);
  await server.deps.scheduler.drain();

  await page.goto(`${server.url}/`);
  const rows = () => page.locator("table.activity .row-link").allTextContents();
  const shown = await rows();
  assert.equal(shown.length, 25);
  assert.equal(shown[0], "Email 29");
  await waitForStreams(server.deps.realtime as LocalHub, team.id, 1);
  // The replayed updates are read and applied (one API read each) within this.
  await page.waitForTimeout(1500);
  assert.deepEqual(await rows(), shown, "the same rows, in the same order");

  // A new email still comes in on top.
  await send(page, "Email 30");
  await page.waitForSelector('.row-link:has-text("Email 30")');
  assert.deepEqual(await rows(), ["Email 30", ...shown]);

  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - activity: under 'Not opened' an email that gets opened leaves live, and under 'Opened' it arrives", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const { team } = await pageApi<{ team: { id: string } }>(page, "GET", "/me");
  await send(page, "Older");
  await send(page, "Pricing");
  await send(page, "Renewal");
  await server.deps.scheduler.drain();
  const pixelOf = async (subject: string) =>
    trackingPaths((await outbox(server, team.id)).find((e) => e.subject === subject)!.html).pixel!;
  const rows = () => page.locator("table.activity .row-link").allTextContents();

  // Two tabs' worth in one: "Not opened" here, "Opened" in a second page of the same seller.
  await page.goto(`${server.url}/?opened=false`);
  assert.deepEqual(await rows(), ["Renewal", "Pricing", "Older"]);
  const opened = await context.newPage();
  await opened.goto(`${server.url}/?opened=true`);
  await opened.waitForSelector(".empty");
  await waitForStreams(server.deps.realtime as LocalHub, team.id, 2);

  await personRequest(server, await pixelOf("Pricing"));
  await page.waitForFunction(() => document.querySelectorAll("table.activity .row-link").length === 2);
  assert.deepEqual(await rows(), ["Renewal", "Older"]);
  await opened.waitForSelector('table.activity .row-link:has-text("Pricing")');
  // A second open changes the counts, not the lists.
  await personRequest(server, await pixelOf("Pricing"));
  await opened.waitForSelector('[data-kpi=opens]:has-text("2")');
  assert.deepEqual(await rows(), ["Renewal", "Older"]);
  assert.deepEqual(await opened.locator("table.activity .row-link").allTextContents(), ["Pricing"]);
  // An email older than every row shown, opened now: "Opened" has no later page, so it joins, below Pricing.
  await personRequest(server, await pixelOf("Older"));
  await opened.waitForSelector('table.activity .row-link:has-text("Older")');
  assert.deepEqual(await opened.locator("table.activity .row-link").allTextContents(), ["Pricing", "Older"]);
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - activity: a draft started, renamed or discarded in another tab joins, changes or leaves 'Your drafts' live", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const me = await pageApi<{ team: { id: string } }>(page, "GET", "/me");
  await page.goto(`${server.url}/`);
  await waitForStreams(server.deps.realtime as LocalHub, me.team.id, 1);
  assert.equal(await page.locator("[data-testid=drafts]").count(), 0, "no drafts yet");

  const other = await context.newPage();
  await other.goto(`${server.url}/compose`);
  await other.waitForSelector("[data-testid=composer][data-ready=true]");
  await other.fill("#composer-subject", "Started in another tab");
  await page.waitForSelector("[data-testid=drafts] li a:has-text('Started in another tab')");
  // Renamed there: the list follows (a save that changes neither subject nor recipients isn't told).
  await other.fill("#composer-subject", "Renamed in another tab");
  await page.waitForSelector("[data-testid=drafts] li a:has-text('Renamed in another tab')");
  assert.equal(await page.locator("[data-testid=drafts] li").count(), 1);

  await other.click("button:has-text('Discard draft')");
  await other.click(".discard-confirm button.button-danger");
  await page.waitForSelector("[data-testid=drafts]", { state: "detached" });
  // (Closing the other tab while it is still leaving for Activity can hold Chromium up for a minute.)
  await other.waitForURL(`${server.url}/`);
  assert.deepEqual(errors, []);
  await context.close();
});

Deno.test("e2e - activity: a change whose read fails on the way is read again; one that can't be read says updates were missed", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const { team } = await pageApi<{ team: { id: string } }>(page, "GET", "/me");
  await page.goto(`${server.url}/`);
  await waitForStreams(server.deps.realtime as LocalHub, team.id, 1);

  // The page's first read of each message fails (a blip, a deploy): the second one shows the email.
  const reads = new Map<string, number>();
  let failAll = false;
  await page.route(/\/api\/messages\/\w{26}$/, (route) => {
    const n = (reads.get(route.request().url()) ?? 0) + 1;
    reads.set(route.request().url(), n);
    return failAll || n === 1 ? route.fulfill({ status: 503, body: "" }) : route.continue();
  });
  await send(page, "Shown after a retry");
  await page.waitForSelector('.row-link:has-text("Shown after a retry")');
  assert.equal(await page.getAttribute("[data-testid=live-status]", "data-status"), "live");

  // Every read fails: the header says so, rather than the page looking complete.
  failAll = true;
  await send(page, "Never read");
  await page.waitForSelector("[data-testid=live-status][data-status=missed]", { timeout: 15_000 });
  assert.equal(await page.locator('.row-link:has-text("Never read")').count(), 0);
  assert.deepEqual(errors.filter((e) => !/503|Failed to load resource/.test(String(e))), []);
  await context.close();
});
