/**
 * End to end: a seller sends a followed email to a contact; the recipient opens it in the
 * Outbox (a second browser context) and clicks a link; the seller's message page, activity
 * list and contact timeline update live, and the first open raises a toast.
 */
import assert from "node:assert/strict";
import { ManualClock } from "../../lib/clock/clock.ts";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import {
  draftToNewContact,
  KEN,
  openEmailInOutbox,
  openMessagePage,
  pageApi,
  recipientInbox,
  signUpInBrowser,
  waitForMessageStatus,
} from "../helpers/e2e_flows.ts";

Deno.test("e2e - opens and clicks reach the seller's pages live, without a reload", async () => {
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();
  const { context: seller, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);

  const { contact, draft } = await draftToNewContact(page, KEN, {
    subject: "Your Q3 proposal",
    html: '<p>Hi Ken,</p><p>Here is <a href="https://example.com/proposal">the proposal</a>. Talk soon!</p>',
  });
  await pageApi(page, "POST", `/messages/${draft.id}/send`);
  await openMessagePage(page, server.url, draft.id);
  await waitForMessageStatus(page, "Not opened yet");
  await screenshot(page, "message-sent");

  // The recipient, elsewhere: opens the email (the pixel loads) and clicks the link.
  // A few minutes after the email arrived (clicks within seconds of sending are what scanners do).
  server.clock.advance(5 * 60_000);
  // The link's destination is on the internet, which this machine can't reach: a local stand-in answers.
  const { context: recipient, inbox } = await recipientInbox(browser, server.url, {
    standIn: { url: "https://example.com/**", html: "<h1>Proposal</h1>" },
  });
  await openEmailInOutbox(inbox, server.url, "Your Q3 proposal");
  const frame = inbox.frameLocator("iframe.email-frame");
  await frame.locator("text=the proposal").waitFor();
  await screenshot(inbox, "outbox-email");

  // Seller's page: the open arrives live, with a toast.
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=kpi-opens] .kpi-value")?.textContent === "1"
  );
  assert.match(await page.textContent("[data-testid=message-status]") ?? "", /Opened once/);
  await page.waitForSelector(".toast:has-text('Ken Sato opened')");
  assert.equal(await page.locator(".toast a").count(), 0, "no 'View' on the page it would lead to");
  assert.match(await page.textContent("[data-testid=history]") ?? "", /Opened/);
  assert.match(
    await page.textContent("[data-testid=history]") ?? "",
    /for Ken in Tokyo/,
    "recipient's local time",
  );

  const [popup] = await Promise.all([
    inbox.waitForEvent("popup"),
    frame.locator("text=the proposal").click(),
  ]);
  await popup.waitForLoadState("domcontentloaded").catch(() => {});
  await popup.waitForURL(/example\.com\/proposal/).catch(() => {});
  assert.match(
    popup.url(),
    /^https:\/\/example\.com\/proposal/,
    "the click went through the redirect to the destination",
  );
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=kpi-clicks] .kpi-value")?.textContent === "1"
  );
  assert.match(await page.textContent("[data-testid=link-clicks-0]") ?? "", /1 click/);
  assert.match(await page.textContent("[data-testid=history]") ?? "", /Clicked example\.com\/proposal/);
  await screenshot(page, "message-engaged");

  // The activity list and the contact's timeline show the same, and keep updating live.
  await page.goto(`${server.url}/`);
  await page.waitForSelector("beacon-island[data-island=activity_list][data-hydrated]");
  assert.match(await page.textContent(`tr[data-message="${draft.id}"]`) ?? "", /Opened once/);
  await screenshot(page, "activity");
  await inbox.reload();
  await inbox.frameLocator("iframe.email-frame").locator("text=the proposal").waitFor();
  await page.waitForFunction(
    (id) => /Opened 2 times/.test(document.querySelector(`tr[data-message="${id}"]`)?.textContent ?? ""),
    draft.id,
  );
  // Searching from the keyboard: the words stay in the box, the row is found, a miss says so.
  await page.fill("input[name=q]", "sato q3");
  await page.press("input[name=q]", "Enter");
  await page.waitForURL(/q=sato\+q3/);
  assert.match(await page.textContent(`tr[data-message="${draft.id}"]`) ?? "", /Opened 2 times/);
  await page.fill("input[name=q]", "globex invoice");
  await page.press("input[name=q]", "Enter");
  await page.waitForSelector("text=No emails match “globex invoice”");
  await screenshot(page, "activity-search-empty");
  await page.goto(`${server.url}/contacts/${contact.id}`);
  assert.match(await page.textContent(".timeline") ?? "", /Your Q3 proposal.*Opened 2 times/s);
  await screenshot(page, "contact-timeline");
  assert.deepEqual(errors, []);
  await popup.close();
  await seller.close();
  await recipient.close();
});

Deno.test("e2e - a message page opened while the email is being sent catches up: status and its links", async () => {
  // Cron-only wake-ups and no sweep yet: the email waits, so the page is rendered while it says "Sending".
  await using server = await startServer({
    clock: new ManualClock(Date.now(), true),
    scheduler: { wakeups: ["cron"] },
  });
  await using browser = await launchBrowser();
  const { page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const { draft } = await draftToNewContact(page, KEN, {
    subject: "Your Q3 proposal",
    html: '<p>Hi Ken,</p><p>Here is <a href="https://example.com/proposal">the proposal</a>.</p>',
  });
  await pageApi(page, "POST", `/messages/${draft.id}/send`);
  await openMessagePage(page, server.url, draft.id);
  assert.equal(await page.textContent("[data-testid=message-status]"), "Sending");
  assert.equal(
    await page.locator("[data-testid=link-clicks-0]").count(),
    0,
    "no links before it is rendered",
  );

  await server.deps.scheduler.runDue();
  await waitForMessageStatus(page, "Not opened yet");
  assert.match(await page.textContent("[data-testid=link-clicks-0]") ?? "", /0 clicks/);
  assert.deepEqual(errors, []);
});

Deno.test("e2e - the message page fits the email: no empty box under a short one, no inner scroll in a long one", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const paragraph =
    "<p>We went through the numbers for the second year, and here is what changes for you.</p>";
  const { draft: short } = await draftToNewContact(page, KEN, { subject: "Short", html: "<p>Hi Ken!</p>" });
  const long = await pageApi<{ id: string }>(page, "POST", "/messages", {
    to: [KEN.email],
    subject: "Long",
    html: paragraph.repeat(40),
  });
  for (const id of [short.id, long.id]) await pageApi(page, "POST", `/messages/${id}/send`);

  /** The frame's height, and how far its email would scroll inside it. */
  const measure = () =>
    page.$eval("iframe.email-frame[data-fitted]", (frame) => {
      const f = frame as HTMLIFrameElement;
      const root = f.contentDocument!.documentElement;
      return { height: f.getBoundingClientRect().height, overflow: root.scrollHeight - root.clientHeight };
    });
  await openMessagePage(page, server.url, short.id);
  const fittedShort = await measure();
  assert.ok(fittedShort.height <= 140, `a one-line email gets a small frame (${fittedShort.height}px)`);
  assert.equal(fittedShort.overflow, 0);

  await openMessagePage(page, server.url, long.id);
  const wide = await measure();
  assert.ok(wide.height > 1000, `the long email is shown whole (${wide.height}px)`);
  assert.equal(wide.overflow, 0, "nothing scrolls inside the frame");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForFunction(
    (before) => document.querySelector("iframe.email-frame")!.getBoundingClientRect().height > before,
    wide.height,
  );
  assert.equal((await measure()).overflow, 0, "refitted when the text rewraps on a phone");
  await page.setViewportSize({ width: 1280, height: 860 });
  await screenshot(page, "message-long");
  assert.deepEqual(errors, []);
});
