/**
 * End to end: a seller sends a followed email to a contact; the recipient opens it in the
 * Outbox (a second browser context) and clicks a link; the seller's message page, activity
 * list and contact timeline update live, and the first open raises a toast.
 */
import assert from "node:assert/strict";
import { ManualClock } from "../../lib/clock/clock.ts";
import { launchBrowser, screenshot, startServer } from "../helpers/browser.ts";
import { pageApi, signUpInBrowser } from "../helpers/e2e_flows.ts";

Deno.test("e2e - opens and clicks reach the seller's pages live, without a reload", async () => {
  await using server = await startServer({ clock: new ManualClock(Date.now(), true) });
  await using browser = await launchBrowser();
  const seller = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    timezoneId: "Europe/Lisbon",
  });
  seller.setDefaultTimeout(10_000);
  const page = await seller.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await signUpInBrowser(page, server.url);

  const contact = await pageApi<{ id: string }>(page, "POST", "/contacts", {
    firstName: "Ken",
    lastName: "Sato",
    email: "ken@globex.example",
    timeZone: "Asia/Tokyo",
  });
  const draft = await pageApi<{ id: string }>(page, "POST", "/messages", {
    to: ["ken@globex.example"],
    subject: "Your Q3 proposal",
    html: '<p>Hi Ken,</p><p>Here is <a href="https://example.com/proposal">the proposal</a>. Talk soon!</p>',
  });
  await pageApi(page, "POST", `/messages/${draft.id}/send`);
  await page.goto(`${server.url}/messages/${draft.id}`);
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=message-status]")?.textContent === "Not opened yet"
  );
  await page.waitForSelector("beacon-island[data-island=engagement_panel][data-hydrated]");
  await screenshot(page, "message-sent");

  // The recipient, elsewhere: opens the email (the pixel loads) and clicks the link.
  // A few minutes after the email arrived (clicks within seconds of sending are what scanners do).
  server.clock.advance(5 * 60_000);
  const recipient = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  // The destination is on the internet, which this machine can't reach: a local stand-in answers for it.
  await recipient.route(
    "https://example.com/**",
    (route) => route.fulfill({ contentType: "text/html", body: "<h1>Proposal</h1>" }),
  );
  const inbox = await recipient.newPage();
  // The Outbox needs a signed-in user; the recipient's context signs in as the seller would to show it.
  await inbox.goto(`${server.url}/signin`);
  await inbox.fill("#f-email", "ana@acme.example");
  await inbox.fill("#f-password", "correct horse battery");
  await inbox.click("button[type=submit]");
  await inbox.goto(`${server.url}/outbox`);
  await inbox.click("text=Your Q3 proposal");
  const frame = inbox.frameLocator("iframe.email-frame");
  await frame.locator("text=the proposal").waitFor();
  await screenshot(inbox, "outbox-email");

  // Seller's page: the open arrives live, with a toast.
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=kpi-opens] .kpi-value")?.textContent === "1"
  );
  assert.match(await page.textContent("[data-testid=message-status]") ?? "", /Opened once/);
  await page.waitForSelector(".toast:has-text('Ken Sato opened')");
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
  await page.goto(`${server.url}/contacts/${contact.id}`);
  assert.match(await page.textContent(".timeline") ?? "", /Your Q3 proposal.*Opened 2 times/s);
  await screenshot(page, "contact-timeline");
  assert.deepEqual(errors, []);
  await popup.close();
  await seller.close();
  await recipient.close();
});
