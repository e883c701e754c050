/**
 * End to end: a much-opened email's history shows its newest events a page at a time; "Show older events"
 * brings the rest in, by keyboard too, and "Sent" ends the history only once everything is there.
 */
import assert from "node:assert/strict";
import { EVENTS_PAGE } from "../../lib/messages/list.ts";
import { launchBrowser, newSellerPage, screenshot, startServer } from "../helpers/browser.ts";
import { draftToNewContact, KEN, openMessagePage, pageApi, signUpInBrowser } from "../helpers/e2e_flows.ts";
import { outbox, trackingPaths } from "../helpers/mail.ts";
import { personRequest } from "../helpers/people.ts";

Deno.test("e2e - history: older events come on request, every one once, and the focus stays in the history", async () => {
  await using server = await startServer();
  await using browser = await launchBrowser();
  const { context, page, errors } = await newSellerPage(browser);
  await signUpInBrowser(page, server.url);
  const me = await pageApi<{ team: { id: string } }>(page, "GET", "/me");
  const { draft } = await draftToNewContact(page, KEN, { subject: "Pricing", html: "<p>Hi Ken</p>" });
  await pageApi(page, "POST", `/messages/${draft.id}/send`);
  await server.deps.scheduler.drain();
  const { pixel } = trackingPaths((await outbox(server, me.team.id))[0].html);
  const hits = EVENTS_PAGE + 5;
  for (let i = 0; i < hits; i++) {
    server.clock.advance(60_000);
    await personRequest(server, pixel!);
  }
  await server.deps.recorder.idle();

  await openMessagePage(page, server.url, draft.id);
  const items = page.locator("[data-testid=history] .history-item");
  assert.equal(await items.count(), EVENTS_PAGE, "the newest page, and no 'Sent' yet");
  const older = page.locator("[data-testid=history-older]");
  await older.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "tests/screenshots/message-history-paged.png" });
  await older.focus();
  await page.keyboard.press("Enter");
  await older.waitFor({ state: "detached" });
  assert.equal(await items.count(), hits + 1, "every event once, then 'Sent'");
  assert.match(await items.last().textContent() ?? "", /^Sent/);
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute("data-testid")),
    "history",
    "the focus stays in the history",
  );
  await screenshot(page, "message-history-older");
  assert.deepEqual(errors, []);
  await context.close();
});
